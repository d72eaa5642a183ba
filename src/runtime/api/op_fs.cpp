// Deno.readFile/readTextFile, confined to the function's own folder.
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"
#include "runtime/worker_impl.hpp"
#include "util/files.hpp"
#include "util/regular_file.hpp"

#include <climits>

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
  // Before copying it out of V8: a path of hundreds of megabytes is only a memory hazard.
  if (info[0]->IsString() && info[0].As<v8::String>()->Length() > PATH_MAX) {
    throw_error(isolate, "File name too long (os error 36)");
    return;
  }
  std::filesystem::path path = to_utf8(isolate, info[0]);
  const auto& root = worker.options().root;
  if (path.is_relative()) {
    path = root / path;
  }
  if (root.empty() || !util::is_within(root, path)) {
    throw_coded(isolate, "PermissionDenied",
                "Requires read access to \"" + clip(path.string(), 256) +
                    "\", which is outside the function's folder");
    return;
  }
  auto quoted = clip(path.string(), 256);
  util::RegularFile file(path);
  switch (file.error()) {
    case util::RegularFile::Error::none:
      break;
    case util::RegularFile::Error::not_found:
      throw_coded(isolate, "NotFound",
                  "No such file or directory (os error 2): readfile '" + quoted + "'");
      return;
    case util::RegularFile::Error::not_regular:
      throw_coded(isolate, "InvalidData",
                  "Not a regular file: readfile '" + quoted +
                      "' (devices, FIFOs and directories cannot be read whole)");
      return;
    case util::RegularFile::Error::unreadable:
      throw_coded(isolate, "PermissionDenied", "Cannot read '" + quoted + "'");
      return;
  }
  // Checked before reading, so a large file costs nothing; new_array_buffer charges the
  // budget for real.
  if (file.size() > worker.memory().remaining()) {
    throw_range_error(isolate, "readfile '" + quoted + "': the file (" +
                                   std::to_string(file.size()) +
                                   " bytes) is larger than the worker's remaining memory");
    return;
  }
  v8::Local<v8::ArrayBuffer> buffer;
  if (!new_array_buffer(isolate, file.size()).ToLocal(&buffer)) {
    return;
  }
  auto got = file.read(static_cast<char*>(buffer->Data()), file.size());
  if (!got) {
    throw_coded(isolate, "PermissionDenied", "Cannot read '" + quoted + "'");
    return;
  }
  info.GetReturnValue().Set(v8::Uint8Array::New(buffer, 0, *got));
}

}  // namespace

std::vector<Op> fs_ops() {
  return {{"read_file", read_file}};
}

}  // namespace runtime::api
