// Build-time tool: evaluates a bundled script in a fresh context and writes the V8
// startup snapshot holding the result.
//   sbfn_snapshot worker   <bundle.js> <out.snapshot>   the runtime, with native ops
//   sbfn_snapshot compiler <bundle.js> <out.snapshot>   the compiler isolate (sucrase)
#include "runtime/api/ops.hpp"
#include "runtime/assets.hpp"
#include "runtime/v8_util.hpp"
#include "util/files.hpp"

#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4 || (std::strcmp(argv[1], "worker") != 0 && std::strcmp(argv[1], "compiler") != 0)) {
    std::fprintf(stderr, "usage: sbfn_snapshot worker|compiler <bundle.js> <out.snapshot>\n");
    return 2;
  }
  bool worker = std::strcmp(argv[1], "worker") == 0;
  runtime::init({});
  std::string code;
  try {
    code = util::read_file(argv[2]);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sbfn_snapshot: %s\n", error.what());
    return 1;
  }
  v8::StartupData blob;
  {
    v8::SnapshotCreator creator(worker ? runtime::api::external_references() : nullptr);
    auto* isolate = creator.GetIsolate();
    {
      v8::HandleScope handle_scope(isolate);
      auto context = v8::Context::New(isolate);
      v8::Context::Scope context_scope(context);
      if (worker) {
        runtime::api::install_ops(context);
      }
      v8::TryCatch try_catch(isolate);
      v8::ScriptOrigin origin(isolate, runtime::v8_str(isolate, std::string("sbfn:") + argv[1]));
      v8::Local<v8::Script> script;
      if (!v8::Script::Compile(context, runtime::v8_str(isolate, code), &origin).ToLocal(&script) ||
          script->Run(context).IsEmpty()) {
        std::fprintf(stderr, "sbfn_snapshot: %s\n",
                     runtime::describe_exception(isolate, try_catch.Exception()).c_str());
        return 1;
      }
      creator.SetDefaultContext(context);
    }
    blob = creator.CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kKeep);
  }
  try {
    util::write_file_atomic(argv[3], std::string_view(blob.data, blob.raw_size));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sbfn_snapshot: %s\n", error.what());
    return 1;
  }
  delete[] blob.data;
  return 0;
}
