// Compiled with -fno-rtti: it subclasses a V8 class, whose typeinfo Debian's libnode lacks.
#include "runtime/static_string.hpp"

namespace runtime {
namespace {

class StaticSource : public v8::String::ExternalOneByteStringResource {
 public:
  explicit StaticSource(std::string_view text) : m_text(text) {}
  const char* data() const override { return m_text.data(); }
  size_t length() const override { return m_text.size(); }

 private:
  std::string_view m_text;
};

}  // namespace

v8::Local<v8::String> new_static_string(v8::Isolate* isolate, std::string_view text) {
  // V8 owns (and deletes) the resource; the bytes are never freed.
  return v8::String::NewExternalOneByte(isolate, new StaticSource(text)).ToLocalChecked();
}

}  // namespace runtime
