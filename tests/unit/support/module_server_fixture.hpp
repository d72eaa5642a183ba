#pragma once

// An https-style module server for tests: a real HTTP server (cpp-httplib) on an ephemeral
// 127.0.0.1 port, started by the constructor and stopped by the destructor. Routes are
// added while it runs; every request is counted, so tests can prove what was (not) asked.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace test_support {

class ModuleServer {
 public:
  ModuleServer();
  ~ModuleServer();
  ModuleServer(const ModuleServer&) = delete;
  ModuleServer& operator=(const ModuleServer&) = delete;

  // "http://127.0.0.1:<port>" + path.
  std::string url(const std::string& path = "/") const;

  // Serves `body` at `path` (the query is part of the match when `path` has one). An
  // empty content type sends no Content-Type header.
  void serve(const std::string& path, std::string body, std::string content_type,
             std::map<std::string, std::string> headers = {});
  // Answers `path` with `status` (3xx) and `location` as given (relative is allowed).
  void redirect(const std::string& path, std::string location, int status = 302);
  // Answers `path` with `status` and a short text body.
  void fail(const std::string& path, int status);
  // Promises `body` but closes the connection after its first `bytes` bytes.
  void cut(const std::string& path, std::string body, std::size_t bytes);
  // Requests for `path` without exactly this Authorization header get 401 (prefix match).
  void require_authorization(const std::string& path_prefix, std::string header);

  // How many requests `path` (with its query) received.
  int hits(const std::string& path) const;
  int total_hits() const;
  // The headers of the last request to `path`, names lowercased.
  std::map<std::string, std::string> last_headers(const std::string& path) const;

 private:
  struct Route {
    int status = 200;
    std::string body;
    std::string content_type;
    std::map<std::string, std::string> headers;
    std::optional<std::size_t> cut_after;
  };

  std::unique_ptr<httplib::Server> m_server;
  int m_port = 0;
  std::thread m_thread;
  mutable std::mutex m_mutex;
  std::map<std::string, Route> m_routes;
  std::map<std::string, std::string> m_auth;  // path prefix -> required header
  std::map<std::string, int> m_hits;
  std::map<std::string, std::map<std::string, std::string>> m_last_headers;
  std::atomic<int> m_total{0};
};

}  // namespace test_support
