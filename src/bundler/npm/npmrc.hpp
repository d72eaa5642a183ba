#pragma once

// npm's configuration as Deno reads it (deno_npm's npm_rc): the default registry, a
// registry per scope (`@scope:registry=`), and credentials per registry URL prefix
// (`//host[:port]/path/:_authToken`, `:_auth`, `:username` + `:_password`), with `${VAR}`
// expanded from the environment. ../shared/reference/deno.md §3.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace bundler {

// Reads an environment variable; the default reads the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

class Npmrc {
 public:
  // The public registry and no credentials, or NPM_CONFIG_REGISTRY when it is set.
  explicit Npmrc(const EnvLookup& env = process_env());

  // Reads `.npmrc` from `function_dir`, then `project_root`, then `home` (each may be
  // empty or hold no file): per key, the first file that sets it wins. NPM_CONFIG_REGISTRY
  // wins over every `registry=` for the default registry (not for scoped ones).
  static Npmrc load(const std::filesystem::path& function_dir,
                    const std::filesystem::path& project_root, const std::filesystem::path& home,
                    const EnvLookup& env = process_env());
  // One file's text, as the only configuration (for tests and `--npmrc`-like uses).
  static Npmrc parse(std::string_view text, const EnvLookup& env = process_env());

  // The registry URL (ending in "/") that serves `package_name`.
  std::string registry_for(std::string_view package_name) const;

  // The Authorization header value for a request to `url`, from the credentials whose key
  // is the longest prefix of the URL (without its scheme): `Bearer <_authToken>`, else
  // `Basic <_auth>`, else `Basic base64(username:base64decode(_password))`. nullopt when no
  // credentials apply. Throws util::Error naming the key when they are incomplete.
  std::optional<std::string> authorization_for(std::string_view url) const;

  // The key a person would add to `.npmrc` to give a token for `url`'s registry:
  // "//host:port/path/:_authToken".
  static std::string token_key_for(std::string_view registry_url);

 private:
  struct Credentials {
    std::optional<std::string> auth_token, auth, username, password;
  };
  // Merges `text` in, keeping what is already set (earlier files win).
  void merge(std::string_view text, const EnvLookup& env, bool& registry_set);

  std::string m_default_registry;
  std::map<std::string, std::string> m_scope_registries;  // "myorg" -> "https://x/"
  std::map<std::string, Credentials> m_credentials;       // "host:port/path/" -> credentials
};

}  // namespace bundler
