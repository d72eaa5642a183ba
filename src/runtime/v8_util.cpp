#include "runtime/v8_util.hpp"

namespace runtime {

v8::Local<v8::String> v8_str(v8::Isolate* isolate, std::string_view text) {
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                                 static_cast<int>(text.size()))
      .ToLocalChecked();
}

std::string to_utf8(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  v8::String::Utf8Value utf8(isolate, value);
  return *utf8 ? std::string(*utf8, utf8.length()) : std::string();
}

void throw_type_error(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::TypeError(v8_str(isolate, message)));
}

void throw_error(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::Error(v8_str(isolate, message)));
}

std::string describe_exception(v8::Isolate* isolate, v8::Local<v8::Value> exception) {
  v8::HandleScope scope(isolate);
  auto context = isolate->GetCurrentContext();
  if (exception->IsObject()) {
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> stack;
    if (exception.As<v8::Object>()->Get(context, v8_str(isolate, "stack")).ToLocal(&stack) &&
        stack->IsString()) {
      return to_utf8(isolate, stack);
    }
  }
  return to_utf8(isolate, exception);
}

}  // namespace runtime
