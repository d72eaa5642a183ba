#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace project {

// One function as `serve` should run it, after folder discovery and config.toml are merged.
struct FunctionConfig {
  std::string slug;
  std::filesystem::path entrypoint;
  bool enabled = true;
  bool verify_jwt = true;
  bool verify_jwt_set = false;  // config.toml says verify_jwt (else the default)
  std::optional<std::filesystem::path> import_map;
  // Glob patterns, already resolved against config.toml's folder.
  std::vector<std::string> static_files;
};

// The Supabase CLI's wording, so scripts and users see the same text from both tools.
inline constexpr std::string_view k_invalid_slug_message =
    "Invalid Function name. Must start with at least one letter, and only include alphanumeric "
    "characters, underscores, and hyphens. (^[A-Za-z][A-Za-z0-9_-]*$)";

// Whether `slug` matches ^[A-Za-z][A-Za-z0-9_-]*$ (so `_shared` is never a function).
bool is_valid_slug(std::string_view slug);

// Lists the enabled functions, sorted by slug:
// - every `functions_dir/<slug>/index.{ts,js,mjs,tsx,jsx}` (first found, in that order) whose
//   folder name is a valid slug; other folders are skipped silently, and a missing
//   `functions_dir` simply contributes nothing;
// - then each `[functions.<slug>]` table of `config_toml`, which may add a function (its
//   entrypoint defaults to `functions_dir/<slug>/index.ts`) or override a discovered one.
//   Keys: `enabled`, `verify_jwt`, `import_map`, `entrypoint`, `static_files`; paths are
//   relative to config.toml's folder, and an empty string means "not set".
// Throws util::Error naming the file (and line where known) on a TOML syntax error, an invalid
// slug, an unknown key or a wrong type, and naming the path of a missing entrypoint.
std::vector<FunctionConfig> discover_functions(
    const std::filesystem::path& functions_dir,
    const std::optional<std::filesystem::path>& config_toml);

// `[edge_runtime] policy` of config.toml ("per_worker" or "oneshot"), if set; throws
// util::Error naming file and line for another value.
std::optional<std::string> edge_runtime_policy(const std::filesystem::path& config_toml);
// `[edge_runtime] inspector_port` (Supabase's debugger port, 8083 in `supabase init`'s
// file): where --inspect listens when given no address. Throws util::Error when invalid.
std::optional<std::uint16_t> edge_runtime_inspector_port(const std::filesystem::path& config_toml);

// Where a project keeps its functions when no folder is named: supabase/functions when it
// exists (a Supabase project), else functions/ (relative to the current folder).
std::filesystem::path default_functions_dir();

// supabase/config.toml of the project in the current folder, if it exists.
std::optional<std::filesystem::path> find_config_toml();

}  // namespace project
