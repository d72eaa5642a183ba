#include "bundler/config/function_config.hpp"

#include "bundler/config/jsonc.hpp"
#include "bundler/lockfile.hpp"
#include "bundler/remote/url.hpp"
#include "runtime/modules/module_source.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <set>

namespace bundler {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

bool is_deno_json(const fs::path& file) {
  auto name = file.filename().string();
  return name == "deno.json" || name == "deno.jsonc";
}

std::string file_url(const fs::path& path) {
  return runtime::path_to_file_url(fs::absolute(path).lexically_normal().string());
}

std::string dir_url(const fs::path& dir) {
  auto url = file_url(dir);
  return url.back() == '/' ? url : url + "/";
}

bool is_file(const fs::path& file) {
  std::error_code ec;
  return fs::is_regular_file(file, ec);
}

ImportMap plain_import_map(const fs::path& file) {
  auto text = util::try_read_file(file);
  if (!text) {
    throw util::Error("Unable to load import map \"" + file.string() +
                      "\": the file does not exist");
  }
  try {
    return ImportMap::parse(*text, file_url(file));
  } catch (const util::Error& error) {
    throw util::Error("Unable to load import map \"" + file.string() + "\": " + error.what());
  }
}

// Members' values resolved against their own folder, so one map can hold them all.
json absolute_values(const json& imports, const std::string& base) {
  json out = json::object();
  for (const auto& [key, value] : imports.items()) {
    out[key] = value.is_string() ? json(url_like_specifier(value.get<std::string>(), base)
                                            .value_or(value.get<std::string>()))
                                 : value;
  }
  return out;
}

std::vector<fs::path> member_dirs(const DenoJson& root) {
  std::vector<fs::path> out;
  auto base = root.path.parent_path();
  for (const auto& entry : root.workspace) {
    auto pattern = (base / entry).lexically_normal();
    if (pattern.filename() == "*") {  // "./packages/*": every folder with a config file
      std::error_code ec;
      for (const auto& child : fs::directory_iterator(pattern.parent_path(), ec)) {
        if (child.is_directory() && find_deno_json(child.path())) {
          out.push_back(child.path().lexically_normal());
        }
      }
      continue;
    }
    out.push_back(pattern);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The workspace root above `config` that lists its folder as a member, if any.
std::optional<DenoJson> enclosing_workspace(const DenoJson& config) {
  auto dir = fs::absolute(config.path.parent_path()).lexically_normal();
  for (auto parent = dir.parent_path(); parent != parent.root_path() && parent != dir;
       parent = parent.parent_path()) {
    auto candidate = find_deno_json(parent);
    if (!candidate) {
      continue;
    }
    auto root = read_deno_json(*candidate);
    for (const auto& member : member_dirs(root)) {
      if (member == dir) {
        return root;
      }
    }
    return std::nullopt;  // the nearest config above is not our workspace
  }
  return std::nullopt;
}

std::map<std::string, std::string> member_exports(const DenoJson& member) {
  std::map<std::string, std::string> out;
  auto base = file_url(member.path);
  auto add = [&](const std::string& key, const json& target) {
    if (target.is_string()) {
      if (auto url = url_like_specifier(target.get<std::string>(), base)) {
        out[key] = *url;
      }
    }
  };
  if (member.exports.is_string()) {
    add(".", member.exports);
  } else if (member.exports.is_object()) {
    for (const auto& [key, target] : member.exports.items()) {
      add(key, target);
    }
  }
  return out;
}

// The root's imports and scopes, each member's imports as a scope over its folder (as
// Deno's synthetic workspace import map does), and members' names mapped to their exports.
ImportMap workspace_import_map(const DenoJson& root, const std::vector<DenoJson>& members,
                               std::vector<WorkspaceMember>& out_members) {
  auto value = ImportMap::expand_deno_json_imports(root.import_map);
  json imports = value.contains("imports") ? value["imports"] : json::object();
  json scopes = value.contains("scopes") ? value["scopes"] : json::object();
  for (const auto& member : members) {
    auto member_value = ImportMap::expand_deno_json_imports(member.import_map);
    auto base = file_url(member.path);
    auto prefix = dir_url(member.path.parent_path());
    if (member_value.contains("imports")) {
      auto& scope = scopes[prefix];
      auto values = absolute_values(member_value["imports"], base);
      for (const auto& [key, target] : values.items()) {
        scope[key] = target;
      }
    }
    if (member_value.contains("scopes")) {
      for (const auto& [key, entries] : member_value["scopes"].items()) {
        auto scope_url = Url::parse(key, base);
        auto& scope = scopes[scope_url ? scope_url->href() : key];
        auto values = absolute_values(entries, base);
        for (const auto& [k, target] : values.items()) {
          scope[k] = target;
        }
      }
    }
    WorkspaceMember info{member.path.parent_path(), member.name, member.version,
                         member_exports(member)};
    if (!info.name.empty()) {
      for (const auto& [key, url] : info.exports) {
        auto specifier = key == "." ? info.name : info.name + key.substr(1);
        if (!imports.contains(specifier)) {
          imports[specifier] = url;
        }
      }
    }
    out_members.push_back(std::move(info));
  }
  json map = json::object();
  if (!imports.empty()) {
    map["imports"] = imports;
  }
  if (!scopes.empty()) {
    map["scopes"] = scopes;
  }
  return ImportMap::from_json(map, file_url(root.path));
}

// The import map a deno.json gives: its imports/scopes (expanded), else its importMap file.
ImportMap deno_json_import_map(const DenoJson& config, FunctionConfig& out) {
  if (config.has_imports_or_scopes) {
    if (config.import_map_file) {
      out.warnings.push_back(
          "\"importMap\" setting is ignored when \"imports\" or \"scopes\" are "
          "specified in the config file.");
    }
    return ImportMap::from_json(ImportMap::expand_deno_json_imports(config.import_map),
                                file_url(config.path));
  }
  if (config.import_map_file) {
    auto target = url_like_specifier(*config.import_map_file, file_url(config.path));
    if (!target || target->rfind("file:", 0) != 0) {
      throw util::Error("Unable to load import map \"" + *config.import_map_file +
                        "\" named by \"" + config.path.string() +
                        "\": only import map files on disk are supported");
    }
    out.import_map_path = runtime::file_url_to_path(*target);
    return plain_import_map(*out.import_map_path);
  }
  return {};
}

// The jsr:/npm: requirements among a config's import values, in deno.lock's spelling.
json lock_dependencies(const DenoJson& config) {
  std::set<std::string> out;
  auto collect = [&](const json& imports) {
    if (!imports.is_object()) {
      return;
    }
    for (const auto& [_, value] : imports.items()) {
      if (!value.is_string()) {
        continue;
      }
      auto text = value.get<std::string>();
      for (const char* scheme : {"jsr", "npm"}) {
        if (text.rfind(std::string(scheme) + ":", 0) == 0) {
          try {
            out.insert(lock_specifier_key(scheme, parse_package_req_reference(text, scheme).req));
          } catch (const util::Error&) {
            // A broken specifier fails when it is imported, with its own message.
          }
        }
      }
    }
  };
  collect(config.import_map.value("imports", json::object()));
  // A local: value() returns a copy, which a range-for over its items() would not keep
  // alive (the loop read freed memory; found by ThreadSanitizer).
  auto scopes = config.import_map.value("scopes", json::object());
  for (const auto& [_, scope] : scopes.items()) {
    collect(scope);
  }
  return json(std::vector<std::string>(out.begin(), out.end()));
}

void apply_config(const DenoJson& config, FunctionConfig& out) {
  out.config_path = config.path;
  out.compiler_options = config.compiler_options;
  out.node_modules_dir = config.node_modules_dir;
  if (config.lock.enabled) {
    auto dir = config.path.parent_path();
    out.lockfile = (dir / config.lock.path.value_or("deno.lock")).lexically_normal();
    out.frozen_lockfile = config.lock.frozen;
  }
}

// The dependencies a package.json declares, which bare specifiers may name.
void load_package_json(const fs::path& path, FunctionConfig& out) {
  auto text = util::try_read_file(path);
  if (!text) {
    return;
  }
  json parsed;
  try {
    parsed = json::parse(*text);
  } catch (const json::exception& error) {
    // Also out_of_range: nlohmann reports a number beyond double's range (`1e999`) that way.
    throw util::Error("Unable to parse \"" + path.string() + "\": " + error.what());
  }
  out.package_json = path;
  for (const char* key : {"devDependencies", "dependencies"}) {  // the latter wins
    auto it = parsed.find(key);
    if (it == parsed.end() || !it->is_object()) {
      continue;
    }
    for (const auto& [name, req] : it->items()) {
      if (req.is_string()) {
        out.package_dependencies[name] = req.get<std::string>();
      }
    }
  }
  if (out.own_node_modules()) {
    return;
  }
  // Deno pins the npm requirements among them in deno.lock's workspace section.
  std::set<std::string> pinned;
  for (const auto& [name, req] : out.package_dependencies) {
    try {
      auto text = "npm:" + name + "@" + req;
      pinned.insert(lock_specifier_key("npm", parse_package_req_reference(text, "npm").req));
    } catch (const util::Error&) {
      // "file:", "git+...", "workspace:": not registry requirements.
    }
  }
  if (!pinned.empty()) {
    out.lock_workspace["packageJson"]["dependencies"] =
        json(std::vector<std::string>(pinned.begin(), pinned.end()));
  }
}

// A member's own compilerOptions override the root's, key by key.
void overlay(CompilerOptions& base, const CompilerOptions& member) {
  auto take = [](auto& to, const auto& from) {
    if (from) {
      to = from;
    }
  };
  take(base.jsx, member.jsx);
  take(base.jsx_factory, member.jsx_factory);
  take(base.jsx_fragment_factory, member.jsx_fragment_factory);
  take(base.jsx_import_source, member.jsx_import_source);
  take(base.experimental_decorators, member.experimental_decorators);
  take(base.emit_decorator_metadata, member.emit_decorator_metadata);
}

// The config file's import map and options, through its workspace when it has one.
void load_config(const DenoJson& config, bool use_import_map, FunctionConfig& out) {
  std::optional<DenoJson> root;
  if (!config.workspace.empty()) {
    root = config;
  } else {
    root = enclosing_workspace(config);
  }
  if (!root) {
    apply_config(config, out);
    if (auto deps = lock_dependencies(config); !deps.empty()) {
      out.lock_workspace["dependencies"] = deps;
    }
    if (use_import_map) {
      out.import_map = deno_json_import_map(config, out);
    }
    return;
  }
  std::vector<DenoJson> members;
  for (const auto& dir : member_dirs(*root)) {
    auto file = find_deno_json(dir);
    if (!file) {
      throw util::Error("Could not find config file for workspace member in '" + dir.string() +
                        "' (listed by \"" + root->path.string() + "\")");
    }
    members.push_back(read_deno_json(*file));
  }
  apply_config(*root, out);
  if (auto deps = lock_dependencies(*root); !deps.empty()) {
    out.lock_workspace["dependencies"] = deps;
  }
  for (const auto& member : members) {
    auto deps = lock_dependencies(member);
    if (!deps.empty()) {
      auto key = member.path.parent_path().lexically_relative(root->path.parent_path());
      out.lock_workspace["members"][key.generic_string()]["dependencies"] = deps;
    }
  }
  if (config.path != root->path) {
    overlay(out.compiler_options, config.compiler_options);
  }
  out.workspace_root = root->path;
  auto map = workspace_import_map(*root, members, out.workspace_members);
  if (use_import_map) {
    out.import_map = std::move(map);
  }
}

}  // namespace

FunctionConfig load_function_config(const FunctionConfigRequest& request) {
  FunctionConfig out;
  auto fn_dir = request.entrypoint.parent_path();
  std::optional<fs::path> chosen;
  if (request.import_map_flag) {
    out.source = ImportMapSource::flag;
    chosen = request.import_map_flag;
  } else if (request.config_import_map) {
    out.source = ImportMapSource::config_toml;
    chosen = request.config_import_map;
  } else if (auto deno_json = find_deno_json(fn_dir)) {
    out.source = ImportMapSource::deno_json;
    chosen = deno_json;
  } else if (is_file(fn_dir / "import_map.json")) {
    out.source = ImportMapSource::legacy_import_map;
    chosen = fn_dir / "import_map.json";
  } else if (is_file(request.functions_dir / "import_map.json")) {
    out.source = ImportMapSource::fallback_import_map;
    chosen = request.functions_dir / "import_map.json";
  }
  if (chosen && !is_file(*chosen)) {
    throw util::Error("Unable to load import map \"" + chosen->string() +
                      "\": the file does not exist");
  }
  if (chosen) {
    out.import_map_path = chosen;
  }
  if (chosen && is_deno_json(*chosen)) {
    load_config(read_deno_json(*chosen), true, out);
  } else {
    if (chosen) {
      out.import_map = plain_import_map(*chosen);
    }
    // The function's own deno.json still gives its compiler options and lockfile.
    if (auto deno_json = find_deno_json(fn_dir)) {
      load_config(read_deno_json(*deno_json), false, out);
    }
  }
  if (out.source == ImportMapSource::none || out.source == ImportMapSource::deno_json) {
    load_package_json(fn_dir / "package.json", out);
  }
  for (const auto& warning : out.import_map.warnings()) {
    out.warnings.push_back("Import map diagnostic: " + warning);
  }
  return out;
}

std::optional<std::string> FunctionConfig::resolve_workspace_package(
    const PackageReqReference& reference) const {
  for (const auto& member : workspace_members) {
    if (member.name.empty() || member.name != reference.req.name) {
      continue;
    }
    if (!member.version.empty()) {
      auto version = Version::parse(member.version);
      if (version && !reference.req.version_req.is_tag() &&
          !reference.req.version_req.matches(*version) && reference.req.version_req.raw() != "*") {
        continue;
      }
    }
    auto key = normalized_export_name(reference.sub_path);
    if (auto it = member.exports.find(key); it != member.exports.end()) {
      return it->second;
    }
    std::string list;
    for (const auto& [name, _] : member.exports) {
      list += "\n * " + name;
    }
    throw util::Error("Unknown export '" + key + "' for '" + member.name +
                      "'.\n  Package exports:" + list);
  }
  return std::nullopt;
}

std::vector<std::string> import_map_source_warnings(
    const std::vector<std::pair<std::string, ImportMapSource>>& slugs) {
  std::string deprecated;
  std::string fallback;
  for (const auto& [slug, source] : slugs) {
    if (source == ImportMapSource::legacy_import_map) {
      deprecated += (deprecated.empty() ? "" : ", ") + slug;
    } else if (source == ImportMapSource::fallback_import_map) {
      fallback += (fallback.empty() ? "" : ", ") + slug;
    }
  }
  std::vector<std::string> out;
  if (!deprecated.empty()) {
    out.push_back(
        "WARNING: Functions using deprecated import_map.json (please migrate to "
        "deno.json): " +
        deprecated);
  }
  if (!fallback.empty()) {
    out.push_back("WARNING: Functions using fallback import map: " + fallback);
    // Go's Println puts a space between its operands, after the sentence's own one.
    out.push_back(
        "Please use recommended per function dependency declaration  "
        "https://supabase.com/docs/guides/functions/import-maps");
  }
  return out;
}

}  // namespace bundler
