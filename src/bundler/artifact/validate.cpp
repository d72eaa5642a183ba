#include "bundler/artifact/validate.hpp"

#include "bundler/artifact/binary_io.hpp"

namespace bundler {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Local modules live below file:///sbfn/; remote ones keep their http(s) URL.
bool is_module_url(const std::string& url) {
  if (starts_with(url, "https://") || starts_with(url, "http://")) {
    return url.find('\0') == std::string::npos;
  }
  if (!starts_with(url, k_artifact_root_url)) {
    return false;
  }
  try {
    return is_virtual_path(runtime::file_url_to_path(url));
  } catch (const util::Error&) {
    return false;
  }
}

std::string in_quotes(std::string_view text) {
  return "\"" + artifact_io::printable(text) + "\"";
}

}  // namespace

bool is_virtual_path(std::string_view path) {
  if (!starts_with(path, k_artifact_root_path) || path.find('\0') != std::string_view::npos) {
    return false;
  }
  // Every segment after the leading "/" must be a real name.
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    auto segment = path.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return false;
    }
    start = end + 1;
  }
  return true;
}

std::optional<std::string> artifact_problem(const Artifact& artifact) {
  const auto& metadata = artifact.metadata;
  if (artifact.format != k_artifact_format) {
    return "it is format " + std::to_string(artifact.format) + ", this sbfn handles format " +
           std::to_string(k_artifact_format) + " only";
  }
  if (!artifact.modules.contains(metadata.entrypoint)) {
    return "its entrypoint " + in_quotes(metadata.entrypoint) + " is not in its module table";
  }
  for (const auto& [url, module] : artifact.modules) {
    if (!is_module_url(url)) {
      return "the module URL " + in_quotes(url) + " is neither below " +
             std::string(k_artifact_root_url) + " nor an http(s) URL";
    }
    if (!module.code_cache.empty() && metadata.code_cache_key.empty()) {
      return "the module " + in_quotes(url) + " has a code cache but no code cache key says " +
             "which V8 made it";
    }
  }
  for (const auto& [from, to] : artifact.redirects) {
    if (!is_module_url(from) || !is_module_url(to)) {
      return "the redirect " + in_quotes(from) + " -> " + in_quotes(to) +
             " leaves the virtual root or http(s)";
    }
  }
  for (const auto& [path, bytes] : artifact.files) {
    if (!is_virtual_path(path)) {
      return "the file path " + in_quotes(path) + " is not a normalised path below " +
             std::string(k_artifact_root_path);
    }
  }
  for (const auto& path : metadata.static_files) {
    if (!artifact.files.contains(path)) {
      return "the static file " + in_quotes(path) + " is not among its files";
    }
  }
  return std::nullopt;
}

}  // namespace bundler
