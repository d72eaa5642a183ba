// structuredClone over V8's serializer. Compiled without RTTI (see CMakeLists.txt):
// it subclasses a V8 class, and Debian's libnode is built with -fno-rtti.
//
// Host objects: V8 hands an object with embedder fields to the delegate instead of
// copying its properties. The runtime's serializable platform objects (CryptoKey) are
// made by `cloneable_object`: an object with one internal field holding a function that
// finishes a copy. Clones never leave the isolate (structuredClone, MessagePort and
// BroadcastChannel are all within one worker), so the serialised form is the object's
// place in a list kept for one clone. V8 runs no JavaScript while it deserialises, so a
// host object's copy is first a shallow one (Object::Clone: same prototype, internal
// field and private fields), and its finishing function runs once the whole value is
// read (a CryptoKey copies its algorithm and usages there).
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <cstdint>
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
  CloneDelegate(v8::Isolate* isolate, std::vector<v8::Global<v8::Object>>& hosts)
      : m_isolate(isolate), m_allocator(isolate->GetArrayBufferAllocator()), m_hosts(hosts) {}
  ~CloneDelegate() override { release(); }
  CloneDelegate(const CloneDelegate&) = delete;
  CloneDelegate& operator=(const CloneDelegate&) = delete;

  void attach(v8::ValueSerializer* serializer) { m_serializer = serializer; }

  void ThrowDataCloneError(v8::Local<v8::String> message) override {
    m_isolate->ThrowException(
        v8::Exception::Error(v8_str(m_isolate, "DataCloneError: " + to_utf8(m_isolate, message))));
  }
  v8::Maybe<bool> WriteHostObject(v8::Isolate* isolate, v8::Local<v8::Object> object) override {
    if (object->InternalFieldCount() != 1 || !object->GetInternalField(0)->IsFunction()) {
      return Delegate::WriteHostObject(isolate, object);  // "... could not be cloned"
    }
    m_serializer->WriteUint32(static_cast<std::uint32_t>(m_hosts.size()));
    m_hosts.emplace_back(isolate, object);
    return v8::Just(true);
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
  std::vector<v8::Global<v8::Object>>& m_hosts;
  v8::ValueSerializer* m_serializer = nullptr;
  void* m_buffer = nullptr;
  size_t m_size = 0;
};

// The reading half: a host object's copy is a shallow copy of the original, finished
// by `finish_copies` once V8 is done.
class RestoreDelegate : public v8::ValueDeserializer::Delegate {
 public:
  explicit RestoreDelegate(const std::vector<v8::Global<v8::Object>>& hosts) : m_hosts(hosts) {}
  void attach(v8::ValueDeserializer* deserializer) { m_deserializer = deserializer; }

  v8::MaybeLocal<v8::Object> ReadHostObject(v8::Isolate* isolate) override {
    std::uint32_t index = 0;
    if (!m_deserializer->ReadUint32(&index) || index >= m_hosts.size()) {
      throw_error(isolate, "DataCloneError: Unable to deserialize cloned data.");
      return {};
    }
    auto copy = m_hosts[index].Get(isolate)->Clone();
    m_copies.emplace_back(isolate, copy);
    return copy;
  }

  // Runs each copy's finishing function (its internal field) on it.
  bool finish_copies(v8::Local<v8::Context> context) {
    auto* isolate = context->GetIsolate();
    for (const auto& global : m_copies) {
      auto copy = global.Get(isolate);
      v8::Local<v8::Value> argv[] = {copy};
      if (copy->GetInternalField(0)
              .As<v8::Function>()
              ->Call(context, v8::Undefined(isolate), 1, argv)
              .IsEmpty()) {
        return false;
      }
    }
    return true;
  }

 private:
  // Globals: V8 calls the delegate inside handle scopes of its own.
  const std::vector<v8::Global<v8::Object>>& m_hosts;
  std::vector<v8::Global<v8::Object>> m_copies;
  v8::ValueDeserializer* m_deserializer = nullptr;
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
  std::vector<v8::Global<v8::Object>> hosts;  // the host objects met, by index
  CloneDelegate delegate(isolate, hosts);
  v8::ValueSerializer serializer(isolate, &delegate);
  delegate.attach(&serializer);
  for (uint32_t i = 0; i < transfer.size(); ++i) {
    serializer.TransferArrayBuffer(i, transfer[i]);
  }
  serializer.WriteHeader();
  if (serializer.WriteValue(context, info[0]).IsNothing()) {
    return;
  }
  auto [data, size] = serializer.Release();
  RestoreDelegate restore(hosts);
  v8::ValueDeserializer deserializer(isolate, data, size, &restore);
  restore.attach(&deserializer);
  for (uint32_t i = 0; i < transfer.size(); ++i) {
    auto moved = v8::ArrayBuffer::New(isolate, transfer[i]->GetBackingStore());
    transfer[i]->Detach();
    deserializer.TransferArrayBuffer(i, moved);
  }
  v8::Local<v8::Value> copy;
  if (deserializer.ReadHeader(context).FromMaybe(false) &&
      deserializer.ReadValue(context).ToLocal(&copy) && restore.finish_copies(context)) {
    info.GetReturnValue().Set(copy);
  }
}

// cloneable_constructor() -> a function whose instances have the one internal field.
// JavaScript keeps it (one per context), so no template has to be kept per isolate here.
void cloneable_constructor(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto made = v8::FunctionTemplate::New(isolate);
  made->InstanceTemplate()->SetInternalFieldCount(1);
  v8::Local<v8::Function> function;
  if (made->GetFunction(isolate->GetCurrentContext()).ToLocal(&function)) {
    info.GetReturnValue().Set(function);
  }
}

// cloneable_object(constructor, prototype, finish) -> a new object with `prototype` that
// structuredClone copies shallowly, then passes to `finish(copy)`.
void cloneable_object(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  if (!info[0]->IsFunction() || !info[1]->IsObject() || !info[2]->IsFunction()) {
    throw_type_error(isolate, "cloneable_object(constructor, prototype, finish)");
    return;
  }
  v8::Local<v8::Object> object;
  if (!info[0].As<v8::Function>()->NewInstance(context).ToLocal(&object) ||
      object->InternalFieldCount() != 1 || object->SetPrototype(context, info[1]).IsNothing()) {
    return;
  }
  object->SetInternalField(0, info[2]);
  info.GetReturnValue().Set(object);
}

}  // namespace

std::vector<Op> clone_ops() {
  return {{"structured_clone", structured_clone},
          {"cloneable_constructor", cloneable_constructor},
          {"cloneable_object", cloneable_object}};
}

}  // namespace runtime::api
