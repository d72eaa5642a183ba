// structuredClone over V8's serializer. Compiled without RTTI (see CMakeLists.txt):
// it subclasses a V8 class, and Debian's libnode is built with -fno-rtti.
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <cstdlib>

namespace runtime::api {
namespace {

// V8's serializer, as structuredClone needs it; errors carry a "DataCloneError: " prefix
// that the JavaScript side turns into a DOMException.
class CloneDelegate : public v8::ValueSerializer::Delegate {
 public:
  explicit CloneDelegate(v8::Isolate* isolate) : m_isolate(isolate) {}
  void ThrowDataCloneError(v8::Local<v8::String> message) override {
    m_isolate->ThrowException(
        v8::Exception::Error(v8_str(m_isolate, "DataCloneError: " + to_utf8(m_isolate, message))));
  }

 private:
  v8::Isolate* m_isolate;
};

void structured_clone(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  CloneDelegate delegate(isolate);
  v8::ValueSerializer serializer(isolate, &delegate);
  serializer.WriteHeader();
  if (serializer.WriteValue(context, info[0]).IsNothing()) {
    return;
  }
  auto [data, size] = serializer.Release();
  v8::ValueDeserializer deserializer(isolate, data, size);
  v8::Local<v8::Value> copy;
  if (deserializer.ReadHeader(context).FromMaybe(false) &&
      deserializer.ReadValue(context).ToLocal(&copy)) {
    info.GetReturnValue().Set(copy);
  }
  std::free(data);
}

}  // namespace

std::vector<Op> clone_ops() {
  return {{"structured_clone", structured_clone}};
}

}  // namespace runtime::api
