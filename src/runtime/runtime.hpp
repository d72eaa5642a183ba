#pragma once

// The isolate runtime: what the rest of sbfn may use.
//   init()              once per process, before any Worker
//   Worker              one isolate + context + event loop thread (worker.hpp)
//   HttpRequest, ResponseSink, Failure    the request contract (http.hpp)
//   ModuleResolver, ModuleSourceProvider  where a worker's modules and files come from
//                                         (modules/module_source.hpp)
//   compiler_tool, module_imports, cjs_exports   semver and the module lexers (tools.hpp)
//   read_wasm_interface, wasm_import_modules     a Wasm module's imports and exports
//                                                (modules/wasm_module.hpp)

//   TestMode, TestListener                a worker that runs a Deno.test module (test_run.hpp)

#include "runtime/http.hpp"
#include "runtime/modules/module_source.hpp"
#include "runtime/modules/wasm_module.hpp"
#include "runtime/permissions.hpp"
#include "runtime/test_run.hpp"
#include "runtime/tools.hpp"
#include "runtime/worker.hpp"

#include <cstddef>
#include <string_view>

namespace runtime {

// Build-time products the runtime boots from; the sbfn binary embeds them.
struct Assets {
  std::string_view worker_snapshot;    // V8 startup snapshot holding src/runtime/js
  std::string_view compiler_snapshot;  // snapshot holding sucrase (the compiler isolate)
  std::string_view typescript_js;      // TypeScript's compiler, loaded on first need
  std::string_view node_js;            // the node: layer (src/runtime/js/node), idem
  std::string_view testing_js;         // `sbfn test`'s runner (src/runtime/js/testing), idem
  std::string_view idna_js;            // tr46, for URL hosts that are not plain ASCII, idem
};

// Initialises V8 once per process. `assets` must outlive the process's workers.
void init(const Assets& assets);

// "10.2.154.26-node.37"
const char* v8_version();

// How many code caches served with modules (ModuleSource::code_cache) V8 has used, and
// how many it refused (made by another V8 or flags, or for other code), in this process.
struct CodeCacheCounts {
  std::size_t accepted = 0;
  std::size_t rejected = 0;
};
CodeCacheCounts code_cache_counts();

}  // namespace runtime
