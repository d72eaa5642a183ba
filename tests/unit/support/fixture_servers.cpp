#include "support/fixture_servers.hpp"

#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace fs = std::filesystem;

namespace test_support {
namespace {

struct Fixture {
  pid_t pid = -1;
  int stdin_fd = -1;
};

class Fixtures {
 public:
  explicit Fixtures(const fs::path& folder) {
    std::vector<fs::path> scripts;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      if (entry.path().filename().string().ends_with("_fixture.py")) {
        scripts.push_back(entry.path());
      }
    }
    std::sort(scripts.begin(), scripts.end());
    for (const auto& script : scripts) {
      start(script);
    }
  }
  ~Fixtures() {
    for (auto& fixture : m_fixtures) {
      ::close(fixture.stdin_fd);  // a fixture stops when its stdin closes
      ::kill(fixture.pid, SIGTERM);
      ::waitpid(fixture.pid, nullptr, 0);
    }
  }
  const std::vector<std::pair<std::string, std::string>>& env() const { return m_env; }

 private:
  void start(const fs::path& script) {
    int in[2];
    int out[2];
    if (::pipe(in) != 0 || ::pipe(out) != 0) {
      return;
    }
    pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::close(in[1]);
      ::close(out[0]);
      ::execlp("python3", "python3", script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    if (pid < 0) {
      ::close(in[1]);
      ::close(out[0]);
      return;
    }
    m_fixtures.push_back({pid, in[1]});
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') {
      line += c;
    }
    ::close(out[0]);
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    if (!parsed.is_object()) {
      return;
    }
    for (const auto& [key, value] : parsed.items()) {
      if (key == "env" && value.is_object()) {  // variables the runtime itself reads, as they are
        for (const auto& [variable, setting] : value.items()) {
          m_env.emplace_back(variable,
                             setting.is_string() ? setting.get<std::string>() : setting.dump());
        }
        continue;
      }
      std::string name = "SBFN_TEST_";
      for (char ch : key) {
        name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      }
      m_env.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
  }

  std::vector<Fixture> m_fixtures;
  std::vector<std::pair<std::string, std::string>> m_env;
};

}  // namespace

const std::vector<std::pair<std::string, std::string>>& fixture_env(const fs::path& folder) {
  static Fixtures fixtures(folder);
  return fixtures.env();
}

}  // namespace test_support
