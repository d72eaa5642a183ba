#pragma once

// The module seam: where a worker's modules and files come from. The runtime owns these
// interfaces; the disk (below), the bundler's registries and its artifacts implement
// them, so a function need not live in a folder on disk.

#include "util/error.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace runtime {

// The kinds of module source the loader understands. `javascript` and `typescript` are ES
// modules when imported; `commonjs` (a `.cjs` file, or a `.js` file a provider knows to be
// CommonJS, e.g. from its package.json "type") and `commonjs_typescript` (`.cts`) run through
// the runtime's `require` and reach importers as a module whose default export is
// `module.exports`. `require()` of a `javascript`/`typescript` source loads it as CommonJS
// unless it uses ES module syntax (Node's detection), of `.mjs`/`.mts` always as ESM.
// `wasm` (`.wasm`, application/wasm): a WebAssembly module's bytes, which importers see as
// an ES module whose exports are the instance's (as in Deno 2; wasm_module.hpp).
enum class MediaType {
  javascript,
  jsx,
  typescript,
  tsx,
  json,
  declaration,
  commonjs,
  commonjs_typescript,
  wasm,
};

// MediaType from a URL's path extension, as Deno maps them: .ts .mts -> typescript,
// .cts -> commonjs_typescript, .tsx, .js .mjs -> javascript, .cjs -> commonjs, .jsx,
// .json, .d.ts .d.mts .d.cts -> declaration, .wasm.
MediaType media_type_of(const std::string& url);

// Whether a module is being resolved for an `import` (static, dynamic, import.meta.resolve)
// or for CommonJS `require()`/`require.resolve()`: Node resolution differs (package.json
// "exports" conditions `import` vs `require`, extension and index probing for require).
enum class ResolutionKind { import, require };

struct ModuleSource {
  std::string url;   // the module's identity: its final URL, after redirects
  std::string code;  // the source text; a Wasm module's bytes
  MediaType media_type = MediaType::javascript;
  // A V8 code cache made for exactly this code as compiled (after transpiling). V8 rejects
  // one from another V8 version or flag set, but checks only the length of the source:
  // a provider must never pair a cache with other code. Empty: none.
  std::string code_cache;
};

// Specifier + referrer URL -> the URL that identifies the module. Throws util::Error with
// a message for the user when the specifier cannot be resolved (for `require`, JavaScript
// sees it as Node's MODULE_NOT_FOUND error). A Node built-in resolves to "node:<name>"
// (the runtime serves those; see is_node_builtin); `require` of a bare built-in name never
// reaches the resolver, as in Node, where built-ins win over node_modules.
class ModuleResolver {
 public:
  virtual ~ModuleResolver() = default;
  virtual std::string resolve(const std::string& specifier, const std::string& referrer,
                              ResolutionKind kind) = 0;
};

// Why Deno.readFile failed. `code` names the Deno.errors class JavaScript throws
// ("NotFound", "PermissionDenied", "InvalidData").
class FileReadError : public util::Error {
 public:
  FileReadError(std::string code, const std::string& message)
      : util::Error(message), m_code(std::move(code)) {}
  const std::string& code() const { return m_code; }

 private:
  std::string m_code;
};

// Module sources, and the files Deno.readFile may read, of one function.
class ModuleSourceProvider {
 public:
  virtual ~ModuleSourceProvider() = default;
  // Throws util::Error with a message naming the URL when it cannot; ModuleAccessDenied
  // when the function may not read it. A source larger than `max_bytes` is refused.
  virtual ModuleSource load(const std::string& url, std::size_t max_bytes) = 0;
  // A file's bytes: `path` is absolute or relative to the function's folder. Once the
  // size is known, `buffer_for(size)` gives where to put them; when it returns nullptr
  // (too large: it has said why) so does this. Throws FileReadError.
  using BufferFor = std::function<char*(std::size_t size)>;
  virtual std::optional<std::size_t> read_file(const std::string& path,
                                               const BufferFor& buffer_for) = 0;
};

// No module at a resolved URL (a file that does not exist, a registry's 404). `require`
// turns it into Node's MODULE_NOT_FOUND error; imports report its message.
class ModuleNotFound : public util::Error {
 public:
  using util::Error::Error;
};

// A module the function may not read: outside every import root, or not a regular file.
// JavaScript sees it as Deno.errors.PermissionDenied. Its message names the path only.
class ModuleAccessDenied : public util::Error {
 public:
  using util::Error::Error;
};

// Relative and absolute specifiers resolved the way Deno does (resolve_specifier); a bare
// Node built-in name ("events", "fs/promises") resolves to "node:<name>", as in Deno 2.9.
// Both kinds resolve alike: no extension or index probing (the bundler's resolver does
// Node resolution).
std::shared_ptr<ModuleResolver> make_url_resolver();

// Whether `name` ("events", "fs/promises"; no "node:" prefix) is one of Node's built-in
// modules (Node's `module.builtinModules`). True also for built-ins this runtime does not
// provide: importing those fails with an error naming them, never falls through to npm.
bool is_node_builtin(std::string_view name);
// Every name is_node_builtin accepts, sorted (Node's `module.builtinModules`).
std::span<const std::string_view> node_builtin_names();

// file: URLs from the local disk, confined to the folders in `import_roots` (after
// symlinks are resolved); every other scheme fails with a clear message. Deno.readFile
// reads below `read_root` only. Only regular files are read (a device or FIFO never ends).
std::shared_ptr<ModuleSourceProvider> make_file_source_provider(
    std::vector<std::filesystem::path> import_roots, std::filesystem::path read_root);

// Modules and files held in memory, keyed by absolute file: URL ("file:///fn/index.ts");
// relative Deno.readFile paths resolve against `root`. For inline code and tests.
std::shared_ptr<ModuleSourceProvider> make_memory_source_provider(
    std::map<std::string, std::string> files, std::filesystem::path root);

// "file:///a/b.ts" -> "/a/b.ts" (percent-decoded); throws util::Error for other schemes.
std::string file_url_to_path(const std::string& url);
std::string path_to_file_url(const std::string& absolute_path);

// Resolves `specifier` against `referrer` (an absolute URL) the way Deno does for
// relative and absolute specifiers; throws util::Error for bare specifiers.
std::string resolve_specifier(const std::string& specifier, const std::string& referrer);

}  // namespace runtime
