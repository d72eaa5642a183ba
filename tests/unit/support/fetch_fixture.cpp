// Starts the Python fixture with a pipe on its stdin: closing the pipe (at exit, or when
// this process dies) stops it, so no server outlives the tests.
#include "support/fetch_fixture.hpp"

#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace test_support {
namespace {

class Fixture {
 public:
  Fixture() {
    int to_child[2];
    int from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) {
      return;
    }
    m_pid = ::fork();
    if (m_pid == 0) {
      ::dup2(to_child[0], 0);
      ::dup2(from_child[1], 1);
      ::close(to_child[1]);
      ::close(from_child[0]);
      std::string script = std::string(SBFN_SOURCE_DIR) + "/tests/js/servers/fetch_fixture.py";
      ::execlp("python3", "python3", script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    m_stdin = to_child[1];
    // The first line is the servers' URLs, printed once they accept.
    std::string line;
    char c = 0;
    while (::read(from_child[0], &c, 1) == 1 && c != '\n') {
      line += c;
    }
    ::close(from_child[0]);
    auto info = nlohmann::json::parse(line, nullptr, false);
    if (!info.is_object()) {
      return;
    }
    std::ifstream ca(info.value("ca", std::string()));
    std::ostringstream pem;
    pem << ca.rdbuf();
    m_env = {{"SBFN_TEST_HTTP", info.value("http", std::string())},
             {"SBFN_TEST_HTTPS", info.value("https", std::string())},
             {"SBFN_TEST_PROXY", info.value("proxy", std::string())},
             {"SBFN_TEST_CLOSED", info.value("closed", std::string())},
             {"SBFN_TEST_CA", pem.str()}};
  }

  ~Fixture() {
    if (m_stdin >= 0) {
      ::close(m_stdin);
    }
    if (m_pid > 0) {
      ::waitpid(m_pid, nullptr, 0);
    }
  }

  std::vector<std::pair<std::string, std::string>> m_env;

 private:
  pid_t m_pid = -1;
  int m_stdin = -1;
};

}  // namespace

const std::vector<std::pair<std::string, std::string>>& fetch_fixture_env() {
  static Fixture fixture;
  return fixture.m_env;
}

}  // namespace test_support
