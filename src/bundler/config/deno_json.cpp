#include "bundler/config/deno_json.hpp"

#include "bundler/config/jsonc.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace bundler {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad_key(const std::filesystem::path& file, const std::string& key,
                          const std::string& expected) {
  throw util::Error("Invalid config file \"" + file.string() + "\": \"" + key + "\" must be " +
                    expected);
}

std::optional<std::string> string_at(const json& object, const char* key,
                                     const std::filesystem::path& file) {
  if (!object.contains(key) || object[key].is_null()) {
    return std::nullopt;
  }
  if (!object[key].is_string()) {
    bad_key(file, key, "a string");
  }
  return object[key].get<std::string>();
}

std::optional<bool> bool_at(const json& object, const char* key,
                            const std::filesystem::path& file) {
  if (!object.contains(key) || object[key].is_null()) {
    return std::nullopt;
  }
  if (!object[key].is_boolean()) {
    bad_key(file, key, "true or false");
  }
  return object[key].get<bool>();
}

}  // namespace

std::optional<std::filesystem::path> find_deno_json(const std::filesystem::path& folder) {
  for (const char* name : {"deno.json", "deno.jsonc"}) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(folder / name, ec)) {
      return folder / name;
    }
  }
  return std::nullopt;
}

DenoJson read_deno_json(const std::filesystem::path& file) {
  auto value = parse_jsonc(util::read_file(file), file.string());
  if (!value.is_object()) {
    throw util::Error("Invalid config file \"" + file.string() +
                      "\": the top level must be an object");
  }
  DenoJson out;
  out.path = file;
  for (const char* key : {"imports", "scopes"}) {
    if (value.contains(key)) {
      if (!value[key].is_object()) {
        bad_key(file, key, "an object");
      }
      out.import_map[key] = value[key];
      out.has_imports_or_scopes = true;
    }
  }
  out.import_map_file = string_at(value, "importMap", file);
  if (value.contains("compilerOptions")) {
    const auto& options = value["compilerOptions"];
    if (!options.is_object()) {
      bad_key(file, "compilerOptions", "an object");
    }
    auto& co = out.compiler_options;
    co.jsx = string_at(options, "jsx", file);
    co.jsx_factory = string_at(options, "jsxFactory", file);
    co.jsx_fragment_factory = string_at(options, "jsxFragmentFactory", file);
    co.jsx_import_source = string_at(options, "jsxImportSource", file);
    co.experimental_decorators = bool_at(options, "experimentalDecorators", file);
    co.emit_decorator_metadata = bool_at(options, "emitDecoratorMetadata", file);
  }
  if (value.contains("lock")) {
    const auto& lock = value["lock"];
    if (lock.is_boolean()) {
      out.lock.enabled = lock.get<bool>();
    } else if (lock.is_string()) {
      out.lock.path = lock.get<std::string>();
    } else if (lock.is_object()) {
      out.lock.path = string_at(lock, "path", file);
      out.lock.frozen = bool_at(lock, "frozen", file).value_or(false);
    } else {
      bad_key(file, "lock", "true, false, a path or {\"path\", \"frozen\"}");
    }
  }
  if (value.contains("nodeModulesDir")) {
    const auto& mode = value["nodeModulesDir"];
    if (mode.is_boolean()) {
      out.node_modules_dir = mode.get<bool>() ? "auto" : "none";  // Deno 1's spelling
    } else if (mode.is_string() && (mode == "auto" || mode == "manual" || mode == "none")) {
      out.node_modules_dir = mode.get<std::string>();
    } else {
      bad_key(file, "nodeModulesDir", "\"auto\", \"manual\" or \"none\"");
    }
  }
  if (value.contains("workspace")) {
    auto members = value["workspace"];
    if (members.is_object() && members.contains("members")) {
      members = members["members"];
    }
    if (!members.is_array()) {
      bad_key(file, "workspace", "a list of member folders");
    }
    for (const auto& member : members) {
      if (!member.is_string()) {
        bad_key(file, "workspace", "a list of member folders");
      }
      out.workspace.push_back(member.get<std::string>());
    }
  }
  out.name = string_at(value, "name", file).value_or("");
  out.version = string_at(value, "version", file).value_or("");
  if (value.contains("exports")) {
    out.exports = value["exports"];
  }
  return out;
}

}  // namespace bundler
