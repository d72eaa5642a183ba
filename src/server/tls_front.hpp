#pragma once

// HTTPS for `sbfn serve --tls-cert C --tls-key K`. TLS ends here: each connection is
// decrypted and its bytes pass to the plain listener on a loopback port of its own, so the
// sessions (and a connection's move to its worker's thread) stay as they are. The plain
// side learns each connection's real client address from `peers`. SIGHUP reloads the
// certificate: new connections get it, open ones keep theirs.

#include "server/log.hpp"
#include "server/net.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace server {

// Loopback connections from the TLS front, by their local port: who is really behind them.
class ProxiedPeers {
 public:
  void add(std::uint16_t port, std::string address, unsigned remote_port);
  void remove(std::uint16_t port);
  std::optional<std::pair<std::string, unsigned>> find(std::uint16_t port) const;

 private:
  mutable std::mutex m_mutex;
  std::map<std::uint16_t, std::pair<std::string, unsigned>> m_peers;
};

class TlsFront {
 public:
  // Reads the certificate chain and key now: throws util::Error naming the file that does
  // not load or the pair that does not match.
  TlsFront(asio::io_context& io, asio::ip::tcp::endpoint endpoint, asio::ip::tcp::endpoint plain,
           std::filesystem::path cert, std::filesystem::path key, Logger& log, ProxiedPeers& peers);
  ~TlsFront();

  std::uint16_t port() const;
  void accept();
  void close();
  // Loads the certificate and key again (SIGHUP); on failure keeps serving the old ones.
  void reload();

 private:
  struct State;
  std::shared_ptr<State> m_state;
};

}  // namespace server
