#include "deploy/remote/deploy_remote.hpp"

#include "deploy/remote/admin_client.hpp"
#include "util/dotenv.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/human_size.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace deploy::remote {
namespace {

using nlohmann::json;

AdminClient client_for(const std::string& to, const std::string& token_file, bool insecure) {
  return AdminClient(resolve_target(to, token_file, insecure));
}

long long ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

// "2026-12-02T08:40:11.123Z" -> "2026-12-02 08:40:11", as `supabase functions list` shows it.
std::string display_time(const std::string& rfc3339) {
  auto text = rfc3339.substr(0, 19);
  std::replace(text.begin(), text.end(), 'T', ' ');
  return text;
}

void print_functions(const json& functions) {
  std::printf("%-24s %-8s %-10s %-20s %-4s %s\n", "NAME", "VERSION", "SOURCE", "DEPLOYED AT (UTC)",
              "JWT", "DIGEST");
  for (const auto& function : functions) {
    auto source = function.value("source", "");
    bool deployed = source == "deployed";
    std::printf("%-24s %-8s %-10s %-20s %-4s %s\n", function.value("slug", "").c_str(),
                deployed ? std::to_string(function.value("version", 0)).c_str() : "-",
                source.c_str(),
                deployed ? display_time(function.value("deployed_at", "")).c_str() : "-",
                function.value("verify_jwt", true) ? "on" : "off",
                deployed ? function.value("digest", "").c_str() : "-");
  }
}

int deploy_functions(const DeployRequest& request, AdminClient& client) {
  if (!request.secret_env_files.empty()) {
    auto pairs = secret_pairs(request.secret_env_files, {});
    if (!pairs.empty()) {
      client.set_secrets(pairs);
      std::fprintf(stderr, "Set %zu secret(s) on %s\n", pairs.size(), client.url().c_str());
    }
  }
  json results = json::array();
  bool refused = false;
  int status = bundler::build_artifacts(request.bundle, [&](bundler::BuiltArtifact&& built) {
    std::fprintf(stderr, "Bundled %s (%zu modules, %s) in %lld ms\n", built.slug.c_str(),
                 built.artifact.modules.size(), util::human_size(built.bytes.size()).c_str(),
                 built.build_ms);
    std::optional<bool> verify_jwt;
    if (built.verify_jwt_chosen) {
      verify_jwt = built.artifact.metadata.verify_jwt;
    }
    auto digest = "sha256:" + util::sha256_hex(built.bytes);
    if (request.dry_run) {
      std::printf("Dry run: would deploy %s (%s, %s) to %s; nothing was sent\n", built.slug.c_str(),
                  util::human_size(built.bytes.size()).c_str(), digest.c_str(),
                  client.url().c_str());
      results.push_back({{"name", built.slug}, {"digest", digest}, {"size", built.bytes.size()}});
      return;
    }
    std::fprintf(stderr, "Deploying %s to %s (%s)\n", built.slug.c_str(), client.url().c_str(),
                 util::human_size(built.bytes.size()).c_str());
    auto started = std::chrono::steady_clock::now();
    json deployed;
    try {
      deployed = client.deploy(built.slug, built.bytes, verify_jwt);
    } catch (const OutcomeUnknown& error) {
      std::fprintf(stderr, "error: %s may not have been deployed: %s\n", built.slug.c_str(),
                   error.what());
      refused = true;
      return;
    } catch (const util::Error& error) {
      std::fprintf(stderr, "error: %s was not deployed: %s\n", built.slug.c_str(), error.what());
      refused = true;
      return;
    }
    auto took = ms_since(started);
    if (!request.json && deployed.value("unchanged", false)) {
      std::printf("No change found in Function: %s (v%d is what the remote serves)\n",
                  built.slug.c_str(), deployed.value("version", 0));
    } else if (!request.json) {
      std::printf("Deployed %s v%d (%s, JWT %s) in %lld ms: %s/functions/v1/%s\n",
                  built.slug.c_str(), deployed.value("version", 0),
                  deployed.value("digest", "").c_str(),
                  deployed.value("verify_jwt", true) ? "verified" : "not verified", took,
                  client.url().c_str(), built.slug.c_str());
    }
    deployed["upload_ms"] = took;
    results.push_back(std::move(deployed));
  });
  if (request.json) {
    std::printf("%s\n", json{{"dry_run", request.dry_run},
                             {"target", {{"kind", "remote"}, {"url", client.url()}}},
                             {"functions", results}}
                            .dump(2)
                            .c_str());
  }
  if (status != 0 || refused) {
    std::fprintf(stderr, "error: not every function was deployed (see above)\n");
    return 1;
  }
  return 0;
}

}  // namespace

int deploy_to_remote(const DeployRequest& request) {
  auto client = client_for(request.to, request.token_file, request.admin_insecure);
  switch (request.remote_action) {
    case RemoteAction::deploy:
      return deploy_functions(request, client);
    case RemoteAction::list: {
      auto functions = client.list();
      if (request.json) {
        std::printf("%s\n", functions.dump(2).c_str());
      } else {
        print_functions(functions);
      }
      return 0;
    }
    case RemoteAction::rollback: {
      auto function = client.rollback(request.remote_slug);
      if (request.json) {
        std::printf("%s\n", function.dump(2).c_str());
      } else {
        std::printf("Rolled %s back to v%d (%s)\n", request.remote_slug.c_str(),
                    function.value("version", 0), function.value("digest", "").c_str());
      }
      return 0;
    }
    case RemoteAction::remove:
      client.remove(request.remote_slug);
      std::printf("Deleted Function %s from %s.\n", request.remote_slug.c_str(),
                  client.url().c_str());
      return 0;
  }
  return 1;
}

std::vector<std::pair<std::string, std::string>> secret_pairs(
    const std::vector<std::string>& env_files, const std::vector<std::string>& arguments) {
  std::vector<std::pair<std::string, std::string>> pairs;
  auto put = [&](std::string name, std::string value) {
    std::erase_if(pairs, [&](const auto& pair) { return pair.first == name; });
    pairs.emplace_back(std::move(name), std::move(value));
  };
  auto outer = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
  for (const auto& file : env_files) {
    for (auto& [name, value] : util::read_dotenv_file(file, outer)) {
      put(name, value);
    }
  }
  for (const auto& argument : arguments) {
    auto equals = argument.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw util::Error("Invalid secret pair: " + argument + ". Must be NAME=VALUE.");
    }
    put(argument.substr(0, equals), argument.substr(equals + 1));
  }
  std::erase_if(pairs, [](const auto& pair) {
    if (pair.first.starts_with("SUPABASE_")) {
      std::fprintf(stderr, "Env name cannot start with SUPABASE_, skipping: %s\n",
                   pair.first.c_str());
      return true;
    }
    return false;
  });
  return pairs;
}

int run_secrets(const SecretsRequest& request) {
  using Action = SecretsRequest::Action;
  std::vector<std::pair<std::string, std::string>> pairs;
  if (request.action == Action::set) {
    pairs = secret_pairs(request.env_files, request.arguments);  // before any network
    if (pairs.empty()) {
      std::fprintf(stderr, "No arguments found. Use --env-file to read from a .env file.\n");
      return 1;
    }
  }
  auto client = client_for(request.to, request.token_file, request.admin_insecure);
  switch (request.action) {
    case Action::set:
      client.set_secrets(pairs);
      std::printf("Finished sbfn secrets set.\n");
      return 0;
    case Action::list: {
      auto secrets = client.secrets();
      if (request.json) {
        std::printf("%s\n", secrets.dump(2).c_str());
        return 0;
      }
      std::printf("%-32s %s\n", "NAME", "DIGEST");
      for (const auto& secret : secrets) {
        std::printf("%-32s %s\n", secret.value("name", "").c_str(),
                    secret.value("digest", "").c_str());
      }
      return 0;
    }
    case Action::unset: {
      auto result = client.unset_secrets(request.arguments);
      for (const auto& name : result.value("unknown", json::array())) {
        std::fprintf(stderr, "warning: no secret named %s\n", name.get<std::string>().c_str());
      }
      std::printf("Finished sbfn secrets unset.\n");
      return 0;
    }
  }
  return 1;
}

}  // namespace deploy::remote
