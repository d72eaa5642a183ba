#pragma once

#include "runtime/modules/module_source.hpp"
#include "runtime/modules/source_map.hpp"

#include <v8.h>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace runtime {

// Module loading for one isolate: resolves specifiers through a ModuleResolver, fetches
// sources through a ModuleSourceProvider, transpiles, compiles, and keeps every module by
// URL. Loading a graph is synchronous; V8 then instantiates it through resolve_callback().
// ES modules are compiled here (module_loader.cpp); CommonJS modules and node: built-ins
// (commonjs.cpp) reach importers as synthetic modules whose exports come from the
// JavaScript half (js/node/): `require` itself, its cache and the built-ins live there.
class ModuleLoader {
 public:
  // `max_bytes()`: the largest source the worker's memory budget still allows.
  ModuleLoader(v8::Isolate* isolate, ModuleResolver& resolver, ModuleSourceProvider& provider,
               std::function<std::size_t()> max_bytes);

  // Loads `url` and everything it imports statically, then instantiates it. Returns an
  // empty handle with a pending exception (a JS Error naming the problem) on failure.
  v8::MaybeLocal<v8::Module> load(v8::Local<v8::Context> context, const std::string& url);

  // Resolves `specifier` as imported (or required) by the module at `referrer`; throws
  // util::Error.
  std::string resolve(const std::string& specifier, const std::string& referrer,
                      ResolutionKind kind = ResolutionKind::import) const;

  // With a debugger (`--inspect`): each transpiled module's script carries its source map
  // (a data: URL with the original text in sourcesContent) as its sourceMapURL, so DevTools
  // and VS Code show the .ts file and map its breakpoints. Off by default: the map costs
  // a base64 copy of the source per module.
  void set_debugger_source_maps(bool on) { m_debugger_source_maps = on; }

  // --- CommonJS and node: built-ins (commonjs.cpp) ---

  // The JavaScript half, from the snapshot's hooks: `builtin(name)` gives a node: built-in's
  // exports object (undefined for a name it does not provide); `require_url(url)` gives
  // `module.exports` of the CommonJS module at `url`, running it on first use.
  void set_node_hooks(v8::Local<v8::Function> builtin, v8::Local<v8::Function> require_url);

  // What `require` needs to run the module at `url`: {format: "commonjs", fn} (the module
  // wrapper, a function of exports, require, module, __filename, __dirname compiled with the
  // module's URL as its script name), {format: "json", text} or {format: "esm"}. Empty
  // with a pending exception (code "MODULE_NOT_FOUND" when the provider has no such module).
  v8::MaybeLocal<v8::Object> load_for_require(v8::Local<v8::Context> context,
                                              const std::string& url);

  // `require()` of an ES module, as Node 22 and Deno 2 do it: loads and evaluates the graph
  // synchronously and returns its namespace (its "module.exports" export when it has one;
  // with a default export, a copy that also says `__esModule: true`). A graph with
  // top-level await throws ERR_REQUIRE_ASYNC_MODULE.
  v8::MaybeLocal<v8::Value> require_esm(v8::Local<v8::Context> context, const std::string& url,
                                        const std::string& parent_path);

  // --- Wasm modules (wasm_modules.cpp) ---

  // Keeps `WebAssembly.Instance` as the context has it before any function code runs, so
  // that a function replacing the global cannot change how its Wasm imports instantiate.
  void capture_wasm(v8::Local<v8::Context> context);

  // Gives the generated module of a Wasm module (wasm_module.hpp) what it needs on its
  // `import.meta`: `wasmInstantiate(imports)` and `wasmExportsOf(specifier)`. Nothing for
  // any other module.
  void init_wasm_import_meta(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                             v8::Local<v8::Object> meta);

  // The URL a compiled module was loaded from ("" when unknown).
  std::string url_of(v8::Local<v8::Module> module) const;

  // Maps a generated position of a transpiled module back to its source.
  std::optional<SourceMap::Position> original_position(const std::string& url, int line,
                                                       int column) const;

  // Line `line` (1-based) of the source of a module this loader loaded, as its provider
  // serves it (before transpiling): what error reports quote. nullopt for other URLs.
  std::optional<std::string> source_line(const std::string& url, int line) const;

  static v8::MaybeLocal<v8::Module> resolve_callback(v8::Local<v8::Context> context,
                                                     v8::Local<v8::String> specifier,
                                                     v8::Local<v8::FixedArray> assertions,
                                                     v8::Local<v8::Module> referrer);

 private:
  // Unwinds the C++ stack while a JavaScript exception is pending.
  struct PendingJsException {};
  // A module whose source does not parse; `load` throws it as a SyntaxError.
  struct ParseError {
    std::string message;
  };
  struct Record {
    std::string url;
    v8::Global<v8::Module> module;
    std::string json;  // the text of a JSON module, parsed when it is evaluated
    std::unordered_map<std::string, std::string> resolved;  // specifier -> URL
    // A CommonJS module or node: built-in: its export names besides "default".
    std::vector<std::string> names;
    bool builtin = false;
    // A Wasm module: the compiled WebAssembly.Module, and its instance's exports once the
    // module has been evaluated.
    v8::Global<v8::Object> wasm_module;
    v8::Global<v8::Object> wasm_exports;
  };
  // A CommonJS source loaded (and transpiled) for an importer, kept for `require` to run.
  struct CommonJsSource {
    std::string code;
    std::string code_cache;
    MediaType media_type = MediaType::commonjs;  // as the provider said (`.js` may be ESM)
  };

  // Compiles `url` and, depth first, its static imports; throws util::Error.
  v8::Local<v8::Module> compile_graph(v8::Local<v8::Context> context, const std::string& url);
  v8::Local<v8::Module> compile_one(v8::Local<v8::Context> context, const std::string& url);
  std::string describe_syntax_error(v8::Local<v8::Context> context, const std::string& url,
                                    const v8::TryCatch& try_catch) const;
  Record* record_of(v8::Local<v8::Module> module);
  static v8::MaybeLocal<v8::Value> evaluate_json(v8::Local<v8::Context> context,
                                                 v8::Local<v8::Module> module);

  // commonjs.cpp
  v8::Local<v8::Module> compile_builtin(v8::Local<v8::Context> context, const std::string& url,
                                        Record& record);
  v8::Local<v8::Module> compile_commonjs(v8::Local<v8::Context> context, const std::string& url,
                                         ModuleSource loaded, Record& record);
  // A built-in's exports object; throws util::Error naming it when there is none.
  v8::Local<v8::Object> builtin_exports(v8::Local<v8::Context> context, const std::string& name);
  // Names a CommonJS module exports, found statically (runtime::cjs_exports), following
  // `module.exports = require(...)` re-exports through the resolver as Node does.
  void collect_commonjs_names(v8::Local<v8::Context> context, const std::string& url,
                              const std::string& code, std::vector<std::string>& names,
                              std::vector<std::string>& visited);
  // The source of a CommonJS module, transpiled when it is TypeScript (its source map kept).
  std::string commonjs_code(const std::string& url, const ModuleSource& loaded);
  static v8::MaybeLocal<v8::Value> evaluate_synthetic(v8::Local<v8::Context> context,
                                                      v8::Local<v8::Module> module);

  // wasm_modules.cpp: the module that stands in for the Wasm module `loaded`; throws
  // util::Error in Deno's words when the bytes do not parse or compile.
  v8::Local<v8::Module> compile_wasm(v8::Local<v8::Context> context, const std::string& url,
                                     const ModuleSource& loaded, Record& record);
  static void wasm_instantiate(const v8::FunctionCallbackInfo<v8::Value>& info);
  static void wasm_exports_of(const v8::FunctionCallbackInfo<v8::Value>& info);

  v8::Isolate* m_isolate;
  ModuleResolver& m_resolver;
  ModuleSourceProvider& m_provider;
  std::function<std::size_t()> m_max_bytes;
  std::unordered_map<std::string, Record> m_by_url;
  std::unordered_multimap<int, std::string> m_by_hash;  // identity hash -> URL
  std::unordered_map<std::string, SourceMap> m_source_maps;
  bool m_debugger_source_maps = false;
  std::unordered_map<std::string, CommonJsSource> m_commonjs_sources;  // url -> for require
  v8::Global<v8::Function> m_builtin_hook;
  v8::Global<v8::Function> m_require_hook;
  v8::Global<v8::Function> m_wasm_instance;  // WebAssembly.Instance, as the context began
};

// The loader serving `isolate`, found through the isolate's embedder data.
ModuleLoader& loader_of(v8::Isolate* isolate);

}  // namespace runtime
