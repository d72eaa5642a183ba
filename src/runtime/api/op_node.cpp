// Ops behind the node: layer (js/node/): CommonJS `require` through the worker's module
// seam (module_loader.hpp, commonjs.cpp), Node's built-in names, and the V8 type checks of
// util.types that JavaScript cannot make itself (Proxy, arguments objects, boxed primitives).
#include "runtime/api/embedded_layer.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/assets.hpp"
#include "runtime/modules/module_loader.hpp"
#include "runtime/modules/module_source.hpp"
#include "runtime/static_string.hpp"
#include "runtime/v8_util.hpp"

#include <unistd.h>

#include <array>
#include <climits>
#include <mutex>
#include <string>

namespace runtime::api {
namespace {

// cjs_resolve(specifier, referrerUrl) -> URL, resolved with ResolutionKind::require;
// throws an Error whose message is the resolver's.
void cjs_resolve(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  try {
    auto url = loader_of(isolate).resolve(to_utf8(isolate, info[0]), to_utf8(isolate, info[1]),
                                          ResolutionKind::require);
    info.GetReturnValue().Set(v8_str(isolate, url));
  } catch (const std::exception& error) {
    throw_error(isolate, error.what());
  }
}

// cjs_load(url) -> {format, fn | text}: see ModuleLoader::load_for_require.
void cjs_load(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  v8::Local<v8::Object> loaded;
  if (loader_of(isolate)
          .load_for_require(isolate->GetCurrentContext(), to_utf8(isolate, info[0]))
          .ToLocal(&loaded)) {
    info.GetReturnValue().Set(loaded);
  }
}

// cjs_require_esm(url, parentFilename) -> namespace: require() of an ES module.
void cjs_require_esm(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  v8::Local<v8::Value> ns;
  if (loader_of(isolate)
          .require_esm(isolate->GetCurrentContext(), to_utf8(isolate, info[0]),
                       to_utf8(isolate, info[1]))
          .ToLocal(&ns)) {
    info.GetReturnValue().Set(ns);
  }
}

// node_is_builtin(name) -> whether `name` (no "node:") is one of Node's built-in modules.
void node_is_builtin(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  bool builtin = info[0]->IsString() && is_node_builtin(to_utf8(isolate, info[0]));
  info.GetReturnValue().Set(builtin);
}

// node_builtins() -> Node's module.builtinModules.
void node_builtins(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto names = node_builtin_names();
  std::vector<v8::Local<v8::Value>> values;
  for (auto name : names) {
    values.push_back(v8_str(isolate, name));
  }
  info.GetReturnValue().Set(v8::Array::New(isolate, values.data(), values.size()));
}

// The checks util.types makes natively, in the bit order node_type_names() lists them.
using Check = bool (v8::Value::*)() const;
constexpr std::array<std::pair<const char*, Check>, 14> k_type_checks = {{
    {"isArgumentsObject", &v8::Value::IsArgumentsObject},
    {"isAsyncFunction", &v8::Value::IsAsyncFunction},
    {"isBigIntObject", &v8::Value::IsBigIntObject},
    {"isBooleanObject", &v8::Value::IsBooleanObject},
    {"isExternal", &v8::Value::IsExternal},
    {"isGeneratorFunction", &v8::Value::IsGeneratorFunction},
    {"isGeneratorObject", &v8::Value::IsGeneratorObject},
    {"isMapIterator", &v8::Value::IsMapIterator},
    {"isModuleNamespaceObject", &v8::Value::IsModuleNamespaceObject},
    {"isNumberObject", &v8::Value::IsNumberObject},
    {"isProxy", &v8::Value::IsProxy},
    {"isSetIterator", &v8::Value::IsSetIterator},
    {"isStringObject", &v8::Value::IsStringObject},
    {"isSymbolObject", &v8::Value::IsSymbolObject},
}};

// node_type_names() -> the names of the bits node_types() sets.
void node_type_names(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  std::vector<v8::Local<v8::Value>> values;
  for (const auto& [name, check] : k_type_checks) {
    values.push_back(v8_str(isolate, name));
  }
  info.GetReturnValue().Set(v8::Array::New(isolate, values.data(), values.size()));
}

// node_types(value) -> a bit per check of k_type_checks that `value` passes.
void node_types(const v8::FunctionCallbackInfo<v8::Value>& info) {
  uint32_t bits = 0;
  v8::Value* value = *info[0];
  for (std::size_t i = 0; i < k_type_checks.size(); ++i) {
    if ((value->*(k_type_checks[i].second))()) {
      bits |= 1u << i;
    }
  }
  info.GetReturnValue().Set(bits);
}

// node_layer() -> the node: layer's exports ({init}): its bundle (js/node/index.js, embedded
// in the binary) compiled as a function body and called. Kept out of the worker snapshot so
// that only the workers that use it pay for it. The first worker of the process leaves a
// code cache the others compile from.
void node_layer(const v8::FunctionCallbackInfo<v8::Value>& info) {
  static LayerCodeCache cache;
  return_embedded_layer(info, assets().node_js, "sbfn:node", cache);
}

// node_pid() / node_ppid(): process.pid and process.ppid (the sbfn process's, as Deno's
// process.pid is the deno process's).
void node_pid(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(static_cast<int32_t>(::getpid()));
}
void node_ppid(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(static_cast<int32_t>(::getppid()));
}

}  // namespace

std::vector<Op> node_ops() {
  return {{"cjs_resolve", cjs_resolve},
          {"cjs_load", cjs_load},
          {"cjs_require_esm", cjs_require_esm},
          {"node_is_builtin", node_is_builtin},
          {"node_builtins", node_builtins},
          {"node_type_names", node_type_names},
          {"node_types", node_types},
          {"node_pid", node_pid},
          {"node_ppid", node_ppid},
          {"node_layer", node_layer}};
}

}  // namespace runtime::api
