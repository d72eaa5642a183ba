#pragma once

#include "runtime/dns/dns_resolver.hpp"

#include <v8.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace runtime::api {

// A worker's outbound TCP and TLS connections (Deno.connect, connectTls, startTls) and
// its DNS look-ups (Deno.resolveDns, through dns::DnsResolver), on the worker's own event
// loop: every call answers with a promise that the loop settles. Connections are kept by
// resource id; the worker's end closes them. Worker thread only.
class NetSockets {
 public:
  // Runs `body` with the context entered, then drains microtasks (WorkerImpl::run_js).
  using RunJs = std::function<void(const std::function<void(v8::Local<v8::Context>)>& body)>;
  NetSockets(boost::asio::io_context& io, v8::Isolate* isolate, RunJs run_js);
  ~NetSockets();
  NetSockets(const NetSockets&) = delete;
  NetSockets& operator=(const NetSockets&) = delete;

  struct TlsOptions {
    std::string server_name;            // SNI and the name the certificate must carry
    std::vector<std::string> ca_certs;  // PEM, trusted besides the system store
    // node:tls's rules instead of Deno's: `ca_certs`, when given, replace the system
    // store; a refused chain is reported (node_tls_peer.hpp) rather than fatal, and the
    // name is checked in JS (tls.checkServerIdentity); an empty server_name sends no SNI.
    bool node = false;
    std::vector<std::string> alpn;  // protocols offered (ALPN), in order of preference
    std::string cert_chain;         // PEM: a client certificate (and its chain), if asked
    std::string private_key;        // PEM: its key
  };
  // Resolves with [rid, localIp, localPort, remoteIp, remotePort], and for TLS in node
  // mode node_tls_peer's two items after them.
  v8::Local<v8::Promise> connect(const std::string& host, std::uint16_t port,
                                 const TlsOptions* tls);
  // Upgrades connection `rid` to TLS; resolves with the same array for the new rid (the
  // old one is gone). A read still waiting on the plain connection is cancelled (it
  // rejects with Interrupted): node:tls upgrades a net.Socket whose reader is waiting.
  v8::Local<v8::Promise> start_tls(std::uint32_t rid, const TlsOptions& tls);
  // Reads into `into`; resolves with the count, or null at the end of the stream.
  v8::Local<v8::Promise> read(std::uint32_t rid, v8::Local<v8::ArrayBufferView> into);
  // Writes all of `bytes`; resolves with their count.
  v8::Local<v8::Promise> write(std::uint32_t rid, std::string bytes);
  bool close(std::uint32_t rid);
  bool close_write(std::uint32_t rid);
  // node:dns's lookup: the system's getaddrinfo (hosts file, then name servers), as
  // connect uses it; family 4 or 6 asks for that family only, 0 for both. Resolves with
  // [[address, family]...] in getaddrinfo's order; rejects with an error named by Node's
  // code (ENOTFOUND, EAI_AGAIN, EAI_FAIL).
  v8::Local<v8::Promise> lookup(const std::string& host, int family);
  // Deno.resolveDns: resolves with the records in Deno's shapes, or rejects with the
  // class and message Deno gives (NotFound, TimedOut, NotSupported, Interrupted when
  // cancelled). `type_name` ("MX") words the errors; `id` receives the look-up's id.
  v8::Local<v8::Promise> resolve(dns::DnsQuery query, const std::string& type_name,
                                 std::uint32_t& id);
  // Ends look-up `id` early; its promise rejects with Interrupted.
  void cancel_resolve(std::uint32_t id);

  struct Impl;

 private:
  std::shared_ptr<Impl> m_impl;
};

}  // namespace runtime::api
