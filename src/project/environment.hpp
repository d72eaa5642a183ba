#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace project {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// Where a worker's environment comes from. Nothing of the host's environment is
// passed on, except through `${VAR}` expansion inside an env file (as the Supabase CLI).
struct EnvSources {
  std::vector<std::filesystem::path> env_files;  // --env-file; empty: <functions dir>/.env
  std::filesystem::path functions_dir;
  std::string supabase_url = "http://127.0.0.1:54321";
  std::string anon_key;          // empty: the local demo anon key
  std::string service_role_key;  // empty: the local demo service_role key
  std::string publishable_key;   // empty: the local stack's sb_publishable_ key
  std::string secret_key;        // empty: the local stack's sb_secret_ key
  std::string jwks;              // SUPABASE_JWKS; empty: not set
  std::string db_url = "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
};

// The variables every function gets: the shared env files, then the SUPABASE_* ones
// (URL, DB URL, the legacy anon/service_role JWTs, the new publishable/secret keys, alone and
// as `{"default": …}` maps, and SUPABASE_JWKS).
// User names that start with SUPABASE_ are dropped, each reported through `warn`
// ("Env name cannot start with SUPABASE_, skipping: NAME"). Throws util::Error for an
// env file that is missing (when named explicitly) or malformed (file and line).
EnvList shared_environment(const EnvSources& sources,
                           const std::function<void(const std::string&)>& warn);

// `shared` plus `<function folder>/.env`, which only applies without --env-file.
EnvList function_environment(const EnvList& shared, const EnvSources& sources,
                             const std::filesystem::path& function_dir,
                             const std::function<void(const std::string&)>& warn);

}  // namespace project
