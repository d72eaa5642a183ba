#include "tester/test_server.hpp"

#include "project/local_stack.hpp"

#include "util/error.hpp"

#include <exception>

namespace tester {

TestServer::TestServer(server::ServeOptions options, LineSink log) : m_options(std::move(options)) {
  m_options.host = "127.0.0.1";
  m_options.port = 0;
  m_options.watch = false;  // the sources do not change under a test run
  std::promise<void> ready;
  auto listening = ready.get_future();
  m_embedding.log = std::move(log);
  m_embedding.listening = [this, &ready](std::uint16_t port, std::function<void()> stop) {
    m_port = port;
    m_stop = std::move(stop);
    ready.set_value();
  };
  m_thread = std::thread([this, &ready] {
    try {
      server::serve(m_options, &m_embedding);
      if (!m_stop) {
        throw util::Error("the functions server ended before it listened");
      }
    } catch (...) {
      // Only before listening can this throw; afterwards nobody waits on `ready`.
      if (!m_stop) {
        ready.set_exception(std::current_exception());
      }
    }
  });
  try {
    listening.get();
  } catch (...) {
    m_thread.join();
    throw;
  }
}

TestServer::~TestServer() {
  m_stop();
  m_thread.join();
}

std::vector<std::pair<std::string, std::string>> TestServer::environment() const {
  const auto& keys = m_options.env;
  auto or_default = [](const std::string& given, std::string fallback) {
    return given.empty() ? fallback : given;
  };
  return {
      {"SUPABASE_URL", "http://127.0.0.1:" + std::to_string(m_port)},
      {"SUPABASE_ANON_KEY", or_default(keys.anon_key, project::demo_anon_key())},
      {"SUPABASE_PUBLISHABLE_KEY",
       or_default(keys.publishable_key, project::default_publishable_key())},
      {"SUPABASE_SERVICE_ROLE_KEY",
       or_default(keys.service_role_key, project::demo_service_role_key())},
  };
}

}  // namespace tester
