#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <openssl/rand.h>

#include <cstdio>

namespace runtime::api {
namespace {

void print(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  int fd = info[1]->Int32Value(isolate->GetCurrentContext()).FromMaybe(1);
  OpHost::of(isolate).print(fd == 2 ? 2 : 1, to_utf8(isolate, info[0]));
}

void now(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(OpHost::of(info.GetIsolate()).now_ms());
}

// Called once, while the snapshot is built: the V8 that builds it is the one that runs it.
void v8_version(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(v8_str(info.GetIsolate(), v8::V8::GetVersion()));
}

// is_proxy(value): WebIDL's record conversion takes its fast path only for a non-Proxy
// (a Proxy's traps must see the spec's own-keys and descriptor calls).
void is_proxy(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(info[0]->IsProxy());
}

void time_origin(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(OpHost::of(info.GetIsolate()).time_origin_ms());
}

void random_fill(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (!info[0]->IsArrayBufferView()) {
    throw_type_error(info.GetIsolate(), "Argument 1 is not an ArrayBufferView");
    return;
  }
  auto view = info[0].As<v8::ArrayBufferView>();
  auto* data = static_cast<unsigned char*>(view->Buffer()->Data()) + view->ByteOffset();
  if (view->ByteLength() > 0 && RAND_bytes(data, static_cast<int>(view->ByteLength())) != 1) {
    throw_error(info.GetIsolate(), "the system's random number generator failed");
    return;
  }
  info.GetReturnValue().Set(view);
}

void random_uuid(const v8::FunctionCallbackInfo<v8::Value>& info) {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = (b[6] & 0x0F) | 0x40;  // version 4
  b[8] = (b[8] & 0x3F) | 0x80;  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  info.GetReturnValue().Set(v8_str(info.GetIsolate(), text));
}

// set_background_tasks(n): EdgeRuntime.waitUntil promises still pending, which keep a
// retired worker alive until they settle.
void set_background_tasks(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  OpHost::of(isolate).set_background_tasks(uint32_arg(info, 0));
}

// report_fatal(error): reportError() found no listener that cancelled its event.
void report_fatal(const v8::FunctionCallbackInfo<v8::Value>& info) {
  OpHost::of(info.GetIsolate()).report_fatal(info[0]);
}

}  // namespace

std::vector<Op> misc_ops() {
  return {{"print", print},
          {"now", now},
          {"time_origin", time_origin},
          {"is_proxy", is_proxy},
          {"v8_version", v8_version},
          {"random_fill", random_fill},
          {"random_uuid", random_uuid},
          {"set_background_tasks", set_background_tasks},
          {"report_fatal", report_fatal}};
}

}  // namespace runtime::api
