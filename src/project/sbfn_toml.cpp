#include "project/sbfn_toml.hpp"

#include "project/toml_file.hpp"

#include "util/error.hpp"

#include <toml.hpp>

namespace project {
namespace {

namespace fs = std::filesystem;

std::string line_of(const std::string& file, const toml::value& value) {
  return file + ":" + std::to_string(value.location().line());
}

toml::value parse(const fs::path& path) {
  try {
    return parse_toml_file(path);
  } catch (const toml::syntax_error& syntax) {
    // toml11's message already quotes the file, the line and a caret; keep it whole.
    throw util::Error(path.string() + ": invalid TOML:\n" + syntax.what());
  } catch (const std::exception& other) {
    throw util::Error("cannot read " + path.string() + ": " + other.what());
  }
}

}  // namespace

std::optional<fs::path> find_sbfn_toml() {
  std::error_code error;
  if (fs::is_regular_file(k_sbfn_toml, error)) {
    return fs::path(k_sbfn_toml);
  }
  return std::nullopt;
}

std::optional<DeploySettings> read_deploy_settings(const fs::path& sbfn_toml) {
  const std::string file = sbfn_toml.string();
  const toml::value root = parse(sbfn_toml);
  if (!root.is_table() || !root.contains("deploy")) {
    return std::nullopt;
  }
  const toml::value& table = root.at("deploy");
  if (!table.is_table()) {
    throw util::Error(line_of(file, table) + ": \"deploy\" must be a table, got " +
                      toml::stringize(table.type()));
  }
  DeploySettings settings;
  settings.origin = line_of(file, table);
  for (const auto& [key, value] : table.as_table()) {
    std::string* field = key == "image"        ? &settings.image
                         : key == "to"         ? &settings.to
                         : key == "token_file" ? &settings.token_file
                                               : nullptr;
    if (field == nullptr) {
      throw util::Error(line_of(file, value) + ": unknown key \"" + key +
                        "\" in [deploy] (expected image, to or token_file)");
    }
    if (!value.is_string() || value.as_string().str.empty()) {
      throw util::Error(line_of(file, value) + ": [deploy] " + key +
                        " must be a non-empty string, got " +
                        (value.is_string() ? std::string("\"\"") : toml::stringize(value.type())));
    }
    *field = value.as_string().str;
  }
  if (!settings.token_file.empty()) {
    // Relative to sbfn.toml, as config.toml's paths are to config.toml.
    settings.token_file = (sbfn_toml.parent_path() / settings.token_file).lexically_normal();
  }
  return settings;
}

}  // namespace project
