#include "support/aws_endpoint.hpp"

#include "support/node_oracles.hpp"

#include "deploy/aws/http.hpp"
#include "util/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>

extern char** environ;

namespace test_support {

AwsEndpoint::AwsEndpoint(const nlohmann::json& state) {
  std::string why;
  auto dir = oracle_dir(&why);
  if (!dir) {
    throw std::runtime_error(why);
  }
  static std::atomic<int> counter{0};
  m_state_file =
      std::filesystem::temp_directory_path() / ("sbfn-aws-endpoint-" + std::to_string(::getpid()) +
                                                "-" + std::to_string(counter++) + ".json");
  util::write_file_atomic(m_state_file, state.dump());

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  const std::string script = (*dir / "aws_endpoint.mjs").string();
  const std::string state_path = m_state_file.string();
  char* argv[] = {const_cast<char*>("node"), const_cast<char*>(script.c_str()),
                  const_cast<char*>(state_path.c_str()), nullptr};
  int spawned = posix_spawnp(&m_pid, "node", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(out[0]);
    throw std::runtime_error("cannot run node for tests/oracles/aws_endpoint.mjs");
  }
  // The first line is {"port": N}; an early end means the script failed (its stderr shows).
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') {
    line += c;
  }
  ::close(out[0]);
  auto parsed = nlohmann::json::parse(line, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("port")) {
    throw std::runtime_error("tests/oracles/aws_endpoint.mjs did not start (printed: " + line +
                             ")");
  }
  m_url = "http://127.0.0.1:" + std::to_string(parsed["port"].get<int>());
}

AwsEndpoint::~AwsEndpoint() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove(m_state_file, ec);
}

nlohmann::json AwsEndpoint::log() const {
  deploy::aws::HttpExchange request;
  request.method = "GET";
  request.url = m_url + "/_log";
  return nlohmann::json::parse(deploy::aws::send(request).body);
}

}  // namespace test_support
