#include "server/tls_front.hpp"

#include "server/acceptor.hpp"

#include "util/error.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <array>

namespace server {
namespace {

using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;

// How long a client may take to finish the TLS handshake.
constexpr auto k_handshake_limit = std::chrono::seconds(10);

std::shared_ptr<ssl::context> load_context(const std::filesystem::path& cert,
                                           const std::filesystem::path& key) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  boost::system::error_code error;
  context->use_certificate_chain_file(cert.string(), error);
  if (error) {
    throw util::Error("--tls-cert " + cert.string() + ": cannot load the certificate chain (" +
                      error.message() + ")");
  }
  context->use_private_key_file(key.string(), ssl::context::pem, error);
  if (error) {
    throw util::Error("--tls-key " + key.string() + ": cannot load the private key (" +
                      error.message() + "); does it belong to --tls-cert?");
  }
  return context;
}

// One client: TLS on one side, the plain listener on the other, bytes passed both ways.
class Tunnel : public std::enable_shared_from_this<Tunnel> {
 public:
  Tunnel(tcp::socket client, std::shared_ptr<ssl::context> context, tcp::endpoint plain,
         ProxiedPeers& peers)
      : m_context(std::move(context)),
        m_tls(std::move(client), *m_context),
        m_plain(m_tls.get_executor()),
        m_timer(m_tls.get_executor()),
        m_plain_endpoint(plain),
        m_peers(peers) {}

  ~Tunnel() {
    if (m_registered) {
      m_peers.remove(m_registered);
    }
  }

  void start() {
    m_timer.expires_after(k_handshake_limit);
    m_timer.async_wait([self = shared_from_this()](boost::system::error_code error) {
      if (!error && !self->m_handshaken) {
        self->stop();
      }
    });
    m_tls.async_handshake(ssl::stream_base::server,
                          [self = shared_from_this()](boost::system::error_code error) {
                            self->m_handshaken = true;
                            self->m_timer.cancel();
                            if (error) {
                              self->stop();
                              return;
                            }
                            self->connect();
                          });
  }

 private:
  void connect() {
    m_plain.async_connect(
        m_plain_endpoint, [self = shared_from_this()](boost::system::error_code error) {
          if (error) {
            self->stop();
            return;
          }
          boost::system::error_code ignored;
          self->m_plain.set_option(tcp::no_delay(true), ignored);
          auto local = self->m_plain.local_endpoint(ignored);
          auto peer = self->m_tls.lowest_layer().remote_endpoint(ignored);
          if (!ignored) {
            self->m_registered = local.port();
            self->m_peers.add(local.port(), peer.address().to_string(), peer.port());
          }
          self->client_to_server();
          self->server_to_client();
        });
  }

  void client_to_server() {
    m_tls.async_read_some(asio::buffer(m_up), [self = shared_from_this()](
                                                  boost::system::error_code error, std::size_t n) {
      if (error) {
        // The client is done sending: the server may still answer.
        boost::system::error_code ignored;
        self->m_plain.shutdown(tcp::socket::shutdown_send, ignored);
        return;
      }
      asio::async_write(self->m_plain, asio::buffer(self->m_up, n),
                        [self](boost::system::error_code error, std::size_t) {
                          if (error) {
                            self->stop();
                            return;
                          }
                          self->client_to_server();
                        });
    });
  }

  void server_to_client() {
    m_plain.async_read_some(
        asio::buffer(m_down),
        [self = shared_from_this()](boost::system::error_code error, std::size_t n) {
          if (error) {
            self->m_tls.async_shutdown([self](boost::system::error_code) { self->stop(); });
            return;
          }
          asio::async_write(self->m_tls, asio::buffer(self->m_down, n),
                            [self](boost::system::error_code error, std::size_t) {
                              if (error) {
                                self->stop();
                                return;
                              }
                              self->server_to_client();
                            });
        });
  }

  void stop() {
    boost::system::error_code ignored;
    m_timer.cancel();
    m_tls.lowest_layer().close(ignored);
    m_plain.close(ignored);
  }

  std::shared_ptr<ssl::context> m_context;  // before m_tls, which refers to it
  ssl::stream<tcp::socket> m_tls;
  tcp::socket m_plain;
  asio::steady_timer m_timer;
  tcp::endpoint m_plain_endpoint;
  ProxiedPeers& m_peers;
  std::uint16_t m_registered = 0;
  bool m_handshaken = false;
  std::array<char, 16 * 1024> m_up;
  std::array<char, 16 * 1024> m_down;
};

}  // namespace

void ProxiedPeers::add(std::uint16_t port, std::string address, unsigned remote_port) {
  std::lock_guard lock(m_mutex);
  m_peers[port] = {std::move(address), remote_port};
}

void ProxiedPeers::remove(std::uint16_t port) {
  std::lock_guard lock(m_mutex);
  m_peers.erase(port);
}

std::optional<std::pair<std::string, unsigned>> ProxiedPeers::find(std::uint16_t port) const {
  std::lock_guard lock(m_mutex);
  auto it = m_peers.find(port);
  if (it == m_peers.end()) {
    return std::nullopt;
  }
  return it->second;
}

struct TlsFront::State {
  State(asio::io_context& io, tcp::endpoint plain, std::filesystem::path cert,
        std::filesystem::path key, Logger& log, ProxiedPeers& peers)
      : io(io),
        acceptor(asio::make_strand(io)),
        plain(plain),
        cert(std::move(cert)),
        key(std::move(key)),
        log(log),
        peers(peers) {}

  asio::io_context& io;
  tcp::acceptor acceptor;
  tcp::endpoint plain;
  std::filesystem::path cert;
  std::filesystem::path key;
  Logger& log;
  ProxiedPeers& peers;
  std::mutex context_mutex;
  std::shared_ptr<ssl::context> context;

  void accept(std::shared_ptr<State> self) {
    acceptor.async_accept(asio::make_strand(io), [self](boost::system::error_code error,
                                                        tcp::socket socket) {
      if (error == asio::error::operation_aborted || !self->acceptor.is_open()) {
        return;
      }
      if (!error) {
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::shared_ptr<ssl::context> context;
        {
          std::lock_guard lock(self->context_mutex);
          context = self->context;
        }
        std::make_shared<Tunnel>(std::move(socket), std::move(context), self->plain, self->peers)
            ->start();
      }
      self->accept(self);
    });
  }
};

TlsFront::TlsFront(asio::io_context& io, tcp::endpoint endpoint, tcp::endpoint plain,
                   std::filesystem::path cert, std::filesystem::path key, Logger& log,
                   ProxiedPeers& peers)
    : m_state(std::make_shared<State>(io, plain, std::move(cert), std::move(key), log, peers)) {
  m_state->context = load_context(m_state->cert, m_state->key);
  if (auto error = listen_on(m_state->acceptor, endpoint)) {
    throw util::Error("cannot listen on " + endpoint.address().to_string() + ":" +
                      std::to_string(endpoint.port()) + ": " + error.message());
  }
}

TlsFront::~TlsFront() = default;

std::uint16_t TlsFront::port() const {
  return m_state->acceptor.local_endpoint().port();
}

void TlsFront::accept() {
  m_state->accept(m_state);
}

void TlsFront::close() {
  asio::post(m_state->acceptor.get_executor(), [state = m_state] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
  });
}

void TlsFront::reload() {
  try {
    auto context = load_context(m_state->cert, m_state->key);
    {
      std::lock_guard lock(m_state->context_mutex);
      m_state->context = std::move(context);
    }
    m_state->log.event("info", "SIGHUP: reloaded the TLS certificate " + m_state->cert.string());
  } catch (const std::exception& error) {
    m_state->log.event("error", std::string("SIGHUP: ") + error.what() +
                                    " (still serving the previous certificate)");
  }
}

}  // namespace server
