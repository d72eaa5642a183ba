// node:v8's serialize/deserialize: V8's own wire format (the one structuredClone uses
// inside op_clone.cpp), as bytes a function may keep in a Buffer, in /tmp or in a cache.
// Without a delegate: typed arrays are written natively and platform objects are refused
// with V8's "could not be cloned" error, so bytes from Node (whose serializer writes
// Buffers as host objects) are read back only when they hold plain values.
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <cstdlib>
#include <cstring>

namespace runtime::api {
namespace {

// v8_serialize(value) -> Uint8Array
void v8_serialize(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  v8::ValueSerializer serializer(isolate);
  serializer.WriteHeader();
  if (serializer.WriteValue(context, info[0]).IsNothing()) {
    return;
  }
  auto [data, size] = serializer.Release();
  // SAFETY: without a delegate the serializer's buffer comes from realloc; it is copied
  // into the worker's memory (charged to its budget) and freed here.
  v8::Local<v8::ArrayBuffer> buffer;
  if (new_array_buffer(isolate, size).ToLocal(&buffer)) {
    std::memcpy(buffer->Data(), data, size);
    info.GetReturnValue().Set(v8::Uint8Array::New(buffer, 0, size));
  }
  std::free(data);
}

// v8_deserialize(Uint8Array) -> value
void v8_deserialize(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  if (!info[0]->IsArrayBufferView()) {
    throw_type_error(isolate, "v8_deserialize(Uint8Array)");
    return;
  }
  auto view = info[0].As<v8::ArrayBufferView>();
  auto* bytes = static_cast<const uint8_t*>(view->Buffer()->Data()) + view->ByteOffset();
  v8::ValueDeserializer deserializer(isolate, bytes, view->ByteLength());
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> value;
  if (deserializer.ReadHeader(context).FromMaybe(false) &&
      deserializer.ReadValue(context).ToLocal(&value)) {
    info.GetReturnValue().Set(value);
  } else if (try_catch.HasCaught()) {
    try_catch.ReThrow();
  } else {
    // V8 may fail without an exception (a truncated buffer): say so.
    try_catch.Reset();
    throw_error(isolate, "Unable to deserialize cloned data.");
    try_catch.ReThrow();
  }
}

}  // namespace

std::vector<Op> node_v8_ops() {
  return {{"v8_serialize", v8_serialize}, {"v8_deserialize", v8_deserialize}};
}

}  // namespace runtime::api
