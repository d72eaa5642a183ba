#include "project/environment.hpp"

#include "project/local_stack.hpp"

#include "util/dotenv.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace project {
namespace {

std::optional<std::string> host_variable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

// Adds `entries` over `env` (a later value replaces an earlier one in place), leaving
// out the SUPABASE_ names that only the server may set.
void merge_user(EnvList& env, const EnvList& entries,
                const std::function<void(const std::string&)>& warn) {
  for (const auto& [name, value] : entries) {
    if (name.starts_with("SUPABASE_")) {
      warn("Env name cannot start with SUPABASE_, skipping: " + name);
      continue;
    }
    auto it = std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == name; });
    if (it != env.end()) {
      it->second = value;
    } else {
      env.emplace_back(name, value);
    }
  }
}

// `{"default": key}`, the shape of SUPABASE_PUBLISHABLE_KEYS and SUPABASE_SECRET_KEYS.
std::string default_key_map(std::string_view key) {
  return nlohmann::json{{"default", key}}.dump();
}

void set(EnvList& env, const std::string& name, const std::string& value) {
  std::erase_if(env, [&](const auto& e) { return e.first == name; });
  env.emplace_back(name, value);
}

}  // namespace

EnvList shared_environment(const EnvSources& sources,
                           const std::function<void(const std::string&)>& warn) {
  EnvList env;
  if (!sources.env_files.empty()) {
    for (const auto& file : sources.env_files) {
      if (!std::filesystem::is_regular_file(file)) {
        throw util::Error("failed to open env file: " + file.string() + ": no such file");
      }
      merge_user(env, util::read_dotenv_file(file, host_variable), warn);
    }
  } else if (auto shared = sources.functions_dir / ".env";
             std::filesystem::is_regular_file(shared)) {
    merge_user(env, util::read_dotenv_file(shared, host_variable), warn);
  }
  set(env, "SUPABASE_URL", sources.supabase_url);
  set(env, "SUPABASE_ANON_KEY", sources.anon_key.empty() ? demo_anon_key() : sources.anon_key);
  set(env, "SUPABASE_SERVICE_ROLE_KEY",
      sources.service_role_key.empty() ? demo_service_role_key() : sources.service_role_key);
  set(env, "SUPABASE_DB_URL", sources.db_url);
  auto publishable =
      sources.publishable_key.empty() ? default_publishable_key() : sources.publishable_key;
  auto secret = sources.secret_key.empty() ? default_secret_key() : sources.secret_key;
  set(env, "SUPABASE_PUBLISHABLE_KEY", publishable);
  set(env, "SUPABASE_SECRET_KEY", secret);
  set(env, "SUPABASE_PUBLISHABLE_KEYS", default_key_map(publishable));
  set(env, "SUPABASE_SECRET_KEYS", default_key_map(secret));
  if (!sources.jwks.empty()) {
    set(env, "SUPABASE_JWKS", sources.jwks);
  }
  return env;
}

EnvList function_environment(const EnvList& shared, const EnvSources& sources,
                             const std::filesystem::path& function_dir,
                             const std::function<void(const std::string&)>& warn) {
  auto own = function_dir / ".env";
  if (!sources.env_files.empty() || !std::filesystem::is_regular_file(own)) {
    return shared;
  }
  // The function's own values win over the shared file's, but never over SUPABASE_*.
  EnvList env;
  EnvList supabase;
  for (const auto& entry : shared) {
    (entry.first.starts_with("SUPABASE_") ? supabase : env).push_back(entry);
  }
  merge_user(env, util::read_dotenv_file(own, host_variable), warn);
  env.insert(env.end(), supabase.begin(), supabase.end());
  return env;
}

}  // namespace project
