// Deno.connect / connectTls / startTls / resolveDns: the arguments checked here, the
// sockets on the worker's loop (net_sockets.hpp).
#include "runtime/api/net_sockets.hpp"
#include "runtime/api/op_errors.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/openssl_handles.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/api/permission_checks.hpp"
#include "runtime/dns/system_servers.hpp"
#include "runtime/permissions.hpp"
#include "runtime/v8_util.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace runtime::api {
namespace {

using Info = v8::FunctionCallbackInfo<v8::Value>;

// Hosted Supabase refuses outbound SMTP; so do we, everywhere.
bool port_allowed(v8::Isolate* isolate, std::uint32_t port) {
  if (port == 25 || port == 587) {
    throw_coded(isolate, "PermissionDenied",
                "Outbound connections to port " + std::to_string(port) +
                    " are not allowed in functions (SMTP ports 25 and 587 are blocked)");
    return false;
  }
  return true;
}

// The TLS arguments from `first` on: serverName, [pem...], then node:tls's node, [alpn...],
// certChain, privateKey (absent for Deno's calls) -> TlsOptions
NetSockets::TlsOptions tls_options(const Info& info, int first) {
  auto* isolate = info.GetIsolate();
  NetSockets::TlsOptions options;
  options.server_name = to_utf8(isolate, info[first]);
  options.ca_certs = to_utf8_list(isolate, info[first + 1]);
  options.node = info[first + 2]->BooleanValue(isolate);
  options.alpn = to_utf8_list(isolate, info[first + 3]);
  if (info[first + 4]->IsString()) {
    options.cert_chain = to_utf8(isolate, info[first + 4]);
    options.private_key = to_utf8(isolate, info[first + 5]);
  }
  return options;
}

bool valid_host(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (!value->IsString() || value.As<v8::String>()->Length() > 253) {
    throw_type_error(isolate, "invalid hostname");
    return false;
  }
  return true;
}

// net_connect(host, port, tls, serverName, caCerts, node, alpn, certChain, privateKey) ->
// Promise<[rid, localIp, localPort, remoteIp, remotePort]> (node: node:tls's rules,
// NetSockets::TlsOptions)
void net_connect(const Info& info) {
  auto* isolate = info.GetIsolate();
  if (!valid_host(isolate, info[0])) {
    return;
  }
  auto port = uint32_arg(info, 1);
  if (port > 65535) {
    throw_type_error(isolate, "Invalid port (out of range)");
    return;
  }
  if (!port_allowed(isolate, port)) {
    return;
  }
  auto host = to_utf8(isolate, info[0]);
  if (!net_permitted(isolate, host, static_cast<std::uint16_t>(port))) {
    return;
  }
  auto& net = OpHost::of(isolate).net();
  if (info[2]->BooleanValue(isolate)) {
    auto options = tls_options(info, 3);
    info.GetReturnValue().Set(net.connect(host, static_cast<std::uint16_t>(port), &options));
  } else {
    info.GetReturnValue().Set(net.connect(host, static_cast<std::uint16_t>(port), nullptr));
  }
}

// net_start_tls(rid, serverName, caCerts, node, alpn, certChain, privateKey): as net_connect
void net_start_tls(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto options = tls_options(info, 1);
  info.GetReturnValue().Set(OpHost::of(isolate).net().start_tls(uint32_arg(info, 0), options));
}

// net_read(rid, Uint8Array) -> Promise<number | null>
void net_read(const Info& info) {
  auto* isolate = info.GetIsolate();
  if (!info[1]->IsArrayBufferView()) {
    throw_type_error(isolate, "buffer must be a Uint8Array");
    return;
  }
  info.GetReturnValue().Set(
      OpHost::of(isolate).net().read(uint32_arg(info, 0), info[1].As<v8::ArrayBufferView>()));
}

// net_write(rid, bytes) -> Promise<number>
void net_write(const Info& info) {
  auto* isolate = info.GetIsolate();
  BufferSourceBytes bytes(info[1]);
  if (!bytes) {
    throw_type_error(isolate, "data must be a Uint8Array");
    return;
  }
  info.GetReturnValue().Set(
      OpHost::of(isolate).net().write(uint32_arg(info, 0), std::string(*bytes)));
}

void net_close(const Info& info) {
  if (!OpHost::of(info.GetIsolate()).net().close(uint32_arg(info, 0))) {
    throw_coded(info.GetIsolate(), "BadResource", "Bad resource ID");
  }
}

void net_close_write(const Info& info) {
  if (!OpHost::of(info.GetIsolate()).net().close_write(uint32_arg(info, 0))) {
    throw_coded(info.GetIsolate(), "NotConnected", "Socket is not connected (os error 107)");
  }
}

// net_lookup(host, family) -> Promise<[[address, family]...]> (node:dns's lookup)
void net_lookup(const Info& info) {
  auto* isolate = info.GetIsolate();
  if (!valid_host(isolate, info[0])) {
    return;
  }
  auto host = to_utf8(isolate, info[0]);
  // As Deno's node:dns answers a lookup its permissions refuse.
  if (const auto* permissions = OpHost::of(isolate).permissions();
      permissions != nullptr && permissions->check_net(host, std::nullopt)) {
    throw_coded(isolate, "EPERM", "getaddrinfo EPERM " + host);
    return;
  }
  info.GetReturnValue().Set(
      OpHost::of(isolate).net().lookup(host, static_cast<int>(uint32_arg(info, 1))));
}

// net_resolve_dns(name, typeNumber, typeName, serverIp, serverPort) -> [id, Promise]; an
// empty serverIp asks the system's name servers. The id is for net_cancel_dns.
void net_resolve_dns(const Info& info) {
  auto* isolate = info.GetIsolate();
  dns::DnsQuery query;
  query.name = to_utf8(isolate, info[0]);
  query.type = static_cast<int>(uint32_arg(info, 1));
  query.server_ip = to_utf8(isolate, info[3]);
  query.server_port = static_cast<std::uint16_t>(uint32_arg(info, 4));
  if (!query.server_ip.empty()) {
    unsigned char address[16];
    if (inet_pton(AF_INET, query.server_ip.c_str(), address) != 1 &&
        inet_pton(AF_INET6, query.server_ip.c_str(), address) != 1) {
      // Rust's std::net::AddrParseError, a plain Error in Deno.
      isolate->ThrowException(v8::Exception::Error(v8_str(isolate, "invalid IP address syntax")));
      return;
    }
  }
  if (has_permissions(isolate)) {
    // Deno asks for the name server's address, not the name looked up.
    auto servers = dns::system_name_servers();
    auto server = !query.server_ip.empty() ? std::pair(query.server_ip, query.server_port)
                  : servers.empty()        ? std::pair(std::string("127.0.0.1"), std::uint16_t{53})
                                           : servers.front();
    if (!net_permitted(isolate, server.first, server.second)) {
      return;
    }
  }
  std::uint32_t id = 0;
  auto promise = OpHost::of(isolate).net().resolve(std::move(query), to_utf8(isolate, info[2]), id);
  if (promise.IsEmpty()) {
    return;  // terminating
  }
  v8::Local<v8::Value> items[] = {v8::Integer::NewFromUnsigned(isolate, id), promise};
  info.GetReturnValue().Set(v8::Array::New(isolate, items, std::size(items)));
}

// net_root_certificates() -> [pem...]: the system's trusted CAs (OpenSSL's default
// bundle), node:tls's rootCertificates, so that `ca: [...rootCertificates, mine]` adds
// to the store instead of replacing it.
void net_root_certificates(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto out = v8::Array::New(isolate);
  Bio file(BIO_new_file(X509_get_default_cert_file(), "r"));
  while (file) {
    X509Ptr cert(PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr));
    if (!cert) {
      break;
    }
    Bio pem(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(pem.get(), cert.get());
    char* data = nullptr;
    auto size = BIO_get_mem_data(pem.get(), &data);
    std::string text(data, size > 0 ? static_cast<std::size_t>(size) : 0);
    while (!text.empty() && text.back() == '\n') {
      text.pop_back();  // as Node's, without the last line break
    }
    std::ignore = out->Set(context, out->Length(), v8_str(isolate, text));
  }
  ERR_clear_error();  // the end of the file reads as an error
  info.GetReturnValue().Set(out);
}

// net_name_servers() -> [[ip, port]...]: the system's name servers (node:dns getServers).
void net_name_servers(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto out = v8::Array::New(isolate);
  for (const auto& [ip, port] : dns::system_name_servers()) {
    v8::Local<v8::Value> pair[] = {v8_str(isolate, ip), v8::Integer::New(isolate, port)};
    std::ignore = out->Set(context, out->Length(), v8::Array::New(isolate, pair, 2));
  }
  info.GetReturnValue().Set(out);
}

void net_cancel_dns(const Info& info) {
  OpHost::of(info.GetIsolate()).net().cancel_resolve(uint32_arg(info, 0));
}

}  // namespace

std::vector<Op> net_ops() {
  return {{"net_connect", net_connect},
          {"net_start_tls", net_start_tls},
          {"net_read", net_read},
          {"net_write", net_write},
          {"net_close", net_close},
          {"net_close_write", net_close_write},
          {"net_lookup", net_lookup},
          {"net_resolve_dns", net_resolve_dns},
          {"net_cancel_dns", net_cancel_dns},
          {"net_name_servers", net_name_servers},
          {"net_root_certificates", net_root_certificates}};
}

}  // namespace runtime::api
