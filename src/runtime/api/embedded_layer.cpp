#include "runtime/api/embedded_layer.hpp"

#include "runtime/static_string.hpp"
#include "runtime/v8_util.hpp"

#include <climits>
#include <memory>

namespace runtime::api {
namespace {

v8::MaybeLocal<v8::Value> run_embedded_layer(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                             std::string_view text, const char* script_name,
                                             LayerCodeCache& cache) {
  std::string bytes;
  {
    std::lock_guard lock(cache.mutex);
    bytes = cache.bytes;
  }
  auto* cached = bytes.empty() || bytes.size() > INT_MAX
                     ? nullptr
                     : new v8::ScriptCompiler::CachedData(
                           reinterpret_cast<const uint8_t*>(bytes.data()),
                           static_cast<int>(bytes.size()));  // Source owns it, not the bytes
  v8::ScriptOrigin origin(isolate, v8_str(isolate, script_name));
  v8::ScriptCompiler::Source source(new_static_string(isolate, text), origin, cached);
  v8::Local<v8::Function> fn;
  v8::Local<v8::Value> result;
  if (!v8::ScriptCompiler::CompileFunction(
           context, &source, 0, nullptr, 0, nullptr,
           cached ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions)
           .ToLocal(&fn) ||
      !fn->Call(context, context->Global(), 0, nullptr).ToLocal(&result)) {
    return {};
  }
  if (cached == nullptr || cached->rejected) {
    std::unique_ptr<v8::ScriptCompiler::CachedData> made(
        v8::ScriptCompiler::CreateCodeCacheForFunction(fn));
    if (made) {
      std::lock_guard lock(cache.mutex);
      cache.bytes.assign(reinterpret_cast<const char*>(made->data), made->length);
    }
  }
  return result;
}

}  // namespace

void return_embedded_layer(const v8::FunctionCallbackInfo<v8::Value>& info, std::string_view text,
                           const char* script_name, LayerCodeCache& cache) {
  auto* isolate = info.GetIsolate();
  v8::Local<v8::Value> layer;
  if (run_embedded_layer(isolate, isolate->GetCurrentContext(), text, script_name, cache)
          .ToLocal(&layer)) {
    info.GetReturnValue().Set(layer);
  }
}

}  // namespace runtime::api
