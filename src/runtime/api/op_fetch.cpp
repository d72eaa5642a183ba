// fetch's native ops: start a transfer on the worker's engine, feed a streamed request
// body, pause or resume the response, abort. Events come back through the fetchEvent
// hook (worker_fetch.cpp); the Fetch spec's rules live in js/web/fetch.js.
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/api/permission_checks.hpp"
#include "runtime/fetch/fetch_engine.hpp"
#include "runtime/v8_util.hpp"

namespace runtime::api {
namespace {

std::string string_field(v8::Isolate* isolate, v8::Local<v8::Object> object, const char* name) {
  v8::Local<v8::Value> value;
  auto context = isolate->GetCurrentContext();
  if (!object->Get(context, v8_str(isolate, name)).ToLocal(&value) || !value->IsString()) {
    return {};
  }
  return to_utf8(isolate, value);
}

// fetch_start(method, url, [name, value, ...], body, options) -> id. `body` is
// undefined (none), a Uint8Array (the whole body) or true (streamed: fetch_write feeds
// it); options: { caPem, caFiles: [path], proxy, decode, insecure }.
void fetch_start(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  fetch::FetchRequest request;
  request.method = to_utf8(isolate, info[0]);
  request.url = to_utf8(isolate, info[1]);
  if (!url_permitted(isolate, request.url)) {
    return;
  }
  if (!read_flat_pairs(isolate, info[2], request.headers)) {
    return;
  }
  if (info[3]->IsTrue()) {
    request.streamed_body = true;
  } else if (auto bytes = buffer_source_bytes(info[3])) {
    request.has_body = true;
    request.body.assign(bytes->data(), bytes->size());
  }
  if (info[4]->IsObject()) {
    auto options = info[4].As<v8::Object>();
    request.ca_pem = string_field(isolate, options, "caPem");
    request.proxy = string_field(isolate, options, "proxy");
    v8::Local<v8::Value> decode;
    if (options->Get(context, v8_str(isolate, "decode")).ToLocal(&decode)) {
      request.decode = !decode->IsFalse();
    }
    v8::Local<v8::Value> insecure;
    if (options->Get(context, v8_str(isolate, "insecure")).ToLocal(&insecure)) {
      request.verify_peer = !insecure->IsTrue();
    }
    v8::Local<v8::Value> files;
    if (options->Get(context, v8_str(isolate, "caFiles")).ToLocal(&files)) {
      request.ca_files = to_utf8_list(isolate, files);
    }
  }
  auto id = OpHost::of(isolate).fetch_engine().start(std::move(request));
  info.GetReturnValue().Set(v8::Integer::NewFromUnsigned(isolate, id));
}

// fetch_write(id, chunk | null): the next piece of a streamed request body; null ends it.
void fetch_write(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto id = uint32_arg(info, 0);
  std::string chunk;
  if (auto bytes = buffer_source_bytes(info[1])) {
    chunk.assign(bytes->data(), bytes->size());
  }
  OpHost::of(isolate).fetch_engine().write_body(id, std::move(chunk), info[1]->IsNull());
}

// fetch_pause(id, paused): back-pressure from the response body's stream.
void fetch_pause(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  OpHost::of(isolate).fetch_engine().pause(uint32_arg(info, 0), info[1]->BooleanValue(isolate));
}

// fetch_abort(id): ends the transfer; no more events for it.
void fetch_abort(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  OpHost::of(isolate).fetch_engine().abort(uint32_arg(info, 0));
}

}  // namespace

std::vector<Op> fetch_ops() {
  return {{"fetch_start", fetch_start},
          {"fetch_write", fetch_write},
          {"fetch_pause", fetch_pause},
          {"fetch_abort", fetch_abort}};
}

}  // namespace runtime::api
