// Fuzzes bundler::ImportMap: an import map file (--import-map, deno.json's importMap) or
// deno.json's own imports/scopes, parsed and then asked to resolve. The input's first line
// is a specifier to resolve; the rest is the map's JSON text. The specifier is resolved
// from a few referrers (the map's folder, a scope-like folder, a remote module), with the
// map read both as a file and as deno.json's imports (the key/ extension).
// URL parsing is ada's, inside V8's libnode.so.108 (bundler/remote/url.cpp): this target
// links it from .deps/libnode, uninstrumented.
#include "bundler/config/import_map.hpp"

#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

const std::string k_base = "file:///p/import_map.json";

void resolve_all(const bundler::ImportMap& map, const std::string& specifier) {
  for (const char* referrer :
       {"file:///p/main.ts", "file:///p/vendor/mod.ts", "https://deno.land/x/mod.ts"}) {
    try {
      map.resolve(specifier, referrer);
    } catch (const util::Error&) {
      // Blocked by a null entry, or a prefix match climbing above its target.
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto newline = text.find('\n');
  const std::string specifier(text.substr(0, newline));
  text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  try {
    resolve_all(bundler::ImportMap::parse(text, k_base), specifier);
  } catch (const util::Error&) {
    return 0;  // not JSON, not an object, or imports/scopes not objects: refused by contract
  }
  auto value = nlohmann::json::parse(text, nullptr, false);
  try {
    resolve_all(
        bundler::ImportMap::from_json(bundler::ImportMap::expand_deno_json_imports(value), k_base),
        specifier);
  } catch (const util::Error&) {
  }
  return 0;
}
