#pragma once

// `sbfn test --serve`: the project's functions served in this process on a free port
// while the tests run, as `sbfn serve` serves them, and the environment that points the
// tests at them (what `supabase.functions.invoke` reads).

#include "server/server.hpp"

#include <cstdint>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tester {

class TestServer {
 public:
  using LineSink = std::function<void(int fd, const std::string& line)>;
  // Returns once the server listens; throws util::Error when it cannot start (a broken
  // config.toml, an env file that does not parse). Its log lines go to `log`.
  TestServer(server::ServeOptions options, LineSink log);
  ~TestServer();  // stops serving (open requests finish first)
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_PUBLISHABLE_KEY and SUPABASE_SERVICE_ROLE_KEY
  // for the tests.
  std::vector<std::pair<std::string, std::string>> environment() const;

 private:
  server::ServeOptions m_options;
  server::Embedding m_embedding;
  std::uint16_t m_port = 0;
  std::function<void()> m_stop;
  std::thread m_thread;
};

}  // namespace tester
