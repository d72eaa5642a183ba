// Deno.readFile/readTextFile, through the worker's source provider (module_source.hpp):
// the function's folder on disk, or the files an artifact or inline code carries.
#include "runtime/api/op_errors.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/api/permission_checks.hpp"
#include "runtime/modules/module_source.hpp"
#include "runtime/v8_util.hpp"

#include <climits>

namespace runtime::api {
namespace {

// read_file(path) -> Uint8Array
void read_file(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto& worker = OpHost::of(isolate);
  // Before copying it out of V8: a path of hundreds of megabytes is only a memory hazard.
  if (info[0]->IsString() && info[0].As<v8::String>()->Length() > PATH_MAX) {
    throw_error(isolate, "File name too long (os error 36)");
    return;
  }
  auto path = to_utf8(isolate, info[0]);
  if (!path_permitted(isolate, path, false)) {
    return;
  }
  v8::Local<v8::ArrayBuffer> buffer;
  // Checked before reading, so a large file costs nothing; new_array_buffer charges the
  // budget for real.
  auto buffer_for = [&](std::size_t size) -> char* {
    if (size > worker.memory_remaining()) {
      throw_range_error(isolate, "readfile '" + clip(path, 256) + "': the file (" +
                                     std::to_string(size) +
                                     " bytes) is larger than the worker's remaining memory");
      return nullptr;
    }
    if (!new_array_buffer(isolate, size).ToLocal(&buffer)) {
      return nullptr;
    }
    return static_cast<char*>(buffer->Data());
  };
  std::optional<std::size_t> got;
  try {
    got = worker.sources().read_file(path, buffer_for);
  } catch (const FileReadError& error) {
    throw_coded(isolate, error.code(), error.what());
    return;
  } catch (const std::exception& error) {
    throw_error(isolate, error.what());
    return;
  }
  if (got) {
    info.GetReturnValue().Set(v8::Uint8Array::New(buffer, 0, *got));
  }
}

}  // namespace

std::vector<Op> fs_ops() {
  return {{"read_file", read_file}};
}

}  // namespace runtime::api
