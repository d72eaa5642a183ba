#pragma once

#include <v8.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace runtime {

// Internalised one-byte-or-UTF-8 string for names and messages; `text` need not be
// NUL-terminated. Text V8 cannot hold (over String::kMaxLength) is clipped rather than
// ending the process: data that may be that long goes through new_string instead.
v8::Local<v8::String> v8_str(v8::Isolate* isolate, std::string_view text);

// A string from UTF-8 of any length: empty, with "RangeError: Invalid string length"
// thrown (what V8 throws for an over-long string in JavaScript), when V8 cannot hold it.
v8::MaybeLocal<v8::String> new_string(v8::Isolate* isolate, std::string_view utf8);

// An uninitialised ArrayBuffer from the isolate's allocator, so the worker's memory
// budget is charged. Empty, with "RangeError: Array buffer allocation failed" thrown,
// when the budget refuses it — where v8::ArrayBuffer::New would be a fatal error.
v8::MaybeLocal<v8::ArrayBuffer> new_array_buffer(v8::Isolate* isolate, std::size_t size);

// At most `max` bytes of `text`, marked as cut when it is: user input quoted in a message
// (a 512 MB path in "file not found") must not make the message itself a hazard.
std::string clip(std::string_view text, std::size_t max = 4096);

// The bytes of a BufferSource (an ArrayBuffer, a typed array or a DataView): `*bytes` is a
// string_view; false for any other value. Read in place, except a small typed array V8
// keeps on its own heap, which is copied into the result: asking V8 for its buffer would
// make it allocate one. Valid until JavaScript runs again or the result is destroyed.
class BufferSourceBytes {
 public:
  explicit BufferSourceBytes(v8::Local<v8::Value> value);
  BufferSourceBytes(const BufferSourceBytes&) = delete;  // the view may point into m_small
  BufferSourceBytes& operator=(const BufferSourceBytes&) = delete;
  explicit operator bool() const { return m_valid; }
  std::string_view operator*() const { return m_view; }
  const std::string_view* operator->() const { return &m_view; }

 private:
  char m_small[64];  // V8 keeps typed arrays of up to 64 bytes on its heap
  std::string_view m_view;
  bool m_valid = false;
};
inline BufferSourceBytes buffer_source_bytes(v8::Local<v8::Value> value) {
  return BufferSourceBytes(value);
}

// A native op's argument `index` as ToUint32 converts it; 0 when the conversion throws.
std::uint32_t uint32_arg(const v8::FunctionCallbackInfo<v8::Value>& info, int index);

// UTF-8 copy of any value (after ToString); empty on failure.
std::string to_utf8(v8::Isolate* isolate, v8::Local<v8::Value> value);

// A ByteString, Fetch's type for header names and values: each byte becomes one character
// (U+0000-U+00FF), as Deno exposes a request's headers. Not internalised (per request).
v8::Local<v8::String> byte_string(v8::Isolate* isolate, std::string_view bytes);

// A ByteString's bytes: each character as one byte, as Deno writes header values. A
// string holding characters past U+00FF (not a ByteString) comes out as UTF-8.
std::string byte_string_bytes(v8::Isolate* isolate, v8::Local<v8::Value> value);

// UTF-8 copies of an array's items (protocol lists, CA files); empty for a non-array.
std::vector<std::string> to_utf8_list(v8::Isolate* isolate, v8::Local<v8::Value> value);

// A header list as native code keeps it, and as JavaScript hands it over: a flat array
// [name, value, name, value, ...] (fetch's and worker.fetch's requests and responses).
using StringPairs = std::vector<std::pair<std::string, std::string>>;
// The pairs of such an array, as UTF-8, appended to `out` (nothing for a non-array); false
// when reading an item threw.
bool read_flat_pairs(v8::Isolate* isolate, v8::Local<v8::Value> flat, StringPairs& out);
// The flat array of `pairs`; empty, with a RangeError thrown, when a value is too long for V8.
v8::MaybeLocal<v8::Array> new_flat_pairs(v8::Isolate* isolate, const StringPairs& pairs);

// A Uint8Array over a copy of `bytes`, from new_array_buffer (charged to the budget).
v8::MaybeLocal<v8::Uint8Array> new_uint8_array(v8::Isolate* isolate, std::string_view bytes);

// Throws a JS `TypeError` (or `Error`, `RangeError`) in the current context.
void throw_type_error(v8::Isolate* isolate, std::string_view message);
void throw_error(v8::Isolate* isolate, std::string_view message);
void throw_range_error(v8::Isolate* isolate, std::string_view message);

// The exception's `stack` if it has one, else its string form: what a person should see.
std::string describe_exception(v8::Isolate* isolate, v8::Local<v8::Value> exception);

}  // namespace runtime
