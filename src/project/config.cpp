#include "project/config.hpp"

#include "project/toml_file.hpp"

#include "util/error.hpp"

#include <toml.hpp>

#include <array>
#include <map>

namespace project {

namespace {

namespace fs = std::filesystem;

// Supabase only looks for index.ts; the other extensions are what its runtime can boot.
constexpr std::array<std::string_view, 5> k_index_names = {"index.ts", "index.js", "index.mjs",
                                                           "index.tsx", "index.jsx"};

// A function as it is being assembled, plus where its entrypoint came from, so that a
// missing entrypoint can be blamed on the right line.
struct PendingFunction {
  FunctionConfig config;
  std::string origin;
};

using PendingFunctions = std::map<std::string, PendingFunction, std::less<>>;

bool is_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

void discover_folders(const fs::path& functions_dir, PendingFunctions& functions) {
  std::error_code error;
  if (!fs::exists(functions_dir, error)) {
    return;
  }
  if (!fs::is_directory(functions_dir, error)) {
    throw util::Error("functions folder " + functions_dir.string() + " is not a directory");
  }
  fs::directory_iterator it(functions_dir, error);
  if (error) {
    throw util::Error("cannot list " + functions_dir.string() + ": " + error.message());
  }
  for (; it != fs::directory_iterator(); it.increment(error)) {
    if (error) {
      throw util::Error("cannot list " + functions_dir.string() + ": " + error.message());
    }
    const std::string slug = it->path().filename().string();
    // is_directory follows symlinks, so symlinked function folders work.
    if (!is_valid_slug(slug) || !fs::is_directory(it->path(), error)) {
      continue;
    }
    for (const std::string_view index_name : k_index_names) {
      const fs::path candidate = it->path() / index_name;
      if (fs::is_regular_file(candidate, error)) {
        FunctionConfig config;
        config.slug = slug;
        config.entrypoint = candidate.lexically_normal();
        functions.emplace(slug, PendingFunction{std::move(config), it->path().string()});
        break;
      }
    }
  }
}

// Reads config.toml and turns its problems into messages a person can act on.
class ConfigReader {
 public:
  ConfigReader(const fs::path& config_toml, const fs::path& functions_dir)
      : m_file(config_toml.string()),
        m_base(config_toml.parent_path()),
        m_functions_dir(functions_dir) {}

  void apply(PendingFunctions& functions) const {
    const toml::value root = parse();
    if (!root.is_table() || !root.contains("functions")) {
      return;
    }
    const toml::value& section = root.at("functions");
    if (!section.is_table()) {
      fail(section, "\"functions\" must be a table, got " + type_name(section));
    }
    // Sorted so that, with several mistakes, the same one is always reported first.
    const std::map<std::string, const toml::value*> tables = [&section] {
      std::map<std::string, const toml::value*> sorted;
      for (const auto& [slug, table] : section.as_table()) {
        sorted.emplace(slug, &table);
      }
      return sorted;
    }();
    for (const auto& [slug, table] : tables) {
      apply_table(slug, *table, functions);
    }
  }

  // [edge_runtime] policy, when config.toml sets it.
  std::optional<std::string> policy() const {
    const toml::value root = parse();
    const toml::value* value = edge_runtime_value(root, "policy");
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_string()) {
      fail(*value, "[edge_runtime] policy must be a string, got " + type_name(*value));
    }
    std::string policy = value->as_string();
    if (policy != "per_worker" && policy != "oneshot") {
      fail(*value, "[edge_runtime] policy \"" + policy +
                       "\" is not supported by sbfn (use \"per_worker\" or \"oneshot\")");
    }
    return policy;
  }

  // [edge_runtime] inspector_port, when config.toml sets it.
  std::optional<std::uint16_t> inspector_port() const {
    const toml::value root = parse();
    const toml::value* value = edge_runtime_value(root, "inspector_port");
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_integer() || value->as_integer() < 1 || value->as_integer() > 65535) {
      fail(*value, "[edge_runtime] inspector_port must be a port number (1 to 65535)");
    }
    return static_cast<std::uint16_t>(value->as_integer());
  }

 private:
  toml::value parse() const {
    std::error_code error;
    if (!fs::is_regular_file(m_file, error)) {
      throw util::Error("cannot read config file " + m_file + ": no such file");
    }
    try {
      return parse_toml_file(m_file);
    } catch (const toml::syntax_error& syntax) {
      // toml11's message already quotes the file, the line and a caret; keep it whole.
      throw util::Error(m_file + ": invalid TOML:\n" + syntax.what());
    } catch (const std::exception& other) {
      throw util::Error("cannot read config file " + m_file + ": " + other.what());
    }
  }

  [[noreturn]] void fail(const toml::value& where, const std::string& problem) const {
    throw util::Error(m_file + ":" + std::to_string(where.location().line()) + ": " + problem);
  }

  static std::string type_name(const toml::value& value) { return toml::stringize(value.type()); }

  // `name` in the [edge_runtime] table of `root`, or null.
  static const toml::value* edge_runtime_value(const toml::value& root, const char* name) {
    if (!root.is_table() || !root.contains("edge_runtime")) {
      return nullptr;
    }
    const toml::value& section = root.at("edge_runtime");
    if (!section.is_table() || !section.contains(name)) {
      return nullptr;
    }
    return &section.at(name);
  }

  fs::path resolve(const std::string& relative) const {
    return (m_base / relative).lexically_normal();
  }

  void apply_table(const std::string& slug, const toml::value& table,
                   PendingFunctions& functions) const {
    const std::string name = "[functions." + slug + "]";
    if (!is_valid_slug(slug)) {
      fail(table, name + ": " + std::string(k_invalid_slug_message));
    }
    if (!table.is_table()) {
      fail(table, name + " must be a table, got " + type_name(table));
    }
    auto [it, added] = functions.try_emplace(slug);
    PendingFunction& pending = it->second;
    if (added) {
      pending.config.slug = slug;
      pending.config.entrypoint = (m_functions_dir / slug / "index.ts").lexically_normal();
      pending.origin = m_file + ":" + std::to_string(table.location().line());
    }
    FunctionConfig& config = pending.config;
    for (const auto& [key, value] : table.as_table()) {
      const std::string field = name + "." + key;
      if (key == "enabled") {
        config.enabled = get_bool(field, value);
      } else if (key == "verify_jwt") {
        config.verify_jwt = get_bool(field, value);
        config.verify_jwt_set = true;
      } else if (key == "import_map") {
        // The CLI reads an empty string as "not set" (Go's zero value); so do we.
        const std::string path = get_string(field, value);
        config.import_map = path.empty() ? std::nullopt : std::optional<fs::path>(resolve(path));
      } else if (key == "entrypoint") {
        const std::string path = get_string(field, value);
        if (!path.empty()) {
          config.entrypoint = resolve(path);
          pending.origin = m_file + ":" + std::to_string(value.location().line());
        }
      } else if (key == "static_files") {
        config.static_files = get_string_array(field, value);
      } else {
        fail(value, "unknown key \"" + key + "\" in " + name +
                        " (expected enabled, verify_jwt, import_map, entrypoint or static_files)");
      }
    }
  }

  bool get_bool(const std::string& field, const toml::value& value) const {
    if (!value.is_boolean()) {
      fail(value, field + " must be a boolean, got " + type_name(value));
    }
    return value.as_boolean();
  }

  std::string get_string(const std::string& field, const toml::value& value) const {
    if (!value.is_string()) {
      fail(value, field + " must be a string, got " + type_name(value));
    }
    return value.as_string().str;
  }

  std::vector<std::string> get_string_array(const std::string& field,
                                            const toml::value& value) const {
    if (!value.is_array()) {
      fail(value, field + " must be an array of strings, got " + type_name(value));
    }
    std::vector<std::string> patterns;
    for (const toml::value& element : value.as_array()) {
      if (!element.is_string()) {
        fail(element, field + " must be an array of strings, found " + type_name(element));
      }
      patterns.push_back(resolve(element.as_string().str).string());
    }
    return patterns;
  }

  std::string m_file;
  fs::path m_base;
  fs::path m_functions_dir;
};

}  // namespace

bool is_valid_slug(std::string_view slug) {
  if (slug.empty() || !is_alpha(slug.front())) {
    return false;
  }
  for (const char c : slug) {
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::vector<FunctionConfig> discover_functions(const fs::path& functions_dir,
                                               const std::optional<fs::path>& config_toml) {
  PendingFunctions functions;
  discover_folders(functions_dir, functions);
  if (config_toml) {
    ConfigReader(*config_toml, functions_dir).apply(functions);
  }
  std::vector<FunctionConfig> result;
  for (auto& [slug, pending] : functions) {
    if (!pending.config.enabled) {
      continue;
    }
    std::error_code error;
    if (!fs::is_regular_file(pending.config.entrypoint, error)) {
      throw util::Error(pending.origin + ": function \"" + slug + "\": entrypoint " +
                        pending.config.entrypoint.string() + " does not exist");
    }
    result.push_back(std::move(pending.config));
  }
  return result;
}

std::optional<std::string> edge_runtime_policy(const fs::path& config_toml) {
  return ConfigReader(config_toml, {}).policy();
}

std::optional<std::uint16_t> edge_runtime_inspector_port(const fs::path& config_toml) {
  return ConfigReader(config_toml, {}).inspector_port();
}

fs::path default_functions_dir() {
  return fs::is_directory("supabase/functions") ? "supabase/functions" : "functions";
}

std::optional<fs::path> find_config_toml() {
  if (auto config = fs::path("supabase/config.toml"); fs::exists(config)) {
    return config;
  }
  return std::nullopt;
}

}  // namespace project
