#include "deploy/registry/docker_config.hpp"

#include "util/base64.hpp"
#include "util/error.hpp"

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace deploy::registry {
namespace {

using nlohmann::json;

// config.json's key for a registry: Docker Hub keeps its v1 URL for compatibility.
std::string config_key(const std::string& registry) {
  return registry == "docker.io" ? "https://index.docker.io/v1/" : registry;
}

// Legacy keys carry a scheme and a path (`https://host:5000/v1/`); they match by host.
std::string key_host(std::string key) {
  if (auto scheme = key.find("://"); scheme != std::string::npos) {
    key = key.substr(scheme + 3);
  }
  if (auto slash = key.find('/'); slash != std::string::npos) {
    key.resize(slash);
  }
  return key;
}

struct HelperOutput {
  int exit_code = -1;
  std::string output;
};

// Runs `program get` with `key` on stdin; stdout and stderr are read together.
HelperOutput run_helper(const std::string& program, const std::string& key) {
  int in_pipe[2];
  int out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw util::Error("cannot run " + program + ": " + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 2);
  std::string get = "get";
  char* argv[] = {const_cast<char*>(program.c_str()), get.data(), nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (spawned != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    throw util::Error("credential helper " + program + " could not be run (" +
                      std::strerror(spawned) + "): is it on PATH?");
  }
  const std::string input = key + "\n";
  // The helper reads the key before answering, so writing first cannot deadlock.
  [[maybe_unused]] auto written = write(in_pipe[1], input.data(), input.size());
  close(in_pipe[1]);
  HelperOutput result;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(out_pipe[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) {
      result.output.append(buffer, static_cast<std::size_t>(n));
    }
  }
  close(out_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

FoundCredentials from_helper(const std::string& name, const std::string& key) {
  const std::string program = "docker-credential-" + name;
  HelperOutput out = run_helper(program, key);
  FoundCredentials found{std::nullopt, program};
  if (out.exit_code != 0) {
    if (out.output.find("credentials not found") != std::string::npos) {
      return found;  // nothing stored for this registry: anonymous, as docker does
    }
    throw util::Error(program + " get " + key + " failed (exit " + std::to_string(out.exit_code) +
                      "): " + out.output);
  }
  json reply = json::parse(out.output, nullptr, false);
  if (!reply.is_object()) {
    throw util::Error(program + " get " + key + " printed no JSON: " + out.output);
  }
  Credentials credentials;
  const std::string username = reply.value("Username", "");
  const std::string secret = reply.value("Secret", "");
  // `<token>` as the user name means the secret is an identity (refresh) token.
  if (username == "<token>") {
    credentials.identity_token = secret;
  } else {
    credentials.username = username;
    credentials.password = secret;
  }
  found.credentials = credentials;
  return found;
}

// The `auths` entry for `key` (exact, else by host for legacy keys); nullopt when none.
std::optional<FoundCredentials> from_auths(const json& auths, const std::string& key,
                                           const std::string& where) {
  const json* entry = nullptr;
  if (auto exact = auths.find(key); exact != auths.end()) {
    entry = &*exact;
  } else {
    for (auto it = auths.begin(); it != auths.end(); ++it) {
      if (key_host(it.key()) == key_host(key)) {
        entry = &it.value();
        break;
      }
    }
  }
  const std::string source = where + " (auths \"" + key + "\")";
  if (!entry || !entry->is_object()) {
    return std::nullopt;
  }
  Credentials credentials;
  credentials.username = entry->value("username", "");
  credentials.password = entry->value("password", "");
  credentials.identity_token = entry->value("identitytoken", "");
  if (const std::string auth = entry->value("auth", ""); !auth.empty()) {
    auto decoded = util::base64_decode(auth);
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos || colon == 0) {
      throw util::Error(source + ": \"auth\" is not base64 of user:password");
    }
    credentials.username = decoded->substr(0, colon);
    std::string password = decoded->substr(colon + 1);
    while (!password.empty() && password.back() == '\0') {
      password.pop_back();  // docker trims the NULs some writers leave
    }
    credentials.password = password;
  }
  if (credentials.username.empty() && credentials.identity_token.empty()) {
    return FoundCredentials{std::nullopt, source};
  }
  return FoundCredentials{credentials, source};
}

}  // namespace

FoundCredentials find_docker_credentials(const std::string& registry,
                                         std::filesystem::path config_dir) {
  const std::string key = config_key(registry);
  // Recent docker CLIs read this variable (config.json's `auths` shape) before the file.
  if (const char* env = std::getenv("DOCKER_AUTH_CONFIG"); env && *env) {
    json config = json::parse(env, nullptr, false);
    if (!config.is_object()) {
      throw util::Error("DOCKER_AUTH_CONFIG is not valid JSON");
    }
    if (auto auths = config.find("auths"); auths != config.end() && auths->is_object()) {
      if (auto found = from_auths(*auths, key, "$DOCKER_AUTH_CONFIG")) {
        return *found;
      }
    }
  }
  if (config_dir.empty()) {
    if (const char* env = std::getenv("DOCKER_CONFIG"); env && *env) {
      config_dir = env;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
      config_dir = std::filesystem::path(home) / ".docker";
    } else {
      return {};
    }
  }
  const auto path = config_dir / "config.json";
  std::ifstream file(path);
  if (!file) {
    return {std::nullopt, path.string() + " (absent)"};
  }
  std::stringstream text;
  text << file.rdbuf();
  json config = json::parse(text.str(), nullptr, false);
  if (!config.is_object()) {
    throw util::Error(path.string() + " is not valid JSON");
  }
  if (auto helpers = config.find("credHelpers"); helpers != config.end() && helpers->is_object()) {
    if (auto helper = helpers->find(key); helper != helpers->end() && helper->is_string()) {
      return from_helper(helper->get<std::string>(), key);
    }
  }
  if (auto store = config.find("credsStore");
      store != config.end() && store->is_string() && !store->get<std::string>().empty()) {
    return from_helper(store->get<std::string>(), key);
  }
  auto auths = config.find("auths");
  if (auths == config.end()) {
    return {std::nullopt, path.string()};
  }
  auto found = auths->is_object() ? from_auths(*auths, key, path.string()) : std::nullopt;
  return found ? *found : FoundCredentials{std::nullopt, path.string()};
}

}  // namespace deploy::registry
