// What `sbfn bundle --list FILE` prints: the metadata, then one aligned row per module,
// redirect and file. Only the artifact's own content goes in, in its own (sorted) order,
// so the text is as reproducible as the bytes.
#include "bundler/artifact/artifact.hpp"
#include "bundler/artifact/media_type_names.hpp"

#include <algorithm>
#include <vector>

namespace bundler {
namespace {

using Row = std::vector<std::string>;

// Columns padded to their widest cell; numbers (the columns in `right`) right-aligned.
// No trailing spaces, so the output diffs cleanly.
std::string table(const std::vector<Row>& rows, const std::vector<bool>& right,
                  std::string_view indent = "  ") {
  std::vector<std::size_t> widths(right.size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line(indent);
    for (std::size_t i = 0; i < row.size(); ++i) {
      auto pad = std::string(widths[i] - row[i].size(), ' ');
      line += (i == 0 ? "" : "  ") + (right[i] ? pad + row[i] : row[i] + pad);
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

std::string count(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string metadata_block(const Artifact& artifact) {
  const auto& meta = artifact.metadata;
  const auto& lock = meta.lock;
  std::vector<Row> rows = {
      {"format", std::to_string(artifact.format)},
      {"slug", meta.slug},
      {"entrypoint", meta.entrypoint},
      {"verify_jwt", meta.verify_jwt ? "true" : "false"},
      {"import map",
       meta.import_map.empty() ? "none" : count(meta.import_map.size(), "byte", "bytes")},
      {"static files", std::to_string(meta.static_files.size())},
      {"lock", count(lock.specifiers.size(), "specifier", "specifiers") + ", " +
                   count(lock.jsr.size(), "jsr package", "jsr packages") + ", " +
                   count(lock.npm.size(), "npm package", "npm packages") + ", " +
                   count(lock.remote.size(), "remote module", "remote modules")},
      {"code caches for", meta.code_cache_key.empty() ? "none" : meta.code_cache_key},
  };
  // The labels end in ':' so a reader (or grep) can split on it.
  for (auto& row : rows) {
    row[0] += ":";
  }
  return table(rows, {false, false}, "");
}

std::string modules_block(const Artifact& artifact) {
  std::vector<Row> rows = {{"URL", "TYPE", "SOURCE", "CODE", "MAP", "DEPS", "CACHE"}};
  for (const auto& [url, module] : artifact.modules) {
    rows.push_back({url, std::string(media_type_name(module.media_type)),
                    std::to_string(module.original_source.size()),
                    std::to_string(module.code.size()), std::to_string(module.source_map.size()),
                    std::to_string(module.dependencies.size()),
                    module.code_cache.empty() ? "no" : "yes"});
  }
  return "modules (" + std::to_string(artifact.modules.size()) + "):\n" +
         table(rows, {false, false, true, true, true, true, false});
}

std::string redirects_block(const Artifact& artifact) {
  std::vector<Row> rows;
  for (const auto& [from, to] : artifact.redirects) {
    rows.push_back({from, "->", to});
  }
  return "redirects (" + std::to_string(artifact.redirects.size()) + "):\n" +
         table(rows, {false, false, false});
}

std::string files_block(const Artifact& artifact) {
  std::vector<Row> rows = {{"PATH", "SIZE", ""}};
  for (const auto& [path, bytes] : artifact.files) {
    rows.push_back({path, std::to_string(bytes.size()),
                    artifact.metadata.static_files.contains(path) ? "static" : ""});
  }
  return "files (" + std::to_string(artifact.files.size()) + "):\n" +
         table(rows, {false, true, false});
}

}  // namespace

std::string list_artifact(const Artifact& artifact) {
  return metadata_block(artifact) + "\n" + modules_block(artifact) + "\n" +
         redirects_block(artifact) + "\n" + files_block(artifact);
}

}  // namespace bundler
