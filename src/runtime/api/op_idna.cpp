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
  static LayerCodeCache cache;
  return_embedded_layer(info, assets().idna_js, "sbfn:idna", cache);
}

}  // namespace

std::vector<Op> idna_ops() {
  return {{"idna_layer", idna_layer}};
}

}  // namespace runtime::api
