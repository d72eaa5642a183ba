#pragma once

// One deno.json / deno.jsonc: the keys that decide how a function's modules resolve and
// compile (deno.md §4). Unknown keys are ignored, as Deno ignores the ones it does not use
// for running (fmt, lint, tasks...).

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bundler {

// compilerOptions that change emitted code. Unset fields keep Deno's defaults (jsx
// "react", React.createElement, React.Fragment, jsxImportSource "react", TC39
// decorators).
struct CompilerOptions {
  std::optional<std::string> jsx;  // react | react-jsx | react-jsxdev | precompile | preserve
  std::optional<std::string> jsx_factory;
  std::optional<std::string> jsx_fragment_factory;
  std::optional<std::string> jsx_import_source;
  std::optional<bool> experimental_decorators;
  std::optional<bool> emit_decorator_metadata;

  bool operator==(const CompilerOptions&) const = default;
};

// "lock": false | "path" | {"path": ..., "frozen": ...}.
struct LockOption {
  bool enabled = true;
  std::optional<std::string> path;  // as written, relative to the config file's folder
  bool frozen = false;
};

struct DenoJson {
  std::filesystem::path path;
  // {"imports": ..., "scopes": ...} as written (Deno's key/ expansion not applied yet).
  nlohmann::json import_map = nlohmann::json::object();
  bool has_imports_or_scopes = false;
  std::optional<std::string> import_map_file;  // "importMap"
  CompilerOptions compiler_options;
  LockOption lock;
  std::optional<std::string> node_modules_dir;  // "auto" | "manual" | "none"
  std::vector<std::string> workspace;           // member folders as written
  std::string name;                             // "@scope/pkg" (workspace members)
  std::string version;
  nlohmann::json exports;  // a string (".") or an object of "./sub" -> "./file.ts"
};

// Reads `file` (JSONC allowed in both names). Throws util::Error naming the file for a
// syntax error or a key of the wrong type.
DenoJson read_deno_json(const std::filesystem::path& file);

// deno.json, else deno.jsonc, in `folder`.
std::optional<std::filesystem::path> find_deno_json(const std::filesystem::path& folder);

}  // namespace bundler
