#pragma once

#include <v8.h>

#include <string>
#include <string_view>
#include <tuple>

namespace runtime {

// Internalised one-byte-or-UTF-8 string; `text` need not be NUL-terminated.
v8::Local<v8::String> v8_str(v8::Isolate* isolate, std::string_view text);

// UTF-8 copy of any value (after ToString); empty on failure.
std::string to_utf8(v8::Isolate* isolate, v8::Local<v8::Value> value);

// Throws a JS `TypeError` (or `Error` for the other helper) in the current context.
void throw_type_error(v8::Isolate* isolate, std::string_view message);
void throw_error(v8::Isolate* isolate, std::string_view message);

// The exception's `stack` if it has one, else its string form: what a person should see.
std::string describe_exception(v8::Isolate* isolate, v8::Local<v8::Value> exception);

}  // namespace runtime
