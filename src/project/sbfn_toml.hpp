#pragma once

// sbfn.toml at the project root: sbfn's own settings, beside Supabase's config.toml (which
// sbfn reads as the Supabase CLI does and never extends). Today its `[deploy]` table, where
// a project keeps its deploy target so that `sbfn deploy` needs no flags:
//
//   [deploy]
//   image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fns:v3"   # or:
//   to = "https://fns.example.com"
//   token_file = ".sbfn/admin-token"

#include <filesystem>
#include <optional>
#include <string>

namespace project {

inline constexpr const char* k_sbfn_toml = "sbfn.toml";

// The `[deploy]` table; empty strings are keys left out.
struct DeploySettings {
  std::string image;       // an OCI image reference (as --image)
  std::string to;          // a remote sbfn serve's URL (as --to)
  std::string token_file;  // its admin token (as --token-file), resolved against the file's folder
  std::string origin;      // "sbfn.toml:2", where the table starts, for messages
};

// sbfn.toml of the project in the current folder, if it exists.
std::optional<std::filesystem::path> find_sbfn_toml();

// The `[deploy]` table of `sbfn_toml`, or none when the file has no such table. Throws
// util::Error naming the file (and line) for invalid TOML, an unknown key or a wrong type.
std::optional<DeploySettings> read_deploy_settings(const std::filesystem::path& sbfn_toml);

}  // namespace project
