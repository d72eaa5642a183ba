// Deno.readFile/readTextFile, confined to the function's own folder.
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"
#include "runtime/worker_impl.hpp"
#include "util/files.hpp"

namespace runtime::api {
namespace {

// Throws an Error whose `code` ("NotFound", "PermissionDenied") JavaScript maps onto
// the matching Deno.errors class.
void throw_coded(v8::Isolate* isolate, const char* code, const std::string& message) {
  auto context = isolate->GetCurrentContext();
  auto error = v8::Exception::Error(v8_str(isolate, message)).As<v8::Object>();
  std::ignore = error->Set(context, v8_str(isolate, "code"), v8_str(isolate, code));
  isolate->ThrowException(error);
}

// read_file(path) -> Uint8Array
void read_file(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto& worker = WorkerImpl::from(isolate);
  std::filesystem::path path = to_utf8(isolate, info[0]);
  const auto& root = worker.options().root;
  if (path.is_relative()) {
    path = root / path;
  }
  if (root.empty() || !util::is_within(root, path)) {
    throw_coded(isolate, "PermissionDenied",
                "Requires read access to \"" + path.string() +
                    "\", which is outside the function's folder");
    return;
  }
  auto content = util::try_read_file(path);
  if (!content) {
    throw_coded(isolate, "NotFound",
                "No such file or directory (os error 2): readfile '" + path.string() + "'");
    return;
  }
  auto buffer = v8::ArrayBuffer::New(isolate, content->size());
  std::memcpy(buffer->Data(), content->data(), content->size());
  info.GetReturnValue().Set(v8::Uint8Array::New(buffer, 0, content->size()));
}

}  // namespace

std::vector<Op> fs_ops() {
  return {{"read_file", read_file}};
}

}  // namespace runtime::api
