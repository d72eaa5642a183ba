// Wasm modules in the module loader, as Deno 2 imports them. V8 10.2 cannot import Wasm
// itself, so a Wasm module is compiled here (V8 validates it) and a generated ES module
// takes its place in the graph (wasm_module.hpp): it imports what the Wasm module imports,
// instantiates it through `import.meta.wasmInstantiate` and exports its exports. Being an
// ordinary module under the .wasm's URL, it resolves, links, cycles and fails as any other.
#include "runtime/modules/module_loader.hpp"
#include "runtime/modules/wasm_module.hpp"
#include "runtime/v8_util.hpp"
#include "util/error.hpp"

namespace runtime {
namespace {

// The message of a pending exception: "CompileError: WebAssembly.Module(): ..." is
// "WebAssembly.Module(): ...".
std::string exception_message(v8::Local<v8::Context> context, v8::Local<v8::Value> exception) {
  auto* isolate = context->GetIsolate();
  v8::Local<v8::Value> message;
  if (exception->IsObject() &&
      exception.As<v8::Object>()->Get(context, v8_str(isolate, "message")).ToLocal(&message)) {
    return to_utf8(isolate, message);
  }
  return to_utf8(isolate, exception);
}

}  // namespace

void ModuleLoader::capture_wasm(v8::Local<v8::Context> context) {
  v8::TryCatch ignore(m_isolate);
  v8::Local<v8::Value> wasm;
  v8::Local<v8::Value> instance;
  if (context->Global()->Get(context, v8_str(m_isolate, "WebAssembly")).ToLocal(&wasm) &&
      wasm->IsObject() &&
      wasm.As<v8::Object>()->Get(context, v8_str(m_isolate, "Instance")).ToLocal(&instance) &&
      instance->IsFunction()) {
    m_wasm_instance.Reset(m_isolate, instance.As<v8::Function>());
  }
}

v8::Local<v8::Module> ModuleLoader::compile_wasm(v8::Local<v8::Context> context,
                                                 const std::string& url, const ModuleSource& loaded,
                                                 Record& record) {
  // First the framing, as Deno reads it, so that a broken file fails in Deno's words.
  auto wasm = read_wasm_interface(loaded.code, url);
  v8::TryCatch try_catch(m_isolate);
  v8::Local<v8::WasmModuleObject> compiled;
  v8::MemorySpan<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(loaded.code.data()),
                                      loaded.code.size());
  if (!v8::WasmModuleObject::Compile(m_isolate, bytes).ToLocal(&compiled)) {
    if (try_catch.HasTerminated() || !try_catch.HasCaught()) {
      try_catch.ReThrow();
      throw PendingJsException{};
    }
    // Deno's words, then V8's reason (which function, which byte), which Deno leaves out,
    // without the name of the C++ call it came through.
    auto reason = exception_message(context, try_catch.Exception());
    constexpr std::string_view k_api = "WasmModuleObject::Compile(): ";
    if (reason.starts_with(k_api)) {
      reason.erase(0, k_api.size());
    }
    throw util::Error("Failed to compile Wasm module '" + url + "': " + reason);
  }
  record.wasm_module.Reset(m_isolate, compiled);
  v8::Local<v8::String> code;
  if (!new_string(m_isolate, wasm_module_wrapper(wasm)).ToLocal(&code)) {
    throw PendingJsException{};
  }
  v8::ScriptOrigin origin(m_isolate, v8_str(m_isolate, url), 0, 0, false, -1, {}, false, false,
                          true);
  v8::ScriptCompiler::Source source(code, origin);
  v8::Local<v8::Module> module;
  if (!v8::ScriptCompiler::CompileModule(m_isolate, &source).ToLocal(&module)) {
    // Only out of memory: the wrapper is ours, and its names are valid UTF-8 string literals.
    try_catch.ReThrow();
    throw PendingJsException{};
  }
  return module;
}

void ModuleLoader::init_wasm_import_meta(v8::Local<v8::Context> context,
                                         v8::Local<v8::Module> module, v8::Local<v8::Object> meta) {
  auto* record = record_of(module);
  if (record == nullptr || record->wasm_module.IsEmpty()) {
    return;
  }
  auto url = v8_str(m_isolate, record->url);
  v8::Local<v8::Function> instantiate;
  v8::Local<v8::Function> exports_of;
  if (v8::Function::New(context, wasm_instantiate, url).ToLocal(&instantiate) &&
      v8::Function::New(context, wasm_exports_of, url).ToLocal(&exports_of)) {
    std::ignore =
        meta->CreateDataProperty(context, v8_str(m_isolate, "wasmInstantiate"), instantiate);
    std::ignore = meta->CreateDataProperty(context, v8_str(m_isolate, "wasmExportsOf"), exports_of);
  }
}

// import.meta.wasmInstantiate(imports): a new WebAssembly.Instance of the module's compiled
// bytes with `imports` (a LinkError as WebAssembly.Instance throws it), and its exports.
void ModuleLoader::wasm_instantiate(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto& loader = loader_of(isolate);
  auto it = loader.m_by_url.find(to_utf8(isolate, info.Data()));
  if (it == loader.m_by_url.end() || it->second.wasm_module.IsEmpty()) {
    return;
  }
  if (loader.m_wasm_instance.IsEmpty()) {
    throw_type_error(isolate, "WebAssembly is not available in this worker");
    return;
  }
  auto& record = it->second;
  v8::Local<v8::Value> args[] = {record.wasm_module.Get(isolate), info[0]};
  v8::Local<v8::Object> instance;
  v8::Local<v8::Value> exports;
  if (!loader.m_wasm_instance.Get(isolate)->NewInstance(context, 2, args).ToLocal(&instance) ||
      !instance->Get(context, v8_str(isolate, "exports")).ToLocal(&exports)) {
    return;
  }
  if (exports->IsObject()) {
    record.wasm_exports.Reset(isolate, exports.As<v8::Object>());
  }
  info.GetReturnValue().Set(exports);
}

// import.meta.wasmExportsOf(specifier): the instance exports of the Wasm module `specifier`
// resolved to, or undefined (not a Wasm module, or not instantiated yet: a cycle).
void ModuleLoader::wasm_exports_of(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto& loader = loader_of(isolate);
  auto it = loader.m_by_url.find(to_utf8(isolate, info.Data()));
  if (it == loader.m_by_url.end()) {
    return;
  }
  auto target = it->second.resolved.find(to_utf8(isolate, info[0]));
  if (target == it->second.resolved.end()) {
    return;
  }
  auto dependency = loader.m_by_url.find(target->second);
  if (dependency != loader.m_by_url.end() && !dependency->second.wasm_exports.IsEmpty()) {
    info.GetReturnValue().Set(dependency->second.wasm_exports.Get(isolate));
  }
}

}  // namespace runtime
