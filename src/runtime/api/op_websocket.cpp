#include "runtime/api/http_token.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/api/permission_checks.hpp"
#include "runtime/v8_util.hpp"

namespace runtime::api {
namespace {

// ws_accept(request_id, socket_id, protocol) -> bool: answer the request with the
// upgrade instead of a response.
void ws_accept(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto protocol = info[2]->IsString() ? to_utf8(isolate, info[2]) : std::string();
  if (!is_http_token(protocol)) {
    protocol.clear();  // not one the client could have offered: none, as for any other
  }
  bool accepted = OpHost::of(isolate).accept_socket(uint32_arg(info, 0), uint32_arg(info, 1),
                                                    std::move(protocol));
  info.GetReturnValue().Set(accepted);
}

// ws_send(socket_id, data): a string goes as a text frame, bytes as a binary one.
void ws_send(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto connection = OpHost::of(isolate).socket(uint32_arg(info, 0));
  if (!connection) {
    return;
  }
  if (auto bytes = buffer_source_bytes(info[1])) {
    connection->send(std::string(*bytes), true);
  } else {
    connection->send(to_utf8(isolate, info[1]), false);
  }
}

// ws_close(socket_id, code, reason)
void ws_close(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto connection = OpHost::of(isolate).socket(uint32_arg(info, 0));
  if (connection) {
    connection->close(static_cast<int>(uint32_arg(info, 1)), to_utf8(isolate, info[2]));
  }
}

// ws_connect(socket_id, host, port, resource, secure, protocols[], caFiles[]): a client
// socket (the URL and protocols checked by websocket.js; the CA files from the worker's
// DENO_CERT and SSL_CERT_FILE).
void ws_connect(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  WebSocketTarget target;
  target.host = to_utf8(isolate, info[1]);
  target.port = to_utf8(isolate, info[2]);
  target.resource = to_utf8(isolate, info[3]);
  target.secure = info[4]->BooleanValue(isolate);
  target.protocols = to_utf8_list(isolate, info[5]);
  target.ca_files = to_utf8_list(isolate, info[6]);
  auto port = target.port.empty() ? (target.secure ? 443 : 80) : std::stoul(target.port);
  if (!net_permitted(isolate, target.host, static_cast<std::uint16_t>(port))) {
    return;
  }
  OpHost::of(isolate).connect_socket(uint32_arg(info, 0), std::move(target));
}

}  // namespace

std::vector<Op> websocket_ops() {
  return {{"ws_accept", ws_accept},
          {"ws_send", ws_send},
          {"ws_close", ws_close},
          {"ws_connect", ws_connect}};
}

}  // namespace runtime::api
