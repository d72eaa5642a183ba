#pragma once

// Registry credentials as the docker CLI finds them (docker/cli cli/config): config.json in
// `$DOCKER_CONFIG` or `~/.docker`; a `credHelpers` entry for the registry, else
// `credsStore`, names a `docker-credential-<name>` program asked with `get`; otherwise the
// `auths` entry (`auth` = base64 "user:password", or `username`/`password`, and
// `identitytoken`). Docker Hub's key is `https://index.docker.io/v1/`. The variable
// DOCKER_AUTH_CONFIG (the same `auths` shape) comes before the file, as in recent docker.

#include "deploy/registry/registry.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace deploy::registry {

struct FoundCredentials {
  std::optional<Credentials> credentials;  // none: anonymous
  // Where they came from, for error messages: "docker-credential-pass", "/h/.docker/config.json".
  std::string source;
};

// `config_dir` empty means `$DOCKER_CONFIG`, else `$HOME/.docker`. A missing file means
// anonymous; a malformed one or a failing helper throws util::Error.
FoundCredentials find_docker_credentials(const std::string& registry,
                                         std::filesystem::path config_dir);

}  // namespace deploy::registry
