#include "runtime/api/dns_values.hpp"

#include "runtime/v8_util.hpp"

namespace runtime::api {
namespace {

// DNS data is short (a record's data is at most 64 KB), so no length can trouble V8.
v8::Local<v8::String> utf8(v8::Isolate* isolate, const std::string& text) {
  v8::Local<v8::String> out;
  return new_string(isolate, text).ToLocal(&out) ? out : v8::String::Empty(isolate);
}

v8::Local<v8::String> latin1(v8::Isolate* isolate, const std::string& bytes) {
  v8::Local<v8::String> out;
  return v8::String::NewFromOneByte(isolate, reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                    v8::NewStringType::kNormal, static_cast<int>(bytes.size()))
                 .ToLocal(&out)
             ? out
             : v8::String::Empty(isolate);
}

v8::Local<v8::Value> field_value(v8::Isolate* isolate, const dns::DnsRecord::Value& value) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    return utf8(isolate, *text);
  }
  if (const auto* number = std::get_if<double>(&value)) {
    return v8::Number::New(isolate, *number);
  }
  return v8::Boolean::New(isolate, std::get<bool>(value));
}

v8::Local<v8::Value> record_value(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                  const dns::DnsRecord& record) {
  switch (record.shape) {
    case dns::DnsRecord::Shape::text:
      return utf8(isolate, record.texts.empty() ? std::string() : record.texts.front());
    case dns::DnsRecord::Shape::texts: {
      auto out = v8::Array::New(isolate, static_cast<int>(record.texts.size()));
      for (std::size_t i = 0; i < record.texts.size(); ++i) {
        std::ignore =
            out->Set(context, static_cast<std::uint32_t>(i), latin1(isolate, record.texts[i]));
      }
      return out;
    }
    case dns::DnsRecord::Shape::fields: {
      // Deno's serde_v8 makes them without a prototype.
      std::vector<v8::Local<v8::Name>> names;
      std::vector<v8::Local<v8::Value>> values;
      for (const auto& [name, value] : record.fields) {
        names.push_back(v8_str(isolate, name));
        values.push_back(field_value(isolate, value));
      }
      return v8::Object::New(isolate, v8::Null(isolate), names.data(), values.data(), names.size());
    }
  }
  return v8::Undefined(isolate);
}

}  // namespace

v8::Local<v8::Array> dns_records_value(v8::Isolate* isolate,
                                       const std::vector<dns::DnsRecord>& records) {
  auto context = isolate->GetCurrentContext();
  auto out = v8::Array::New(isolate, static_cast<int>(records.size()));
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::ignore = out->Set(context, static_cast<std::uint32_t>(i),
                           record_value(isolate, context, records[i]));
  }
  return out;
}

}  // namespace runtime::api
