#pragma once

#include "util/error.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace runtime {

// The kinds of module source the loader understands.
enum class MediaType { javascript, jsx, typescript, tsx, json, declaration };

// MediaType from a URL's path extension (.ts .mts .tsx .js .mjs .jsx .json .d.ts).
MediaType media_type_of(const std::string& url);

struct ModuleSource {
  std::string url;  // the final URL, after redirects
  std::string code;
  MediaType media_type = MediaType::javascript;
};

// Where module code comes from: local files today, registries and bundles later.
// `load` throws util::Error with a message naming the specifier when it cannot.
class ModuleSourceProvider {
 public:
  virtual ~ModuleSourceProvider() = default;
  virtual ModuleSource load(const std::string& url) = 0;
};

// A module the function may not read: outside every import root, or not a regular file.
// JavaScript sees it as Deno.errors.PermissionDenied. Its message names the path only.
class ModuleAccessDenied : public util::Error {
 public:
  using util::Error::Error;
};

// file: URLs from the local disk, confined to the folders in `roots` (after symlinks are
// resolved); every other scheme fails with a clear message. Only regular files are read (a
// device or FIFO never ends), and only when they hold at most `max_bytes()` bytes (the
// worker's remaining memory); without it, any size.
std::unique_ptr<ModuleSourceProvider> make_file_source_provider(
    std::vector<std::filesystem::path> roots, std::function<std::size_t()> max_bytes = {});

// "file:///a/b.ts" -> "/a/b.ts" (percent-decoded); throws util::Error for other schemes.
std::string file_url_to_path(const std::string& url);
std::string path_to_file_url(const std::string& absolute_path);

// Resolves `specifier` against `referrer` (an absolute URL) the way Deno does for
// relative and absolute specifiers; throws util::Error for bare specifiers.
std::string resolve_specifier(const std::string& specifier, const std::string& referrer);

}  // namespace runtime
