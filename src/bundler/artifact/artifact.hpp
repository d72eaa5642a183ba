#pragma once

// The `.sbfn` artifact: one function and everything it imports, in one file that `sbfn
// serve --bundle` boots with no network and no source tree. The byte format is specified
// in docs/artifact.md; this header is the folder's table of contents.
//
//   Artifact                    the artifact in memory (below)
//   write_artifact              Artifact -> bytes, deterministic        (write.cpp)
//   read_artifact               bytes -> Artifact, or a util::Error      (read.cpp)
//   list_artifact               what `sbfn bundle --list FILE` prints    (list.cpp)
//   extract_artifact            what `sbfn bundle --extract FILE -o DIR` does (extract.cpp)
//   make_artifact_source_provider, make_artifact_resolver
//                               the runtime's module seam served from an artifact
//                               (source_provider.cpp, resolver.cpp)
//
// Every module URL and file path inside is already rebased onto the virtual root
// `file:///sbfn/` by whoever builds the Artifact, so no path of the building machine ends
// up in the file: local modules are `file:///sbfn/src/<path from the project root>`, npm
// packages `file:///sbfn/npm/<name>@<version>/...`, remote modules keep
// their `https:` (or `http:`) URL.

#include "bundler/lock.hpp"
#include "runtime/modules/module_source.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bundler {

// The format this sbfn writes and the only one it reads. Bump it whenever the bytes
// change in any way, and regenerate tests/fixtures/artifact/ (docs/artifact.md).
inline constexpr std::uint32_t k_artifact_format = 2;

// The virtual root every local module URL and file path lives below.
inline constexpr std::string_view k_artifact_root_url = "file:///sbfn/";
inline constexpr std::string_view k_artifact_root_path = "/sbfn/";

struct ArtifactModule {
  // The module's own kind, as its URL or Content-Type said (typescript for a .ts file):
  // what `code` was transpiled from.
  runtime::MediaType media_type = runtime::MediaType::javascript;
  // JavaScript V8 runs as it is (transpiled, import attributes rewritten); for a JSON
  // module the JSON text; for a Wasm module its bytes; empty for a declaration (types-only)
  // module.
  std::string code;
  std::string source_map;  // JSON; empty when `code` is the original source
  // What the author wrote; `extract` writes it back out (`code` when this is empty: a Wasm
  // module's bytes are stored once).
  std::string original_source;
  // How each specifier this module imports resolved when the artifact was built:
  // "./util.ts" -> "file:///sbfn/src/fn/util.ts", "zod" -> "file:///sbfn/npm/...".
  std::map<std::string, std::string> dependencies;
  // A V8 code cache made for exactly `code` by the V8 named in
  // ArtifactMetadata::code_cache_key. Empty: none.
  std::string code_cache;

  bool operator==(const ArtifactModule&) const = default;
};

struct ArtifactMetadata {
  std::string slug;        // the function's name: "hello"
  std::string entrypoint;  // the main module's URL, a key of Artifact::modules
  bool verify_jwt = true;
  std::string import_map;  // the import map's JSON text as used; empty: none
  // The paths (keys of Artifact::files) matched by `[functions.<slug>] static_files`.
  std::set<std::string> static_files;
  Lock lock;  // the resolved deno.lock, so the function resolves exactly as it was built
  // The V8 the code caches were made for (current_code_cache_key() of the building
  // sbfn). Empty: no module carries a code cache.
  std::string code_cache_key;

  bool operator==(const ArtifactMetadata&) const = default;
};

struct Artifact {
  std::uint32_t format = k_artifact_format;
  ArtifactMetadata metadata;
  std::map<std::string, ArtifactModule> modules;  // module URL -> module
  std::map<std::string, std::string> redirects;   // URL -> the URL it redirected to
  // npm package files and static files: absolute path below /sbfn/ -> bytes
  // ("/sbfn/src/supabase/functions/hello/data.txt", "/sbfn/npm/zod@3.23.8/...").
  std::map<std::string, std::string> files;

  bool operator==(const Artifact&) const = default;
};

// --- Reading and writing (docs/artifact.md) ---

// The artifact's bytes: identical for identical artifacts (sorted keys, no timestamps),
// ending in a sha256 of everything before it. Throws util::Error for an artifact that
// breaks the rules above (a local URL or path outside the virtual root, an entrypoint or
// static file that is not in it, a blob of 4 GiB or more).
std::string write_artifact(const Artifact& artifact);

// Parses and checks an artifact. Throws util::Error with a message that starts with
// `file_name` and says what is wrong (not an artifact, another format version, truncated,
// checksum mismatch, a length running past its section); never reads out of bounds.
Artifact read_artifact(std::string_view bytes, const std::string& file_name);

// Which V8 this process is, as a code cache key: "V8 10.2.154.26-node.37". Code caches are
// served only to the V8 they were made for. The flags runtime::init sets are not in it
// yet (the runtime does not expose them); V8 checks them inside each cache and compiles
// from source when they differ, so a mismatch costs time, never behaviour.
std::string current_code_cache_key();

// --- For `sbfn bundle --list` and `--extract` ---

// Metadata, then the module table (URL, media type, sizes, code cache yes/no), redirects
// and files: plain aligned text, identical for identical artifacts.
std::string list_artifact(const Artifact& artifact);

// Writes every module's original source and every file under `dir`, the way `edge-runtime
// unbundle` does: `file:///sbfn/src/<p>` -> dir/<p>, other `file:///sbfn/<p>` (npm
// packages) -> dir/<p>, `https://host/p` -> dir/remote/https/host/p. Refuses (util::Error,
// before writing anything) a path that would land outside `dir`, and two entries that
// would write different bytes to one path. Returns the files written, relative to `dir`,
// sorted.
std::vector<std::filesystem::path> extract_artifact(const Artifact& artifact,
                                                    const std::filesystem::path& dir);

// --- Serving from an artifact (the runtime's module seam) ---

// Modules from the module table (the transpiled code, with its code cache when it was
// made for this process's V8; runtime::ModuleNotFound for a URL it does not hold);
// Deno.readFile over Artifact::files, relative paths against the entrypoint's folder:
// files below that folder and static files anywhere, as `serve` allows from sources
// ("PermissionDenied" for the rest, "NotFound" for a path the artifact does not hold).
// Pass the static files as WorkerOptions::extra_files too.
std::shared_ptr<runtime::ModuleSourceProvider> make_artifact_source_provider(
    std::shared_ptr<const Artifact> artifact);

// Resolution as recorded when the artifact was built: the referrer's dependency table
// first, then redirects, then `fallback` (when given) or plain relative/absolute URL
// resolution; the result follows the artifact's redirects. A bare specifier nothing
// knows fails with a message naming it, the importing module and what to do.
std::shared_ptr<runtime::ModuleResolver> make_artifact_resolver(
    std::shared_ptr<const Artifact> artifact,
    std::shared_ptr<runtime::ModuleResolver> fallback = nullptr);

}  // namespace bundler
