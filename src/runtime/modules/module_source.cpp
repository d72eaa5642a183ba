#include "runtime/modules/module_source.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

namespace runtime {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string path_part(const std::string& url) {
  auto end = url.find_first_of("?#");
  return url.substr(0, end);
}

// Splits a hierarchical URL into "scheme://authority" and the path (query dropped).
std::pair<std::string, std::string> split_origin(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return {"", path_part(url)};
  }
  auto path_start = url.find('/', scheme_end + 3);
  if (path_start == std::string::npos) {
    return {url, "/"};
  }
  return {url.substr(0, path_start), path_part(url.substr(path_start))};
}

// Removes "." and ".." segments as URL parsing does.
std::string normalise_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    auto next = path.find('/', i);
    if (next == std::string::npos) {
      next = path.size();
    }
    auto segment = path.substr(i, next - i);
    if (segment == "..") {
      if (!parts.empty()) {
        parts.pop_back();
      }
    } else if (segment != "." && !(segment.empty() && next != path.size())) {
      parts.push_back(segment);
    }
    i = next + 1;
  }
  std::string out;
  for (const auto& part : parts) {
    out += "/" + part;
  }
  return out.empty() ? "/" : out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

MediaType media_type_of(const std::string& url) {
  auto path = path_part(url);
  if (ends_with(path, ".d.ts") || ends_with(path, ".d.mts") || ends_with(path, ".d.cts")) {
    return MediaType::declaration;
  }
  if (ends_with(path, ".cts")) {
    return MediaType::commonjs_typescript;
  }
  if (ends_with(path, ".ts") || ends_with(path, ".mts")) {
    return MediaType::typescript;
  }
  if (ends_with(path, ".cjs")) {
    return MediaType::commonjs;
  }
  if (ends_with(path, ".tsx")) {
    return MediaType::tsx;
  }
  if (ends_with(path, ".jsx")) {
    return MediaType::jsx;
  }
  if (ends_with(path, ".json")) {
    return MediaType::json;
  }
  if (ends_with(path, ".wasm")) {
    return MediaType::wasm;
  }
  return MediaType::javascript;
}

std::string file_url_to_path(const std::string& url) {
  if (!starts_with(url, "file://")) {
    throw util::Error("not a file URL: " + url);
  }
  auto encoded = path_part(url.substr(7));
  std::string path;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size() + 0 && hex_value(encoded[i + 1]) >= 0 &&
        hex_value(encoded[i + 2]) >= 0) {
      path += static_cast<char>(hex_value(encoded[i + 1]) * 16 + hex_value(encoded[i + 2]));
      i += 2;
    } else {
      path += encoded[i];
    }
  }
  return path;
}

std::string path_to_file_url(const std::string& absolute_path) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string url = "file://";
  for (unsigned char c : absolute_path) {
    bool plain =
        std::isalnum(c) || std::string_view("/-_.~!$&'()*+,;=:@").find(c) != std::string_view::npos;
    if (plain) {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += k_hex[c >> 4];
      url += k_hex[c & 15];
    }
  }
  return url;
}

std::string resolve_specifier(const std::string& specifier, const std::string& referrer) {
  auto colon = specifier.find(':');
  auto slash = specifier.find('/');
  if (colon != std::string::npos && colon > 1 && (slash == std::string::npos || colon < slash)) {
    return specifier;  // already absolute: file:, https:, jsr:, npm:, node:, data:
  }
  if (starts_with(specifier, "./") || starts_with(specifier, "../") ||
      starts_with(specifier, "/") || specifier == "." || specifier == "..") {
    auto [origin, base_path] = split_origin(referrer);
    std::string path;
    if (starts_with(specifier, "/")) {
      path = specifier;
    } else {
      path = base_path.substr(0, base_path.rfind('/') + 1) + specifier;
    }
    auto query = path.find_first_of("?#");
    std::string suffix;
    if (query != std::string::npos) {
      suffix = path.substr(query);
      path.resize(query);
    }
    if (origin.empty()) {
      origin = "file://";
    }
    return origin + normalise_path(path) + suffix;
  }
  throw util::Error("Relative import path \"" + specifier +
                    "\" not prefixed with / or ./ or ../ (imported from \"" + referrer + "\")");
}

namespace {

class UrlResolver : public ModuleResolver {
 public:
  std::string resolve(const std::string& specifier, const std::string& referrer,
                      ResolutionKind /*kind*/) override {
    if (is_node_builtin(specifier)) {
      return "node:" + specifier;
    }
    return resolve_specifier(specifier, referrer);
  }
};

}  // namespace

namespace {

// Node 22's `require("module").builtinModules`, sorted for the binary search.
constexpr std::string_view k_builtins[] = {
    "_http_agent",
    "_http_client",
    "_http_common",
    "_http_incoming",
    "_http_outgoing",
    "_http_server",
    "_stream_duplex",
    "_stream_passthrough",
    "_stream_readable",
    "_stream_transform",
    "_stream_wrap",
    "_stream_writable",
    "_tls_common",
    "_tls_wrap",
    "assert",
    "assert/strict",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "dns/promises",
    "domain",
    "events",
    "fs",
    "fs/promises",
    "http",
    "http2",
    "https",
    "inspector",
    "inspector/promises",
    "module",
    "net",
    "os",
    "path",
    "path/posix",
    "path/win32",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "readline/promises",
    "repl",
    "stream",
    "stream/consumers",
    "stream/promises",
    "stream/web",
    "string_decoder",
    "sys",
    "timers",
    "timers/promises",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "util/types",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
};
static_assert(std::is_sorted(std::begin(k_builtins), std::end(k_builtins)));

}  // namespace

bool is_node_builtin(std::string_view name) {
  return std::binary_search(std::begin(k_builtins), std::end(k_builtins), name);
}

std::span<const std::string_view> node_builtin_names() {
  return k_builtins;
}

std::shared_ptr<ModuleResolver> make_url_resolver() {
  return std::make_shared<UrlResolver>();
}

}  // namespace runtime
