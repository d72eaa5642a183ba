#pragma once

// The artifact the artifact tests share: a small function with every kind of content the
// format holds (TypeScript, JSON, Wasm, a remote module, an npm package file, a static
// file, a redirect, a lock, a code cache with bytes of every value). The committed fixture
// tests/fixtures/artifact/hello-v2.sbfn is written from it.

#include "bundler/artifact/artifact.hpp"
#include "util/error.hpp"

#include <string>

namespace artifact_test {

inline const std::string k_fn = "file:///sbfn/src/supabase/functions/hello/";
inline const std::string k_fn_path = "/sbfn/src/supabase/functions/hello/";

// The util::Error message `run` throws, or "" when it returns.
template <typename Run>
std::string error_of(Run&& run) {
  try {
    run();
    return "";
  } catch (const util::Error& error) {
    return error.what();
  }
}

// A Wasm module exporting add(a, b): its bytes, NULs and all.
inline const std::string k_add_wasm(
    "\x00\x61\x73\x6d\x01\x00\x00\x00\x01\x07\x01\x60\x02\x7f\x7f\x01\x7f\x03\x02\x01\x00"
    "\x07\x07\x01\x03\x61\x64\x64\x00\x00\x0a\x09\x01\x07\x00\x20\x00\x20\x01\x6a\x0b",
    41);

inline std::string all_byte_values() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes += static_cast<char>(i);
  }
  return bytes;
}

inline bundler::Artifact sample_artifact() {
  using runtime::MediaType;
  bundler::Artifact artifact;
  auto& meta = artifact.metadata;
  meta.slug = "hello";
  meta.entrypoint = k_fn + "index.ts";
  meta.verify_jwt = false;
  meta.import_map = "{\"imports\":{\"greet\":\"../_shared/greet.ts\"}}";
  meta.static_files = {k_fn_path + "static/message.txt"};
  meta.lock.specifiers = {{"npm:tiny@1", "1.0.0"}};
  meta.lock.npm["tiny@1.0.0"].integrity = "sha512-AAAA";
  meta.lock.npm["tiny@1.0.0"].dependencies = {"dep@2.0.0"};
  meta.lock.jsr["@std/fmt@1.0.0"] = {"0123abcd", {"jsr:@std/path@1"}};
  meta.lock.redirects = {{"https://deno.land/x/hi/mod.js", "https://deno.land/x/hi@1.0.0/mod.js"}};
  meta.lock.remote = {{"https://deno.land/x/hi@1.0.0/mod.js", "ffee"}};
  meta.code_cache_key = "V8 10.2.154.26-node.37";

  auto& index = artifact.modules[k_fn + "index.ts"];
  index.media_type = MediaType::typescript;
  index.original_source =
      "import { greet } from \"greet\";\n"
      "import config from \"./config.json\" with { type: \"json\" };\n"
      "const who: string = config.name;\n"
      "Deno.serve(() => new Response(greet(who)));\n";
  index.code =
      "import { greet } from \"greet\";\n"
      "import config from \"./config.json\" assert { type: \"json\" };\n"
      "const who = config.name;\n"
      "Deno.serve(() => new Response(greet(who)));\n";
  index.source_map = "{\"version\":3,\"mappings\":\"AAAA\"}";
  index.dependencies = {{"greet", "file:///sbfn/src/supabase/functions/_shared/greet.ts"},
                        {"./config.json", k_fn + "config.json"}};
  index.code_cache = all_byte_values();

  auto& greet = artifact.modules["file:///sbfn/src/supabase/functions/_shared/greet.ts"];
  greet.media_type = MediaType::typescript;
  greet.original_source = "export const greet = (who: string) => `hello ${who}`;\n";
  greet.code = "export const greet = (who) => `hello ${who}`;\n";
  greet.dependencies = {{"https://deno.land/x/hi/mod.js", "https://deno.land/x/hi@1.0.0/mod.js"}};

  auto& config = artifact.modules[k_fn + "config.json"];
  config.media_type = MediaType::json;
  config.original_source = config.code = "{\"name\":\"artifact\"}\n";

  // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
  auto& wasm = artifact.modules[k_fn + "add.wasm"];
  wasm.media_type = MediaType::wasm;
  wasm.code = k_add_wasm;

  auto& remote = artifact.modules["https://deno.land/x/hi@1.0.0/mod.js"];
  remote.media_type = MediaType::javascript;
  remote.original_source = remote.code = "export const hi = 'hi';\n";

  artifact.redirects = {{"https://deno.land/x/hi/mod.js", "https://deno.land/x/hi@1.0.0/mod.js"}};
  artifact.files = {
      {k_fn_path + "static/message.txt", "a static file\n"},
      {"/sbfn/npm/registry.npmjs.org/tiny@1.0.0/package.json", "{\"name\":\"tiny\"}\n"},
      {"/sbfn/npm/registry.npmjs.org/tiny@1.0.0/bin.dat", all_byte_values()},
  };
  return artifact;
}

}  // namespace artifact_test
