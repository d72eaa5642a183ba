#pragma once

// `sbfn deploy --to URL` (bundle, then upload each function to a remote `sbfn serve`), its
// `--list`, `--rollback NAME` and `--delete NAME`, and `sbfn secrets`.

#include "deploy/deploy.hpp"

#include <string>
#include <utility>
#include <vector>

namespace deploy::remote {

// Returns the exit code: 0, or 1 when a function failed to bundle or the remote refused
// one (it keeps serving the version it had). Throws util::Error for a request that cannot
// start (no token, an unreachable remote).
int deploy_to_remote(const DeployRequest& request);

struct SecretsRequest {
  enum class Action { set, list, unset } action = Action::list;
  std::vector<std::string> arguments;  // set: NAME=VALUE; unset: NAME
  std::vector<std::string> env_files;  // set: --env-file
  std::string to;
  std::string token_file;
  bool admin_insecure = false;
  bool json = false;
};

// `sbfn secrets set|list|unset`, as `supabase secrets` has them. Returns the exit code.
int run_secrets(const SecretsRequest& request);

// NAME=VALUE pairs from the env files then the arguments (later wins), the SUPABASE_ ones
// left out with Supabase's warning on stderr. Throws util::Error "Invalid secret pair".
std::vector<std::pair<std::string, std::string>> secret_pairs(
    const std::vector<std::string>& env_files, const std::vector<std::string>& arguments);

}  // namespace deploy::remote
