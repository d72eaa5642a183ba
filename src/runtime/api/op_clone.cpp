// structuredClone over V8's serializer. Compiled without RTTI (see CMakeLists.txt):
// it subclasses a V8 class, and Debian's libnode is built with -fno-rtti.
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <vector>

namespace runtime::api {
namespace {

// V8's serializer, as structuredClone needs it; errors carry a "DataCloneError: " prefix
// that the JavaScript side turns into a DOMException.
// The serialised copy is memory outside the heap, so it comes from the isolate's
// allocator: a clone too large for the worker's budget fails with a DataCloneError
// ("out of memory") instead of growing unchecked.
class CloneDelegate : public v8::ValueSerializer::Delegate {
 public:
  explicit CloneDelegate(v8::Isolate* isolate)
      : m_isolate(isolate), m_allocator(isolate->GetArrayBufferAllocator()) {}
  ~CloneDelegate() override { release(); }
  CloneDelegate(const CloneDelegate&) = delete;
  CloneDelegate& operator=(const CloneDelegate&) = delete;

  void ThrowDataCloneError(v8::Local<v8::String> message) override {
    m_isolate->ThrowException(
        v8::Exception::Error(v8_str(m_isolate, "DataCloneError: " + to_utf8(m_isolate, message))));
  }
  void* ReallocateBufferMemory(void* old_buffer, size_t size, size_t* actual_size) override {
    void* buffer = old_buffer == nullptr ? m_allocator->AllocateUninitialized(size)
                                         : m_allocator->Reallocate(old_buffer, m_size, size);
    if (buffer != nullptr) {
      m_buffer = buffer;
      m_size = size;
      *actual_size = size;
    }
    return buffer;
  }
  void FreeBufferMemory(void* buffer) override {
    if (buffer == m_buffer) {
      release();
    }
  }
  // After ValueSerializer::Release, the buffer is ours until this is called.
  void release() {
    if (m_buffer != nullptr) {
      m_allocator->Free(m_buffer, m_size);
      m_buffer = nullptr;
      m_size = 0;
    }
  }

 private:
  v8::Isolate* m_isolate;
  v8::ArrayBuffer::Allocator* m_allocator;
  void* m_buffer = nullptr;
  size_t m_size = 0;
};

// structured_clone(value, transfer): `transfer` lists ArrayBuffers whose memory moves
// to the copy; the originals are detached, as the HTML spec requires.
void structured_clone(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  std::vector<v8::Local<v8::ArrayBuffer>> transfer;
  if (info[1]->IsArray()) {
    auto list = info[1].As<v8::Array>();
    for (uint32_t i = 0; i < list->Length(); ++i) {
      v8::Local<v8::Value> item;
      if (!list->Get(context, i).ToLocal(&item)) {
        return;
      }
      if (!item->IsArrayBuffer() || !item.As<v8::ArrayBuffer>()->IsDetachable()) {
        throw_error(isolate, "DataCloneError: Value not transferable");
        return;
      }
      transfer.push_back(item.As<v8::ArrayBuffer>());
    }
  }
  CloneDelegate delegate(isolate);
  v8::ValueSerializer serializer(isolate, &delegate);
  for (uint32_t i = 0; i < transfer.size(); ++i) {
    serializer.TransferArrayBuffer(i, transfer[i]);
  }
  serializer.WriteHeader();
  if (serializer.WriteValue(context, info[0]).IsNothing()) {
    return;
  }
  auto [data, size] = serializer.Release();
  v8::ValueDeserializer deserializer(isolate, data, size);
  for (uint32_t i = 0; i < transfer.size(); ++i) {
    auto moved = v8::ArrayBuffer::New(isolate, transfer[i]->GetBackingStore());
    transfer[i]->Detach();
    deserializer.TransferArrayBuffer(i, moved);
  }
  v8::Local<v8::Value> copy;
  if (deserializer.ReadHeader(context).FromMaybe(false) &&
      deserializer.ReadValue(context).ToLocal(&copy)) {
    info.GetReturnValue().Set(copy);
  }
}

}  // namespace

std::vector<Op> clone_ops() {
  return {{"structured_clone", structured_clone}};
}

}  // namespace runtime::api
