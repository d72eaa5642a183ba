#include "deploy/deploy_target.hpp"

#include "project/sbfn_toml.hpp"

namespace deploy {
namespace {

constexpr const char* k_no_target =
    "no deploy target: give --image REF, --to URL or --oci-layout DIR; or set "
    "SBFN_DEPLOY_IMAGE or SBFN_DEPLOY_TO (as CI does); or write the target in sbfn.toml:\n"
    "  [deploy]\n"
    "  image = \"REF\"   # or: to = \"URL\" (with token_file = \"FILE\")";

std::string variable(const EnvLookup& env, const char* name) {
  const char* value = env(name);
  return value ? value : "";
}

// The token file of sbfn.toml's [deploy] for a `to` target that has none yet.
void take_token_file(DeployRequest& request,
                     const std::optional<project::DeploySettings>& settings) {
  if (request.token_file.empty() && settings) {
    request.token_file = settings->token_file;
  }
}

std::optional<project::DeploySettings> settings_of(
    const std::optional<std::filesystem::path>& sbfn_toml) {
  if (!sbfn_toml) {
    return std::nullopt;
  }
  return project::read_deploy_settings(*sbfn_toml);
}

}  // namespace

std::optional<std::string> resolve_target(DeployRequest& request, const EnvLookup& env,
                                          const std::optional<std::filesystem::path>& sbfn_toml) {
  if (!request.image.empty() || !request.oci_layout.empty()) {
    return std::nullopt;
  }
  if (!request.to.empty()) {
    take_token_file(request, settings_of(sbfn_toml));
    return std::nullopt;
  }
  const std::string image = variable(env, "SBFN_DEPLOY_IMAGE");
  const std::string to = variable(env, "SBFN_DEPLOY_TO");
  if (!image.empty() && !to.empty()) {
    throw TargetChoiceError(
        "SBFN_DEPLOY_IMAGE and SBFN_DEPLOY_TO are both set: set one of them (or give --image, "
        "--to or --oci-layout, which win over both)");
  }
  if (!image.empty()) {
    request.image = image;
    return "SBFN_DEPLOY_IMAGE";
  }
  if (!to.empty()) {
    request.to = to;
    take_token_file(request, settings_of(sbfn_toml));
    return "SBFN_DEPLOY_TO";
  }
  const auto settings = settings_of(sbfn_toml);
  if (!settings) {
    throw TargetChoiceError(k_no_target);
  }
  if (!settings->image.empty() && !settings->to.empty()) {
    throw TargetChoiceError(settings->origin +
                            ": [deploy] sets both image and to: keep the one to deploy to (the "
                            "other can be given as --image or --to when needed)");
  }
  if (!settings->image.empty()) {
    request.image = settings->image;
    return settings->origin + " [deploy] image";
  }
  if (!settings->to.empty()) {
    request.to = settings->to;
    take_token_file(request, settings);
    return settings->origin + " [deploy] to";
  }
  throw TargetChoiceError(settings->origin +
                          ": [deploy] names no target: add image = \"REF\" or to = \"URL\"");
}

}  // namespace deploy
