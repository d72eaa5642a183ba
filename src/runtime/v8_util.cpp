#include "runtime/v8_util.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

namespace runtime {

v8::Local<v8::String> v8_str(v8::Isolate* isolate, std::string_view text) {
  std::string clipped;
  if (text.size() > static_cast<std::size_t>(v8::String::kMaxLength)) {
    clipped = clip(text);
    text = clipped;
  }
  v8::Local<v8::String> result;
  if (!v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                               static_cast<int>(text.size()))
           .ToLocal(&result)) {
    return v8::String::Empty(isolate);  // a terminating isolate: nobody reads it
  }
  return result;
}

v8::MaybeLocal<v8::String> new_string(v8::Isolate* isolate, std::string_view utf8) {
  v8::Local<v8::String> result;
  // UTF-8 never has fewer bytes than the string has UTF-16 units, so a text within the
  // byte limit is the only kind NewFromUtf8 can take (its length is an int).
  if (utf8.size() <= static_cast<std::size_t>(v8::String::kMaxLength) &&
      v8::String::NewFromUtf8(isolate, utf8.data(), v8::NewStringType::kNormal,
                              static_cast<int>(utf8.size()))
          .ToLocal(&result)) {
    return result;
  }
  throw_range_error(isolate, "Invalid string length");
  return {};
}

v8::MaybeLocal<v8::ArrayBuffer> new_array_buffer(v8::Isolate* isolate, std::size_t size) {
  auto* allocator = isolate->GetArrayBufferAllocator();
  void* data = allocator->AllocateUninitialized(size);
  if (data == nullptr) {
    throw_range_error(isolate, "Array buffer allocation failed");
    return {};
  }
  auto store = v8::ArrayBuffer::NewBackingStore(
      data, size,
      [](void* bytes, std::size_t length, void* owner) {
        static_cast<v8::ArrayBuffer::Allocator*>(owner)->Free(bytes, length);
      },
      allocator);
  return v8::ArrayBuffer::New(isolate, std::move(store));
}

std::string clip(std::string_view text, std::size_t max) {
  if (text.size() <= max) {
    return std::string(text);
  }
  return std::string(text.substr(0, max)) + "... (" + std::to_string(text.size()) + " bytes)";
}

BufferSourceBytes::BufferSourceBytes(v8::Local<v8::Value> value) {
  if (value->IsArrayBufferView()) {
    auto view = value.As<v8::ArrayBufferView>();
    auto length = view->ByteLength();
    if (!view->HasBuffer() && length <= sizeof m_small) {
      view->CopyContents(m_small, length);
      m_view = std::string_view(m_small, length);
    } else {
      auto* data = static_cast<const char*>(view->Buffer()->Data());
      m_view = std::string_view(data == nullptr ? "" : data + view->ByteOffset(), length);
    }
    m_valid = true;
  } else if (value->IsArrayBuffer()) {
    auto buffer = value.As<v8::ArrayBuffer>();
    auto* data = static_cast<const char*>(buffer->Data());
    m_view = std::string_view(data == nullptr ? "" : data, buffer->ByteLength());
    m_valid = true;
  }
}

std::uint32_t uint32_arg(const v8::FunctionCallbackInfo<v8::Value>& info, int index) {
  return info[index]->Uint32Value(info.GetIsolate()->GetCurrentContext()).FromMaybe(0);
}

std::string to_utf8(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (value->IsString()) {
    // Straight into the result: Utf8Value would allocate a buffer of its own and copy.
    auto text = value.As<v8::String>();
    // ContainsOnlyOneByte too: a function's JSON.stringify result is stored two bytes a
    // character here (hello-world's is), though every character fits in one.
    if (text->IsOneByte() || text->ContainsOnlyOneByte()) {
      // Latin-1 text (JSON, most text): its characters copied a byte each, then only those
      // over 0x7f widened, instead of V8's UTF-8 length pass and writer.
      auto length = static_cast<std::size_t>(text->Length());
      std::string out(length, '\0');
      auto* bytes = reinterpret_cast<std::uint8_t*>(out.data());
      text->WriteOneByte(isolate, bytes, 0, static_cast<int>(length),
                         v8::String::NO_NULL_TERMINATION);
      std::uint8_t high = 0;
      for (std::size_t i = 0; i < length; ++i) {
        high |= bytes[i];  // no early exit: the compiler vectorises it
      }
      if ((high & 0x80) == 0) {
        return out;  // ASCII: the UTF-8 is the same bytes
      }
      std::string wide;
      wide.reserve(length * 2);
      for (auto c : std::string_view(out)) {
        auto byte = static_cast<std::uint8_t>(c);
        if (byte < 0x80) {
          wide.push_back(c);
        } else {
          wide.push_back(static_cast<char>(0xc0 | (byte >> 6)));
          wide.push_back(static_cast<char>(0x80 | (byte & 0x3f)));
        }
      }
      return wide;
    }
    std::string out(static_cast<std::size_t>(text->Utf8Length(isolate)), '\0');
    text->WriteUtf8(isolate, out.data(), static_cast<int>(out.size()), nullptr,
                    v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
    return out;
  }
  v8::String::Utf8Value utf8(isolate, value);
  return *utf8 ? std::string(*utf8, utf8.length()) : std::string();
}

v8::Local<v8::String> byte_string(v8::Isolate* isolate, std::string_view bytes) {
  v8::Local<v8::String> result;
  if (bytes.size() > static_cast<std::size_t>(v8::String::kMaxLength) ||
      !v8::String::NewFromOneByte(isolate, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                  v8::NewStringType::kNormal, static_cast<int>(bytes.size()))
           .ToLocal(&result)) {
    return v8::String::Empty(isolate);  // over 512 MB of header, or a terminating isolate
  }
  return result;
}

std::string byte_string_bytes(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (!value->IsString()) {
    return to_utf8(isolate, value);
  }
  auto text = value.As<v8::String>();
  auto length = static_cast<std::size_t>(text->Length());
  std::string out(length, '\0');
  if (text->IsOneByte()) {
    text->WriteOneByte(isolate, reinterpret_cast<std::uint8_t*>(out.data()), 0,
                       static_cast<int>(length), v8::String::NO_NULL_TERMINATION);
    return out;
  }
  std::vector<std::uint16_t> units(length);
  text->Write(isolate, units.data(), 0, static_cast<int>(length), v8::String::NO_NULL_TERMINATION);
  for (std::size_t i = 0; i < length; ++i) {
    if (units[i] > 0xff) {
      return to_utf8(isolate, value);
    }
    out[i] = static_cast<char>(units[i]);
  }
  return out;
}

std::vector<std::string> to_utf8_list(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  std::vector<std::string> out;
  if (!value->IsArray()) {
    return out;
  }
  auto context = isolate->GetCurrentContext();
  auto array = value.As<v8::Array>();
  for (std::uint32_t i = 0; i < array->Length(); ++i) {
    v8::Local<v8::Value> item;
    if (!array->Get(context, i).ToLocal(&item)) {
      break;
    }
    out.push_back(to_utf8(isolate, item));
  }
  return out;
}

bool read_flat_pairs(v8::Isolate* isolate, v8::Local<v8::Value> flat, StringPairs& out) {
  if (!flat->IsArray()) {
    return true;
  }
  auto context = isolate->GetCurrentContext();
  auto array = flat.As<v8::Array>();
  for (std::uint32_t i = 0; i + 1 < array->Length(); i += 2) {
    v8::Local<v8::Value> name;
    v8::Local<v8::Value> value;
    if (!array->Get(context, i).ToLocal(&name) || !array->Get(context, i + 1).ToLocal(&value)) {
      return false;
    }
    out.emplace_back(to_utf8(isolate, name), to_utf8(isolate, value));
  }
  return true;
}

v8::MaybeLocal<v8::Array> new_flat_pairs(v8::Isolate* isolate, const StringPairs& pairs) {
  std::vector<v8::Local<v8::Value>> flat;
  flat.reserve(pairs.size() * 2);
  for (const auto& [name, value] : pairs) {
    v8::Local<v8::String> text;
    if (!new_string(isolate, value).ToLocal(&text)) {
      return {};
    }
    flat.push_back(v8_str(isolate, name));
    flat.push_back(text);
  }
  return v8::Array::New(isolate, flat.data(), flat.size());
}

v8::MaybeLocal<v8::Uint8Array> new_uint8_array(v8::Isolate* isolate, std::string_view bytes) {
  v8::Local<v8::ArrayBuffer> buffer;
  if (!new_array_buffer(isolate, bytes.size()).ToLocal(&buffer)) {
    return {};
  }
  if (!bytes.empty()) {
    std::memcpy(buffer->Data(), bytes.data(), bytes.size());
  }
  return v8::Uint8Array::New(buffer, 0, bytes.size());
}

void throw_type_error(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::TypeError(v8_str(isolate, clip(message))));
}

void throw_error(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::Error(v8_str(isolate, clip(message))));
}

void throw_range_error(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::RangeError(v8_str(isolate, clip(message))));
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
