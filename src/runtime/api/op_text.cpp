// UTF-8 for TextEncoder/TextDecoder: V8's own converters, which follow WHATWG
// (lone surrogates and invalid sequences become U+FFFD).
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <algorithm>

namespace runtime::api {
namespace {

// Length of the valid UTF-8 prefix of `data` (WHATWG's definition of valid).
size_t valid_utf8_prefix(const unsigned char* data, size_t size) {
  size_t i = 0;
  while (i < size) {
    unsigned char c = data[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      low = c == 0xE0 ? 0xA0 : 0x80;
      high = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      low = c == 0xF0 ? 0x90 : 0x80;
      high = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return i;
    }
    if (i + extra >= size) {
      return i;
    }
    if (data[i + 1] < low || data[i + 1] > high) {
      return i;
    }
    for (int k = 2; k <= extra; ++k) {
      if (data[i + k] < 0x80 || data[i + k] > 0xBF) {
        return i;
      }
    }
    i += extra + 1;
  }
  return i;
}

void encode_utf8(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  v8::Local<v8::String> text;
  v8::Local<v8::ArrayBuffer> buffer;
  if (!info[0]->ToString(isolate->GetCurrentContext()).ToLocal(&text)) {
    return;
  }
  int length = text->Utf8Length(isolate);
  if (!new_array_buffer(isolate, length).ToLocal(&buffer)) {
    return;
  }
  text->WriteUtf8(isolate, static_cast<char*>(buffer->Data()), length, nullptr,
                  v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  info.GetReturnValue().Set(v8::Uint8Array::New(buffer, 0, length));
}

void encode_utf8_into(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  v8::Local<v8::String> text;
  if (!info[0]->ToString(context).ToLocal(&text)) {
    return;
  }
  if (!info[1]->IsUint8Array()) {
    throw_type_error(isolate, "encodeInto: destination must be a Uint8Array");
    return;
  }
  auto view = info[1].As<v8::Uint8Array>();
  char* out = static_cast<char*>(view->Buffer()->Data()) + view->ByteOffset();
  // WriteUtf8 takes an int capacity; a string never needs more than 3 bytes a unit.
  auto capacity = std::min<std::size_t>(view->ByteLength(), std::size_t{3} * text->Length());
  int read = 0;
  int written = text->WriteUtf8(isolate, out, static_cast<int>(capacity), &read,
                                v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  v8::Local<v8::Value> pair[] = {v8::Integer::New(isolate, read),
                                 v8::Integer::New(isolate, written)};
  info.GetReturnValue().Set(v8::Array::New(isolate, pair, 2));
}

void decode_utf8(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto bytes = buffer_source_bytes(info[0]);
  if (!bytes) {
    throw_type_error(isolate,
                     "The provided value is not of type '(ArrayBuffer or ArrayBufferView)'");
    return;
  }
  const char* data = bytes->data();
  size_t size = bytes->size();
  bool fatal = info[1]->BooleanValue(isolate);
  bool ignore_bom = info[2]->BooleanValue(isolate);
  if (!ignore_bom && size >= 3 && static_cast<unsigned char>(data[0]) == 0xEF &&
      static_cast<unsigned char>(data[1]) == 0xBB && static_cast<unsigned char>(data[2]) == 0xBF) {
    data += 3;
    size -= 3;
  }
  if (fatal && valid_utf8_prefix(reinterpret_cast<const unsigned char*>(data), size) != size) {
    throw_type_error(isolate, "The encoded data is not valid.");
    return;
  }
  v8::Local<v8::String> text;
  if (new_string(isolate, {data, size}).ToLocal(&text)) {
    info.GetReturnValue().Set(text);
  }
}

}  // namespace

std::vector<Op> text_ops() {
  return {{"encode_utf8", encode_utf8},
          {"encode_utf8_into", encode_utf8_into},
          {"decode_utf8", decode_utf8}};
}

}  // namespace runtime::api
