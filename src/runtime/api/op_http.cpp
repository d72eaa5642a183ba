// Responses travel back from JavaScript to the server through these ops.
#include "runtime/api/op_errors.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <system_error>

namespace runtime::api {
namespace {

std::uint32_t request_id(const v8::FunctionCallbackInfo<v8::Value>& info) {
  return uint32_arg(info, 0);
}

// A string becomes UTF-8; bytes are copied as they are.
std::string body_bytes(v8::Isolate* isolate, v8::Local<v8::Value> body) {
  if (auto bytes = buffer_source_bytes(body)) {
    return std::string(*bytes);
  }
  if (body->IsNullOrUndefined()) {
    return {};
  }
  return to_utf8(isolate, body);
}

HttpHeaders headers_from(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  HttpHeaders headers;
  if (!value->IsArray()) {
    return headers;
  }
  auto context = isolate->GetCurrentContext();
  auto flat = value.As<v8::Array>();
  for (uint32_t i = 0; i + 1 < flat->Length(); i += 2) {
    v8::Local<v8::Value> name;
    v8::Local<v8::Value> value;
    if (!flat->Get(context, i).ToLocal(&name) || !flat->Get(context, i + 1).ToLocal(&value)) {
      break;
    }
    headers.emplace_back(byte_string_bytes(isolate, name), byte_string_bytes(isolate, value));
  }
  return headers;
}

// A Response's statusText, when it set one.
std::string reason_of(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  return value->IsString() ? to_utf8(isolate, value) : std::string();
}

// respond(id, status, headers, body, statusText): the whole response at once.
void respond(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto& worker = OpHost::of(isolate);
  auto id = request_id(info);
  if (auto sink = worker.sink(id)) {
    int status = info[1]->Int32Value(isolate->GetCurrentContext()).FromMaybe(200);
    sink->start(status, reason_of(isolate, info[4]), headers_from(isolate, info[2]),
                body_bytes(isolate, info[3]), false);
    worker.finish_request(id);
  }
}

// respond_start(id, status, headers, statusText): the head of a streamed response.
void respond_start(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  if (auto sink = OpHost::of(isolate).sink(request_id(info))) {
    int status = info[1]->Int32Value(isolate->GetCurrentContext()).FromMaybe(200);
    sink->start(status, reason_of(isolate, info[3]), headers_from(isolate, info[2]), {}, true);
  }
}

// respond_chunk(id, chunk) -> false once the client has gone (the stream should stop),
// true to go on, or, when the client is behind, a Promise of one of those that settles
// once it has caught up: the stream is read no faster than the client reads.
void respond_chunk(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto& worker = OpHost::of(isolate);
  auto sink = worker.sink(request_id(info));
  if (!sink) {
    info.GetReturnValue().Set(false);
    return;
  }
  auto chunk = body_bytes(isolate, info[1]);
  if (chunk.empty()) {
    info.GetReturnValue().Set(true);
    return;
  }
  if (!sink->write(std::move(chunk))) {
    info.GetReturnValue().Set(false);
    return;
  }
  if (sink->saturated()) {
    info.GetReturnValue().Set(worker.when_drained(sink));
    return;
  }
  info.GetReturnValue().Set(true);
}

void respond_end(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto& worker = OpHost::of(info.GetIsolate());
  auto id = request_id(info);
  if (auto sink = worker.sink(id)) {
    sink->end();
    worker.finish_request(id);
  }
}

// respond_error(id): the handler failed; JavaScript has already logged why.
void respond_error(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto& worker = OpHost::of(info.GetIsolate());
  auto id = request_id(info);
  if (auto sink = worker.sink(id)) {
    sink->fail(Failure::worker_error);
    worker.finish_request(id);
  }
}

// body_pull(id) -> Promise<Uint8Array | null>: the next piece of a streamed request body.
void body_pull(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(OpHost::of(info.GetIsolate()).pull_body(request_id(info)));
}

// serve_listen(hostname, port) -> [listener id, port] | null: Deno.serve's socket, where
// this worker opens its own (a test module); null where the server feeds it.
void serve_listen(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto hostname = to_utf8(isolate, info[0]);
  auto port = uint32_arg(info, 1);
  if (port > 65535) {
    throw_coded(isolate, "TypeError", "Invalid port: " + std::to_string(port));
    return;
  }
  try {
    auto opened = OpHost::of(isolate).listen(hostname, static_cast<std::uint16_t>(port));
    if (!opened) {
      info.GetReturnValue().SetNull();
      return;
    }
    v8::Local<v8::Value> pair[] = {v8::Integer::NewFromUnsigned(isolate, opened->first),
                                   v8::Integer::NewFromUnsigned(isolate, opened->second)};
    info.GetReturnValue().Set(v8::Array::New(isolate, pair, 2));
  } catch (const std::system_error& error) {
    throw_os_error(isolate, error.code().value(), "");
  }
}

// serve_close(listener id): the listener takes no new connections.
void serve_close(const v8::FunctionCallbackInfo<v8::Value>& info) {
  OpHost::of(info.GetIsolate()).close_listener(uint32_arg(info, 0));
}

}  // namespace

std::vector<Op> http_ops() {
  return {{"respond", respond},
          {"respond_start", respond_start},
          {"respond_chunk", respond_chunk},
          {"respond_end", respond_end},
          {"respond_error", respond_error},
          {"body_pull", body_pull},
          {"serve_listen", serve_listen},
          {"serve_close", serve_close}};
}

}  // namespace runtime::api
