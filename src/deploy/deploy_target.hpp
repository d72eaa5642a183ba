#pragma once

// Where `sbfn deploy` sends the image when no target flag is given: first the environment
// (SBFN_DEPLOY_IMAGE / SBFN_DEPLOY_TO, what CI sets), then the `[deploy]` table of the
// project's sbfn.toml (project/sbfn_toml.hpp). Flags win over both, the environment over
// the file, so CI can redirect a project's usual target without editing it.

#include "deploy/deploy.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace deploy {

// No target anywhere, or two at one level: a usage error (exit 2).
class TargetChoiceError : public util::Error {
 public:
  using util::Error::Error;
};

// Reads a variable of the environment; null when it is not set.
using EnvLookup = std::function<const char*(const char*)>;

// Fills `request.image` or `request.to` (and `request.token_file` for `to`, when not given)
// when none of --image, --to and --oci-layout is set. Returns where the target came from
// ("SBFN_DEPLOY_IMAGE", "sbfn.toml:1 [deploy] image"), or none for a flag. Throws
// TargetChoiceError when there is no target or two, util::Error for a broken sbfn.toml.
std::optional<std::string> resolve_target(DeployRequest& request, const EnvLookup& env,
                                          const std::optional<std::filesystem::path>& sbfn_toml);

}  // namespace deploy
