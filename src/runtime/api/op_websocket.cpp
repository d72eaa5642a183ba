#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"
#include "runtime/worker_impl.hpp"

namespace runtime::api {
namespace {

std::uint32_t uint_arg(const v8::FunctionCallbackInfo<v8::Value>& info, int index) {
  return info[index]->Uint32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(0);
}

// ws_accept(request_id, socket_id, protocol) -> bool: answer the request with the
// upgrade instead of a response.
void ws_accept(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  bool accepted = WorkerImpl::from(isolate).accept_socket(
      uint_arg(info, 0), uint_arg(info, 1),
      info[2]->IsString() ? to_utf8(isolate, info[2]) : std::string());
  info.GetReturnValue().Set(accepted);
}

// ws_send(socket_id, data): a string goes as a text frame, bytes as a binary one.
void ws_send(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto connection = WorkerImpl::from(isolate).socket(uint_arg(info, 0));
  if (!connection) {
    return;
  }
  if (info[1]->IsArrayBufferView()) {
    auto view = info[1].As<v8::ArrayBufferView>();
    std::string bytes(view->ByteLength(), '\0');
    view->CopyContents(bytes.data(), bytes.size());
    connection->send(std::move(bytes), true);
  } else if (info[1]->IsArrayBuffer()) {
    auto buffer = info[1].As<v8::ArrayBuffer>();
    connection->send(std::string(static_cast<const char*>(buffer->Data()), buffer->ByteLength()),
                     true);
  } else {
    connection->send(to_utf8(isolate, info[1]), false);
  }
}

// ws_close(socket_id, code, reason)
void ws_close(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto connection = WorkerImpl::from(isolate).socket(uint_arg(info, 0));
  if (connection) {
    connection->close(static_cast<int>(uint_arg(info, 1)), to_utf8(isolate, info[2]));
  }
}

}  // namespace

std::vector<Op> websocket_ops() {
  return {{"ws_accept", ws_accept}, {"ws_send", ws_send}, {"ws_close", ws_close}};
}

}  // namespace runtime::api
