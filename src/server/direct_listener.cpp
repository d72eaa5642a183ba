#include "server/direct_listener.hpp"

#include "server/acceptor.hpp"
#include "server/log.hpp"
#include "server/net.hpp"
#include "server/server_state.hpp"
#include "server/session.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <system_error>
#include <thread>

namespace server {
namespace {

using asio::ip::tcp;

// What Deno's server allows by default, and sbfn serve's own defaults otherwise.
constexpr std::size_t k_max_body_bytes = std::size_t{1} << 30;
constexpr std::size_t k_request_idle_timeout_ms = 150'000;

tcp::endpoint endpoint_of(const std::string& hostname, std::uint16_t port) {
  // Deno binds "localhost" to the IPv4 loopback address.
  if (hostname.empty() || hostname == "localhost") {
    return {asio::ip::make_address_v4("127.0.0.1"), port};
  }
  boost::system::error_code error;
  auto address = asio::ip::make_address(hostname, error);
  if (!error) {
    return {address, port};
  }
  asio::io_context io;
  tcp::resolver resolver(io);
  auto results = resolver.resolve(hostname, std::to_string(port), error);
  if (error || results.empty()) {
    throw std::system_error(EADDRNOTAVAIL, std::generic_category(),
                            "failed to lookup address information: " + hostname);
  }
  return results.begin()->endpoint();
}

class DirectListener final : public runtime::Listener {
 public:
  DirectListener(const std::string& hostname, std::uint16_t port, runtime::RequestHandler handler)
      : m_log(Logger::Format::text, [](int, const std::string&) {}),
        m_state(nullptr, m_log, nullptr, k_max_body_bytes, k_request_idle_timeout_ms),
        m_acceptor(asio::make_strand(m_io)) {
    m_state.direct = std::move(handler);
    m_state.io = &m_io;
    auto endpoint = endpoint_of(hostname, port);
    if (auto error = listen_on(m_acceptor, endpoint)) {
      throw std::system_error(error.value(), std::generic_category(), error.message());
    }
    m_port = m_acceptor.local_endpoint().port();
    accept();
    m_thread = std::thread([this] { m_io.run(); });
  }

  ~DirectListener() override {
    m_state.draining = true;
    m_io.stop();
    m_thread.join();
    // Destroying m_io (first, below) destroys the sessions its handlers still own.
  }

  std::uint16_t port() const override { return m_port; }

  void stop_accepting() override {
    m_state.draining = true;
    asio::post(m_acceptor.get_executor(), [this] {
      boost::system::error_code ignored;
      m_acceptor.close(ignored);
    });
  }

 private:
  void accept() {
    m_acceptor.async_accept(
        asio::make_strand(m_io), [this](boost::system::error_code error, tcp::socket socket) {
          if (error == asio::error::operation_aborted || !m_acceptor.is_open()) {
            return;
          }
          if (!error) {
            socket.set_option(tcp::no_delay(true), error);
            start_session(std::move(socket), m_state, ConnectionSlot(m_state.connections));
          }
          accept();
        });
  }

  Logger m_log;
  ServerState m_state;  // before m_io: the sessions m_io's handlers own refer to it
  asio::io_context m_io{1};
  tcp::acceptor m_acceptor;
  std::uint16_t m_port = 0;
  std::thread m_thread;
};

}  // namespace

std::unique_ptr<runtime::Listener> listen_direct(const std::string& hostname, std::uint16_t port,
                                                 runtime::RequestHandler handler) {
  return std::make_unique<DirectListener>(hostname, port, std::move(handler));
}

}  // namespace server
