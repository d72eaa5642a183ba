#include "support/module_server_fixture.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace test_support {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

ModuleServer::ModuleServer() : m_server(std::make_unique<httplib::Server>()) {
  // One thread per kept-alive connection: with httplib's default pool (8) a client holding
  // 16 connections open would see half of them wait for the keep-alive timeout.
  m_server->new_task_queue = [] { return new httplib::ThreadPool(64); };
  // Headers and body go out in separate writes: without TCP_NODELAY every response on a
  // reused connection waits for the client's delayed ACK (40 ms), as real registries do not.
  m_server->set_tcp_nodelay(true);
  m_server->Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    auto key = req.target;  // path and query as sent
    Route route;
    bool found = false;
    std::string required_auth;
    {
      std::lock_guard guard(m_mutex);
      ++m_hits[key];
      auto& headers = m_last_headers[key];
      headers.clear();
      for (const auto& [name, value] : req.headers) {
        headers[lower(name)] = value;
      }
      for (const auto& [prefix, header] : m_auth) {
        if (key.rfind(prefix, 0) == 0) {
          required_auth = header;
        }
      }
      if (auto it = m_routes.find(key); it != m_routes.end()) {
        route = it->second;
        found = true;
      }
    }
    ++m_total;
    if (!required_auth.empty() && req.get_header_value("Authorization") != required_auth) {
      res.status = 401;
      res.set_content("unauthorized", "text/plain");
      return;
    }
    if (!found) {
      res.status = 404;
      res.set_content("not found", "text/plain");
      return;
    }
    res.status = route.status;
    for (const auto& [name, value] : route.headers) {
      res.set_header(name, value);
    }
    if (route.cut_after) {
      auto body = route.body;
      auto bytes = *route.cut_after;
      res.set_content_provider(body.size(), route.content_type,
                               [body, bytes](size_t offset, size_t, httplib::DataSink& sink) {
                                 if (offset > 0) {
                                   return false;  // closes the connection half-way
                                 }
                                 sink.write(body.data(), bytes);
                                 return true;
                               });
      return;
    }
    res.body = route.body;
    if (!route.content_type.empty()) {
      res.set_header("Content-Type", route.content_type);
    }
  });
  m_port = m_server->bind_to_any_port("127.0.0.1");
  m_thread = std::thread([this] { m_server->listen_after_bind(); });
  while (!m_server->is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

ModuleServer::~ModuleServer() {
  m_server->stop();
  m_thread.join();
}

std::string ModuleServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(m_port) + path;
}

void ModuleServer::serve(const std::string& path, std::string body, std::string content_type,
                         std::map<std::string, std::string> headers) {
  std::lock_guard guard(m_mutex);
  m_routes[path] = Route{200, std::move(body), std::move(content_type), std::move(headers), {}};
}

void ModuleServer::redirect(const std::string& path, std::string location, int status) {
  std::lock_guard guard(m_mutex);
  m_routes[path] = Route{status, "", "text/plain", {{"Location", std::move(location)}}, {}};
}

void ModuleServer::fail(const std::string& path, int status) {
  std::lock_guard guard(m_mutex);
  m_routes[path] = Route{status, "failure", "text/plain", {}, {}};
}

void ModuleServer::cut(const std::string& path, std::string body, std::size_t bytes) {
  std::lock_guard guard(m_mutex);
  m_routes[path] = Route{200, std::move(body), "application/javascript", {}, bytes};
}

void ModuleServer::require_authorization(const std::string& path_prefix, std::string header) {
  std::lock_guard guard(m_mutex);
  m_auth[path_prefix] = std::move(header);
}

int ModuleServer::hits(const std::string& path) const {
  std::lock_guard guard(m_mutex);
  auto it = m_hits.find(path);
  return it == m_hits.end() ? 0 : it->second;
}

int ModuleServer::total_hits() const {
  return m_total;
}

std::map<std::string, std::string> ModuleServer::last_headers(const std::string& path) const {
  std::lock_guard guard(m_mutex);
  auto it = m_last_headers.find(path);
  return it == m_last_headers.end() ? std::map<std::string, std::string>{} : it->second;
}

}  // namespace test_support
