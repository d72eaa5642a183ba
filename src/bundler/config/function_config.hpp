#pragma once

// Which import map and deno.json a function uses, with the Supabase CLI's precedence
// (deno.md §4 "Supabase CLI rule per function"):
//   --import-map > [functions.<slug>] import_map > <fn dir>/deno.json > deno.jsonc
//   > <fn dir>/import_map.json (deprecated) > <functions dir>/import_map.json (fallback).
// A deno.json(c) in the function's folder also gives compilerOptions, the lockfile and
// nodeModulesDir, and may belong to a workspace whose root applies.

#include "bundler/config/deno_json.hpp"
#include "bundler/config/import_map.hpp"
#include "bundler/jsr/package_req.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bundler {

enum class ImportMapSource {
  none,                 // nothing found: only relative and fully qualified imports work
  flag,                 // --import-map
  config_toml,          // [functions.<slug>] import_map
  deno_json,            // deno.json / deno.jsonc in the function's folder
  legacy_import_map,    // import_map.json beside the entrypoint (deprecated)
  fallback_import_map,  // supabase/functions/import_map.json (global fallback)
};

// A workspace member a bare or jsr: specifier may name ("@scope/member").
struct WorkspaceMember {
  std::filesystem::path dir;
  std::string name;                            // from its deno.json; empty when it has none
  std::string version;                         // may be empty
  std::map<std::string, std::string> exports;  // "." / "./sub" -> absolute file: URL
};

struct FunctionConfig {
  ImportMapSource source = ImportMapSource::none;
  // The file the import map was read from (a deno.json(c) or an import map file).
  std::optional<std::filesystem::path> import_map_path;
  ImportMap import_map;
  // The deno.json(c) whose options apply (the workspace root's when in a workspace).
  std::optional<std::filesystem::path> config_path;
  CompilerOptions compiler_options;
  // Where deno.lock lives: beside the config file, or its `lock` path; nullopt without a
  // config file or with `"lock": false`.
  std::optional<std::filesystem::path> lockfile;
  bool frozen_lockfile = false;
  std::optional<std::string> node_modules_dir;
  // A package.json beside the entrypoint, which Supabase's CLI hands to the runtime only
  // when no import map file was chosen (a deno.json beside it is fine), and its
  // dependencies and devDependencies: name -> requirement.
  std::optional<std::filesystem::path> package_json;
  std::map<std::string, std::string> package_dependencies;
  std::optional<std::filesystem::path> workspace_root;  // the deno.json listing the members
  std::vector<WorkspaceMember> workspace_members;
  // deno.lock's `workspace` section for this config, as Deno writes it: the jsr:/npm:
  // requirements of the config's imports ({"dependencies": [...], "members": {...}}). The
  // graph builder sets Lock::workspace to it.
  nlohmann::json lock_workspace = nlohmann::json::object();
  // Import map diagnostics and ignored settings, to print as warnings.
  std::vector<std::string> warnings;

  // The file: URL a workspace member's export stands for when `reference` names a member
  // ("jsr:@scope/member@^1/sub" whose version, if it has one, satisfies the requirement).
  // Throws util::Error listing the member's exports when the sub path is not one of them.
  std::optional<std::string> resolve_workspace_package(const PackageReqReference& reference) const;
  // Deno's "manual" node_modules mode (bring your own node_modules): a package.json and no
  // other nodeModulesDir setting. Bare specifiers resolve in node_modules folders as Node
  // resolves them; without it, package.json dependencies are `npm:` requirements.
  bool own_node_modules() const {
    return package_json && (!node_modules_dir || *node_modules_dir == "manual");
  }
};

struct FunctionConfigRequest {
  std::filesystem::path entrypoint;     // absolute
  std::filesystem::path functions_dir;  // supabase/functions (for the global fallback)
  std::optional<std::filesystem::path> import_map_flag;    // --import-map, absolute
  std::optional<std::filesystem::path> config_import_map;  // from config.toml, absolute
};

// Throws util::Error naming the file for a missing or broken import map or config file.
FunctionConfig load_function_config(const FunctionConfigRequest& request);

// The Supabase CLI's warnings for functions on legacy or fallback import maps, one line
// each, as it prints them (empty when none is).
std::vector<std::string> import_map_source_warnings(
    const std::vector<std::pair<std::string, ImportMapSource>>& slugs);

}  // namespace bundler
