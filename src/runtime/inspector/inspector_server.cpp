// The inspector's HTTP and WebSocket port (Boost.Beast), on a thread of its own.
#include "runtime/inspector/inspector_server.hpp"

#include "runtime/runtime.hpp"
#include "util/error.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <deque>
#include <optional>
#include <thread>
#include <utility>

namespace runtime::inspector {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// Node's DNS-rebinding guard: only an IP address or localhost may name the port, or the
// name the inspector was told to listen on (`--inspect=NAME:PORT`).
bool allowed_host(std::string_view host_header, const std::string& configured) {
  if (host_header.empty()) {
    return true;  // HTTP/1.0 clients; nothing a browser sends
  }
  std::string host(host_header);
  if (host.front() == '[') {
    return host.find(']') != std::string::npos;  // an IPv6 literal
  }
  if (auto colon = host.rfind(':'); colon != std::string::npos) {
    host.resize(colon);
  }
  if (host == "localhost" || host == "localhost6" || host == configured) {
    return true;
  }
  boost::system::error_code error;
  asio::ip::make_address_v4(host, error);
  return !error;
}

std::string json_list(const Targets& targets, const std::string& host_port) {
  auto list = nlohmann::json::array();
  for (const auto& target : targets.list()) {
    const auto ws = host_port + "/" + target->id();
    nlohmann::json entry = {
        {"description", "sbfn worker"},
        {"devtoolsFrontendUrl",
         "devtools://devtools/bundled/js_app.html?experiments=true&v8only=true&ws=" + ws},
        {"devtoolsFrontendUrlCompat",
         "devtools://devtools/bundled/inspector.html?experiments=true&v8only=true&ws=" + ws},
        {"faviconUrl", "https://supabase.com/favicon/favicon.ico"},
        {"id", target->id()},
        {"title", target->title()},
        {"type", "node"},
        {"url", target->url()},
    };
    // Node leaves the WebSocket address out while a frontend holds the target.
    if (!target->attached()) {
      entry["webSocketDebuggerUrl"] = "ws://" + ws;
    }
    list.push_back(std::move(entry));
  }
  return list.dump(2);
}

std::string json_version() {
  return nlohmann::json{{"Browser", std::string("sbfn/") + SBFN_VERSION},
                        {"Protocol-Version", "1.3"},
                        {"V8-Version", v8_version()}}
      .dump(2);
}

// A frontend's WebSocket: reads go to the target's queue; what the worker sends is
// posted here and written in order.
class DebuggerSocket : public std::enable_shared_from_this<DebuggerSocket> {
 public:
  DebuggerSocket(tcp::socket socket, std::weak_ptr<asio::io_context> io)
      : m_ws(std::move(socket)), m_io(std::move(io)) {}

  void start(http::request<http::string_body> request, std::shared_ptr<Target> target) {
    m_target = std::move(target);
    m_upgrade = std::move(request);  // kept until the handshake is done
    m_ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    m_ws.read_message_max(256u << 20);  // a source map or a heap snapshot chunk may be large
    m_ws.async_accept(m_upgrade, [self = shared_from_this()](beast::error_code error) {
      if (error) {
        return;
      }
      std::weak_ptr<DebuggerSocket> weak = self;
      // Weak: a worker's last message may come after the server is gone.
      std::weak_ptr<asio::io_context> io = self->m_io;
      bool attached = self->m_target->attach(
          [weak, io](std::string message) {
            if (auto loop = io.lock()) {
              asio::post(*loop, [weak, message = std::move(message)]() mutable {
                if (auto socket = weak.lock()) {
                  socket->write(std::move(message));
                }
              });
            }
          },
          [weak, io] {
            if (auto loop = io.lock()) {
              asio::post(*loop, [weak] {
                if (auto socket = weak.lock()) {
                  socket->close();
                }
              });
            }
          });
      if (!attached) {  // another frontend won the race, or the worker ended
        self->close();
        return;
      }
      self->read();
    });
  }

 private:
  void read() {
    m_ws.async_read(m_in, [self = shared_from_this()](beast::error_code error, std::size_t) {
      if (error) {
        self->m_target->detach();
        return;
      }
      self->m_target->receive(beast::buffers_to_string(self->m_in.data()));
      self->m_in.consume(self->m_in.size());
      self->read();
    });
  }

  void write(std::string message) {
    if (m_closed) {
      return;  // the worker ended; the frontend is being told
    }
    m_out.push_back(std::move(message));
    if (m_out.size() == 1) {
      write_next();
    }
  }

  void write_next() {
    m_ws.text(true);
    m_ws.async_write(asio::buffer(m_out.front()),
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       if (error) {
                         self->m_out.clear();
                         return;
                       }
                       self->m_out.pop_front();
                       if (!self->m_out.empty()) {
                         self->write_next();
                       } else if (self->m_closing) {
                         self->close();
                       }
                     });
  }

  void close() {
    if (!m_out.empty()) {
      m_closing = true;  // after what the worker said last
      return;
    }
    if (std::exchange(m_closed, true)) {
      return;  // one close handshake at a time (Beast allows no second)
    }
    m_ws.async_close(websocket::close_code::going_away,
                     [self = shared_from_this()](beast::error_code) {});
  }

  websocket::stream<beast::tcp_stream> m_ws;
  std::weak_ptr<asio::io_context> m_io;
  std::shared_ptr<Target> m_target;
  http::request<http::string_body> m_upgrade;
  beast::flat_buffer m_in;
  std::deque<std::string> m_out;
  bool m_closing = false;
  bool m_closed = false;
};

// One HTTP connection: /json answers, or the upgrade to a DebuggerSocket.
class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(tcp::socket socket, std::weak_ptr<asio::io_context> io,
                 std::shared_ptr<Targets> targets, std::string endpoint, std::string host)
      : m_stream(std::move(socket)),
        m_io(std::move(io)),
        m_targets(std::move(targets)),
        m_endpoint(std::move(endpoint)),
        m_host(std::move(host)) {}

  void read() {
    m_request = {};
    m_stream.expires_after(std::chrono::seconds(30));
    http::async_read(m_stream, m_buffer, m_request,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       if (!error) {
                         self->route();
                       }
                     });
  }

 private:
  void route() {
    auto host = std::string(m_request[http::field::host]);
    if (!allowed_host(host, m_host)) {
      return respond(http::status::bad_request, "text/plain",
                     "Host header is not an IP address or localhost\n");
    }
    std::string target_path(m_request.target());
    if (auto query = target_path.find('?'); query != std::string::npos) {
      target_path.resize(query);
    }
    if (websocket::is_upgrade(m_request)) {
      auto target = m_targets->find(target_path.substr(target_path.find_last_of('/') + 1));
      if (!target) {
        return respond(http::status::not_found, "text/plain", "No such inspector target\n");
      }
      if (target->attached()) {
        return respond(http::status::bad_request, "text/plain",
                       "A debugger is already attached to this target\n");
      }
      m_stream.expires_never();
      std::make_shared<DebuggerSocket>(m_stream.release_socket(), m_io)
          ->start(std::move(m_request), std::move(target));
      return;
    }
    if (m_request.method() != http::verb::get) {
      return respond(http::status::method_not_allowed, "text/plain", "Only GET\n");
    }
    // The address the client used, so the URLs work from where it stands.
    const auto& host_port = host.empty() ? m_endpoint : host;
    if (target_path == "/json" || target_path == "/json/list" || target_path == "/json/list/" ||
        target_path == "/json/") {
      return respond(http::status::ok, "application/json; charset=UTF-8",
                     json_list(*m_targets, host_port));
    }
    if (target_path == "/json/version" || target_path == "/json/version/") {
      return respond(http::status::ok, "application/json; charset=UTF-8", json_version());
    }
    respond(http::status::not_found, "text/plain", "Unknown inspector path\n");
  }

  void respond(http::status status, const char* type, std::string body) {
    auto response = std::make_shared<http::response<http::string_body>>(status, 11);
    response->set(http::field::content_type, type);
    response->body() = std::move(body);
    response->keep_alive(m_request.keep_alive());
    response->prepare_payload();
    http::async_write(m_stream, *response,
                      [self = shared_from_this(), response](beast::error_code error, std::size_t) {
                        if (!error && response->keep_alive()) {
                          self->read();
                        } else {
                          beast::error_code ignored;
                          self->m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
                        }
                      });
  }

  beast::tcp_stream m_stream;
  std::weak_ptr<asio::io_context> m_io;
  std::shared_ptr<Targets> m_targets;
  std::string m_endpoint;
  std::string m_host;  // as given to --inspect
  beast::flat_buffer m_buffer;
  http::request<http::string_body> m_request;
};

}  // namespace

class InspectorServerImpl {
 public:
  InspectorServerImpl(const Address& address, std::shared_ptr<Targets> targets)
      : m_targets(std::move(targets)), m_host(address.host) {
    boost::system::error_code error;
    auto ip = asio::ip::make_address(address.host, error);
    if (error) {
      // A name: the first address it resolves to (localhost: loopback).
      tcp::resolver resolver(*m_io);
      auto results = resolver.resolve(address.host, std::to_string(address.port), error);
      if (error || results.empty()) {
        throw util::Error("inspector: cannot resolve host \"" + address.host +
                          "\": " + error.message());
      }
      ip = results.begin()->endpoint().address();
    }
    tcp::endpoint endpoint(ip, address.port);
    m_acceptor.open(endpoint.protocol(), error);
    if (!error) {
      m_acceptor.set_option(asio::socket_base::reuse_address(true), error);
      m_acceptor.bind(endpoint, error);
    }
    if (!error) {
      m_acceptor.listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
      throw util::Error("inspector: cannot listen on " + address.host + ":" +
                        std::to_string(address.port) + ": " + error.message());
    }
    m_port = m_acceptor.local_endpoint().port();
    m_endpoint =
        (ip.is_v6() ? "[" + ip.to_string() + "]" : ip.to_string()) + ":" + std::to_string(m_port);
    m_targets->set_endpoint(m_endpoint);
    accept();
    m_thread = std::thread([this] { m_io->run(); });
  }

  ~InspectorServerImpl() {
    m_work.reset();
    m_io->stop();
    m_thread.join();
  }

  std::uint16_t port() const { return m_port; }
  const std::string& endpoint() const { return m_endpoint; }

 private:
  void accept() {
    m_acceptor.async_accept([this](beast::error_code error, tcp::socket socket) {
      if (error == asio::error::operation_aborted) {
        return;
      }
      if (!error) {
        std::make_shared<HttpConnection>(std::move(socket), m_io, m_targets, m_endpoint, m_host)
            ->read();
      }
      accept();
    });
  }

  std::shared_ptr<Targets> m_targets;
  std::string m_host;
  // Connections hold it weakly, so that it ends with the server.
  std::shared_ptr<asio::io_context> m_io = std::make_shared<asio::io_context>(1);
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> m_work{
      m_io->get_executor()};
  tcp::acceptor m_acceptor{*m_io};
  std::uint16_t m_port = 0;
  std::string m_endpoint;
  std::thread m_thread;
};

InspectorServer::InspectorServer(const Address& address, std::shared_ptr<Targets> targets)
    : m_impl(std::make_unique<InspectorServerImpl>(address, std::move(targets))) {}
InspectorServer::~InspectorServer() = default;
std::uint16_t InspectorServer::port() const {
  return m_impl->port();
}
std::string InspectorServer::endpoint() const {
  return m_impl->endpoint();
}

}  // namespace runtime::inspector
