#include "runtime/api/net_sockets.hpp"

#include "runtime/api/dns_values.hpp"
#include "runtime/api/node_tls_peer.hpp"
#include "runtime/connection_limit.hpp"
#include "runtime/tls_errors.hpp"
#include "runtime/v8_util.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>

namespace runtime::api {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct NetSockets::Impl : std::enable_shared_from_this<Impl> {
  struct Conn {
    explicit Conn(asio::io_context& io) : socket(io) {}
    tcp::socket socket;
    std::shared_ptr<asio::ssl::context> tls_context;
    std::unique_ptr<asio::ssl::stream<tcp::socket>> tls;
    bool reading = false;
  };

  Impl(asio::io_context& io_, v8::Isolate* isolate_, RunJs run_js_)
      : io(io_), isolate(isolate_), run_js(std::move(run_js_)) {}

  asio::io_context& io;
  v8::Isolate* isolate;
  RunJs run_js;
  std::unordered_map<std::uint32_t, std::shared_ptr<Conn>> conns;
  std::unordered_map<std::uint32_t, v8::Global<v8::Promise::Resolver>> pending;
  std::unique_ptr<dns::DnsResolver> dns;  // made on the first look-up
  std::uint32_t next_rid = 1u << 20;      // apart from file rids, which start at 3
  std::uint32_t next_pending = 1;
  std::size_t connecting = 0;  // sockets being opened, not yet in `conns`
  std::size_t max_open = outbound_connection_limit();

  // A new pending promise: its id, and the promise to return to JavaScript.
  std::pair<std::uint32_t, v8::Local<v8::Promise>> make_pending() {
    auto context = isolate->GetCurrentContext();
    v8::Local<v8::Promise::Resolver> resolver;
    if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) {
      return {0, {}};
    }
    auto id = next_pending++;
    pending.emplace(id, v8::Global<v8::Promise::Resolver>(isolate, resolver));
    return {id, resolver->GetPromise()};
  }

  // At the worker's own open-file limit, the pending `id` is rejected as the OS refuses
  // past RLIMIT_NOFILE. Not from inside the op: JavaScript has not had the promise yet.
  bool refused_past_open_limit(std::uint32_t id) {
    if (conns.size() + connecting < max_open) {
      return false;
    }
    asio::post(io, [self = shared_from_this(), id] {
      self->reject(id, "Error",
                   "Too many open files (os error 24): a function may hold at most " +
                       std::to_string(self->max_open) + " connections at once");
    });
    return true;
  }

  using Settle = std::function<void(v8::Local<v8::Context>, v8::Local<v8::Promise::Resolver>)>;
  void settle(std::uint32_t id, const Settle& fn) {
    auto it = pending.find(id);
    if (it == pending.end()) {
      return;
    }
    auto resolver = std::move(it->second);
    pending.erase(it);
    run_js([&](v8::Local<v8::Context> context) { fn(context, resolver.Get(isolate)); });
  }

  // An error as Deno reports it: class and message ("Connection refused (os error 111)").
  v8::Local<v8::Value> error_value(const std::string& cls, const std::string& message) {
    auto context = isolate->GetCurrentContext();
    auto error = v8::Exception::Error(v8_str(isolate, message)).As<v8::Object>();
    std::ignore = error->Set(context, v8_str(isolate, "name"), v8_str(isolate, cls));
    return error;
  }
  void reject(std::uint32_t id, std::string cls, std::string message) {
    settle(id, [&](v8::Local<v8::Context> context, v8::Local<v8::Promise::Resolver> resolver) {
      std::ignore = resolver->Reject(context, error_value(cls, message));
    });
  }
  void reject_system(std::uint32_t id, const error_code& ec);

  std::shared_ptr<Conn> find(std::uint32_t rid) {
    auto it = conns.find(rid);
    return it == conns.end() ? nullptr : it->second;
  }

  void resolve_addresses(std::uint32_t id, std::uint32_t rid, const std::shared_ptr<Conn>& conn) {
    error_code a;
    error_code b;
    auto local = conn->socket.local_endpoint(a);
    auto remote = conn->socket.remote_endpoint(b);
    settle(id, [&](v8::Local<v8::Context> context, v8::Local<v8::Promise::Resolver> resolver) {
      v8::Local<v8::Value> items[] = {
          v8::Integer::NewFromUnsigned(isolate, rid), v8_str(isolate, local.address().to_string()),
          v8::Integer::New(isolate, local.port()), v8_str(isolate, remote.address().to_string()),
          v8::Integer::New(isolate, remote.port())};
      std::ignore = resolver->Resolve(context, v8::Array::New(isolate, items, std::size(items)));
    });
  }

  void handshake(std::uint32_t id, std::uint32_t rid, const std::shared_ptr<Conn>& conn,
                 const TlsOptions& options);
};

namespace {

// Deno's class for a socket error (the errno ones as in op_errors.cpp).
std::string class_of(const error_code& ec) {
  namespace errc = boost::asio::error;
  if (ec == errc::connection_refused)
    return "ConnectionRefused";
  if (ec == errc::connection_reset)
    return "ConnectionReset";
  if (ec == errc::connection_aborted)
    return "ConnectionAborted";
  if (ec == errc::not_connected)
    return "NotConnected";
  if (ec == errc::broken_pipe)
    return "BrokenPipe";
  if (ec == errc::timed_out)
    return "TimedOut";
  if (ec == errc::network_unreachable || ec == errc::host_unreachable)
    return "NetworkUnreachable";
  if (ec == errc::address_in_use)
    return "AddrInUse";
  if (ec == errc::operation_aborted)
    return "Interrupted";
  if (ec == errc::host_not_found || ec == errc::host_not_found_try_again)
    return "NotFound";
  return "Error";
}

// "Connection refused (os error 111)", as Rust's io::Error prints.
std::string message_of(const error_code& ec) {
  if (ec.category() == boost::system::system_category()) {
    return std::string(std::strerror(ec.value())) + " (os error " + std::to_string(ec.value()) +
           ")";
  }
  return ec.message();
}

// The close_notify alert `ssl` sends, as bytes: SSL_shutdown writes it to a memory BIO put
// in place of asio's for the call (SSL_set0_wbio frees what it replaces, hence the extra
// reference that puts asio's back).
std::string close_notify_record(SSL* ssl) {
  auto* engine_bio = SSL_get_wbio(ssl);
  auto* memory = BIO_new(BIO_s_mem());
  if (engine_bio == nullptr || memory == nullptr || BIO_up_ref(engine_bio) != 1) {
    BIO_free(memory);
    return "";
  }
  SSL_set0_wbio(ssl, memory);
  SSL_shutdown(ssl);
  char* data = nullptr;
  auto size = BIO_get_mem_data(memory, &data);
  std::string record(data, size > 0 ? static_cast<std::size_t>(size) : 0);
  SSL_set0_wbio(ssl, engine_bio);  // frees `memory`
  ERR_clear_error();
  return record;
}

// ALPN's offer: each protocol's length byte, then its name (names of 1 to 255 bytes).
void offer_alpn(SSL* ssl, const std::vector<std::string>& protocols) {
  std::string wire;
  for (const auto& protocol : protocols) {
    if (!protocol.empty() && protocol.size() < 256) {
      wire += static_cast<char>(protocol.size());
      wire += protocol;
    }
  }
  SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(wire.data()),
                      static_cast<unsigned>(wire.size()));
}

}  // namespace

void NetSockets::Impl::reject_system(std::uint32_t id, const error_code& ec) {
  reject(id, class_of(ec), message_of(ec));
}

void NetSockets::Impl::handshake(std::uint32_t id, std::uint32_t rid,
                                 const std::shared_ptr<Conn>& conn, const TlsOptions& options) {
  conn->tls_context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  auto& ctx = *conn->tls_context;
  error_code ec;
  if (!options.node || options.ca_certs.empty()) {
    ctx.set_default_verify_paths(ec);
  }
  for (const auto& pem : options.ca_certs) {
    ctx.add_certificate_authority(asio::buffer(pem), ec);
    if (ec) {
      conns.erase(rid);
      reject(id, "InvalidData", "Unable to decode certificate");
      return;
    }
  }
  if (!options.cert_chain.empty()) {
    ctx.use_certificate_chain(asio::buffer(options.cert_chain), ec);
    if (!ec) {
      ctx.use_private_key(asio::buffer(options.private_key), asio::ssl::context::pem, ec);
    }
    if (ec) {
      conns.erase(rid);
      reject(id, "InvalidData", "Unable to use the client certificate or its key: " + ec.message());
      return;
    }
  }
  ctx.set_verify_mode(asio::ssl::verify_peer);
  if (options.node) {
    // As Node: every chain is accepted here and its verify result read afterwards.
    ctx.set_verify_callback([](bool, asio::ssl::verify_context&) { return true; });
  } else {
    ctx.set_verify_callback(asio::ssl::host_name_verification(options.server_name));
  }
  conn->tls = std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(conn->socket), ctx);
  conn->socket = tcp::socket(io);
  if (!options.server_name.empty()) {
    SSL_set_tlsext_host_name(conn->tls->native_handle(), options.server_name.c_str());
  }
  if (!options.alpn.empty()) {
    offer_alpn(conn->tls->native_handle(), options.alpn);
  }
  conn->tls->async_handshake(
      asio::ssl::stream_base::client,
      [self = shared_from_this(), id, rid, conn, node = options.node](const error_code& error) {
        if (error) {
          self->conns.erase(rid);
          std::string reason = error.message();
          if (error.category() == asio::error::get_ssl_category() &&
              certificate_refused(error.value())) {
            reason = certificate_error(conn->tls->native_handle());
          }
          self->reject(id, "InvalidData", (node ? "" : "invalid peer certificate: ") + reason);
          return;
        }
        // Addresses come from the TCP layer now inside the TLS stream.
        error_code a;
        error_code b;
        auto local = conn->tls->next_layer().local_endpoint(a);
        auto remote = conn->tls->next_layer().remote_endpoint(b);
        self->settle(
            id, [&](v8::Local<v8::Context> context, v8::Local<v8::Promise::Resolver> resolver) {
              auto* iso = self->isolate;
              v8::Local<v8::Value> items[] = {
                  v8::Integer::NewFromUnsigned(iso, rid), v8_str(iso, local.address().to_string()),
                  v8::Integer::New(iso, local.port()), v8_str(iso, remote.address().to_string()),
                  v8::Integer::New(iso, remote.port())};
              auto result = v8::Array::New(iso, items, std::size(items));
              if (node) {
                auto peer = node_tls_peer(iso, conn->tls->native_handle()).As<v8::Array>();
                for (std::uint32_t i = 0; i < peer->Length(); ++i) {
                  std::ignore = result->Set(context, result->Length(),
                                            peer->Get(context, i).ToLocalChecked());
                }
              }
              std::ignore = resolver->Resolve(context, result);
            });
      });
}

NetSockets::NetSockets(asio::io_context& io, v8::Isolate* isolate, RunJs run_js)
    : m_impl(std::make_shared<Impl>(io, isolate, std::move(run_js))) {}

NetSockets::~NetSockets() {
  for (auto& [rid, conn] : m_impl->conns) {
    error_code ec;
    if (conn->tls) {
      conn->tls->next_layer().close(ec);
    } else {
      conn->socket.close(ec);
    }
  }
  m_impl->conns.clear();
  m_impl->dns.reset();  // calls nothing back
  m_impl->pending.clear();
  // Handlers still queued hold the Impl; they find no pending promise to settle.
  m_impl->run_js = [](const auto&) {};
}

v8::Local<v8::Promise> NetSockets::connect(const std::string& host, std::uint16_t port,
                                           const TlsOptions* tls) {
  auto [id, promise] = m_impl->make_pending();
  if (id == 0) {
    return promise;
  }
  if (m_impl->refused_past_open_limit(id)) {
    return promise;
  }
  ++m_impl->connecting;
  auto resolver = std::make_shared<tcp::resolver>(m_impl->io);
  auto options = tls ? std::make_shared<TlsOptions>(*tls) : nullptr;
  resolver->async_resolve(
      host, std::to_string(port),
      [self = m_impl, id = id, resolver, options](const error_code& ec,
                                                  tcp::resolver::results_type results) {
        if (ec) {
          --self->connecting;
          self->reject(
              id, "Error",
              "failed to lookup address information: " +
                  std::string(ec == asio::error::host_not_found ? "Name or service not known"
                                                                : ec.message()));
          return;
        }
        auto conn = std::make_shared<Impl::Conn>(self->io);
        asio::async_connect(
            conn->socket, results,
            [self, id, conn, options](const error_code& error, const tcp::endpoint&) {
              --self->connecting;
              if (error) {
                self->reject_system(id, error);
                return;
              }
              error_code ignored;
              conn->socket.set_option(tcp::no_delay(true), ignored);
              auto rid = self->next_rid++;
              self->conns.emplace(rid, conn);
              if (options) {
                self->handshake(id, rid, conn, *options);
              } else {
                self->resolve_addresses(id, rid, conn);
              }
            });
      });
  return promise;
}

v8::Local<v8::Promise> NetSockets::start_tls(std::uint32_t rid, const TlsOptions& tls) {
  auto [id, promise] = m_impl->make_pending();
  if (id == 0) {
    return promise;
  }
  auto conn = m_impl->find(rid);
  if (!conn || conn->tls) {
    m_impl->reject(id, "BadResource", "Bad resource ID");
    return promise;
  }
  if (conn->reading) {
    error_code ignored;
    conn->socket.cancel(ignored);
  }
  m_impl->conns.erase(rid);
  auto next = m_impl->next_rid++;
  m_impl->conns.emplace(next, conn);
  m_impl->handshake(id, next, conn, tls);
  return promise;
}

v8::Local<v8::Promise> NetSockets::read(std::uint32_t rid, v8::Local<v8::ArrayBufferView> into) {
  auto [id, promise] = m_impl->make_pending();
  if (id == 0) {
    return promise;
  }
  auto conn = m_impl->find(rid);
  if (!conn) {
    m_impl->reject(id, "BadResource", "Bad resource ID");
    return promise;
  }
  if (conn->reading) {
    m_impl->reject(id, "Busy", "Resource is unavailable because it is in use by a promise");
    return promise;
  }
  // The backing store stays alive while the read is in flight, whatever JS does meanwhile.
  auto store = into->Buffer()->GetBackingStore();
  auto buffer =
      asio::buffer(static_cast<char*>(store->Data()) + into->ByteOffset(), into->ByteLength());
  auto done = [self = m_impl, id = id, conn, store](const error_code& ec, std::size_t n) {
    conn->reading = false;
    if (ec && ec != asio::error::eof && ec != asio::ssl::error::stream_truncated) {
      self->reject_system(id, ec);
      return;
    }
    self->settle(
        id, [&](v8::Local<v8::Context> context, v8::Local<v8::Promise::Resolver> resolver) {
          if (ec && n == 0) {
            std::ignore = resolver->Resolve(context, v8::Null(self->isolate));
          } else {
            std::ignore = resolver->Resolve(context, v8::Number::New(self->isolate, double(n)));
          }
        });
  };
  conn->reading = true;
  if (conn->tls) {
    conn->tls->async_read_some(buffer, std::move(done));
  } else {
    conn->socket.async_read_some(buffer, std::move(done));
  }
  return promise;
}

v8::Local<v8::Promise> NetSockets::write(std::uint32_t rid, std::string bytes) {
  auto [id, promise] = m_impl->make_pending();
  if (id == 0) {
    return promise;
  }
  auto conn = m_impl->find(rid);
  if (!conn) {
    m_impl->reject(id, "BadResource", "Bad resource ID");
    return promise;
  }
  auto data = std::make_shared<std::string>(std::move(bytes));
  auto done = [self = m_impl, id = id, conn, data](const error_code& ec, std::size_t n) {
    if (ec) {
      self->reject_system(id, ec);
      return;
    }
    self->settle(
        id, [&](v8::Local<v8::Context> context, v8::Local<v8::Promise::Resolver> resolver) {
          std::ignore = resolver->Resolve(context, v8::Number::New(self->isolate, double(n)));
        });
  };
  if (conn->tls) {
    asio::async_write(*conn->tls, asio::buffer(*data), std::move(done));
  } else {
    asio::async_write(conn->socket, asio::buffer(*data), std::move(done));
  }
  return promise;
}

bool NetSockets::close(std::uint32_t rid) {
  auto conn = m_impl->find(rid);
  if (!conn) {
    return false;
  }
  error_code ec;
  (conn->tls ? conn->tls->next_layer() : conn->socket).close(ec);
  m_impl->conns.erase(rid);
  return true;
}

bool NetSockets::close_write(std::uint32_t rid) {
  auto conn = m_impl->find(rid);
  if (!conn) {
    return false;
  }
  error_code ec;
  if (conn->tls) {
    // TLS has no half-close: the close_notify alert says "no more data", then the TCP
    // half-close; reading goes on until the peer's close_notify (as Node's end(), and
    // rustls under Deno). asio's async_shutdown would also wait to read the peer's alert,
    // so the alert is made here and written straight to the TCP socket: a few bytes,
    // after every write of this connection has finished.
    auto alert = close_notify_record(conn->tls->native_handle());
    asio::write(conn->tls->next_layer(), asio::buffer(alert), ec);
    conn->tls->next_layer().shutdown(tcp::socket::shutdown_send, ec);
  } else {
    conn->socket.shutdown(tcp::socket::shutdown_send, ec);
  }
  return true;
}

v8::Local<v8::Promise> NetSockets::lookup(const std::string& host, int family) {
  auto [id, promise] = m_impl->make_pending();
  if (id == 0) {
    return promise;
  }
  if (m_impl->refused_past_open_limit(id)) {
    return promise;
  }
  ++m_impl->connecting;
  auto resolver = std::make_shared<tcp::resolver>(m_impl->io);
  auto done = [self = m_impl, id = id, resolver](const error_code& ec,
                                                 tcp::resolver::results_type results) {
    if (ec) {
      std::string code = ec == asio::error::host_not_found || ec == asio::error::no_data
                             ? "ENOTFOUND"
                         : ec == asio::error::host_not_found_try_again ? "EAI_AGAIN"
                                                                       : "EAI_FAIL";
      self->reject(id, code, ec.message());
      return;
    }
    self->settle(id,
                 [&](v8::Local<v8::Context> context, v8::Local<v8::Promise::Resolver> resolver_js) {
                   auto* iso = self->isolate;
                   auto out = v8::Array::New(iso);
                   for (const auto& entry : results) {
                     auto address = entry.endpoint().address();
                     v8::Local<v8::Value> pair[] = {v8_str(iso, address.to_string()),
                                                    v8::Integer::New(iso, address.is_v4() ? 4 : 6)};
                     std::ignore = out->Set(context, out->Length(), v8::Array::New(iso, pair, 2));
                   }
                   std::ignore = resolver_js->Resolve(context, out);
                 });
  };
  // No AI_ADDRCONFIG (asio's default): Node's lookup passes no hints either.
  auto flags = tcp::resolver::flags();
  if (family == 4) {
    resolver->async_resolve(tcp::v4(), host, "", flags, std::move(done));
  } else if (family == 6) {
    resolver->async_resolve(tcp::v6(), host, "", flags, std::move(done));
  } else {
    resolver->async_resolve(host, "", flags, std::move(done));
  }
  return promise;
}

v8::Local<v8::Promise> NetSockets::resolve(dns::DnsQuery query, const std::string& type_name,
                                           std::uint32_t& id) {
  auto [pending, promise] = m_impl->make_pending();
  id = 0;
  if (pending == 0) {
    return promise;
  }
  if (!m_impl->dns) {
    m_impl->dns = std::make_unique<dns::DnsResolver>(m_impl->io);
  }
  // Deno's NotFound names the query as its resolver printed it: fully qualified.
  auto fqdn = query.name.ends_with('.') ? query.name : query.name + ".";
  id = m_impl->dns->resolve(
      std::move(query), [self = m_impl, pending = pending, fqdn, type_name](dns::DnsAnswer answer) {
        switch (answer.status) {
          case dns::DnsStatus::ok:
            self->settle(pending, [&](v8::Local<v8::Context> context,
                                      v8::Local<v8::Promise::Resolver> resolver) {
              std::ignore =
                  resolver->Resolve(context, dns_records_value(self->isolate, answer.records));
            });
            return;
          case dns::DnsStatus::not_found:
            self->reject(pending, "NotFound",
                         "proto error: no records found for Query { name: Name(\"" + fqdn +
                             "\"), query_type: " + type_name + ", query_class: IN }");
            return;
          case dns::DnsStatus::timed_out:
            self->reject(pending, "TimedOut", "proto error: request timed out");
            return;
          case dns::DnsStatus::not_supported:
            self->reject(pending, "NotSupported", "Provided record type is not supported");
            return;
          case dns::DnsStatus::cancelled:
            self->reject(pending, "Interrupted", "operation canceled");
            return;
          case dns::DnsStatus::failed:
            self->reject(pending, "Error", answer.detail);
            return;
        }
      });
  return promise;
}

void NetSockets::cancel_resolve(std::uint32_t id) {
  if (m_impl->dns) {
    m_impl->dns->cancel(id);
  }
}

}  // namespace runtime::api
