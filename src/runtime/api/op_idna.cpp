// The IDNA layer's op: tr46 for URL hosts that are not plain ASCII.
#include "runtime/api/embedded_layer.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/assets.hpp"

namespace runtime::api {
namespace {

// idna_layer() -> tr46's {toASCII, toUnicode}: js/idna/, a bundle embedded in the binary and
// kept out of the snapshot (js/web/shims/tr46.js asks for it on a worker's first host that
// is not plain ASCII).
void idna_layer(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  static LayerCodeCache cache;
  v8::Local<v8::Value> layer;
  if (run_embedded_layer(isolate, isolate->GetCurrentContext(), assets().idna_js, "sbfn:idna",
                         cache)
          .ToLocal(&layer)) {
    info.GetReturnValue().Set(layer);
  }
}

}  // namespace

std::vector<Op> idna_ops() {
  return {{"idna_layer", idna_layer}};
}

}  // namespace runtime::api
