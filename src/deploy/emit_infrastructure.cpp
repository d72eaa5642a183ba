#include "deploy/emit_infrastructure.hpp"

#include "deploy/emit/emit.hpp"
#include "deploy/emit/yaml.hpp"
#include "deploy/registry/registry.hpp"
#include "util/dotenv.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <cstdio>
#include <cstdlib>

namespace deploy {
namespace {

using json = nlohmann::ordered_json;

// `${VAR}` in the env file expands from this machine's environment, as for sbfn serve.
std::optional<std::string> host_variable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace

int emit_infrastructure(const EmitRequest& request) {
  auto format = emit::parse_format(request.format);
  if (!format) {
    throw util::Error("--emit " + request.format +
                      ": the formats are cloudformation and kubernetes");
  }
  if (!request.image.empty()) {
    registry::parse_reference(request.image);  // a typo is caught here, not at deploy time
  }
  std::string text;
  json summary;  // what the document holds, for the report
  if (*format == emit::Format::cloudformation) {
    if (!request.env_file.empty() || !request.ingress_host.empty()) {
      throw util::Error(
          "--env-file and --ingress-host are for --emit kubernetes; the CloudFormation "
          "template takes its secrets as the parameters JWTSecret, AnonKey and ServiceRoleKey "
          "(kept in Secrets Manager) and serves through its load balancer");
    }
    auto document = emit::cloudformation_template({request.image});
    text = document.dump(2) + "\n";
    summary["resources"] = json::object();
    for (const auto& [name, resource] : document["Resources"].items()) {
      summary["resources"][name] = resource["Type"];
    }
    summary["parameters"] = json::array();
    for (const auto& [name, parameter] : document["Parameters"].items()) {
      summary["parameters"].push_back(name);
    }
    summary["capabilities"] = {emit::k_cloudformation_capability};
    if (request.json && request.output_file.empty()) {
      summary["document"] = document;
    }
  } else {
    if (request.image.empty()) {
      throw util::Error(
          "--emit kubernetes needs the image the Deployment runs: give --image REF (or set "
          "SBFN_DEPLOY_IMAGE)");
    }
    emit::KubernetesOptions options;
    options.image = request.image;
    options.ingress_host = request.ingress_host;
    if (!request.env_file.empty()) {
      options.env = util::read_dotenv_file(request.env_file, host_variable);
    }
    auto objects = emit::kubernetes_objects(options);
    text = emit::to_yaml_stream(objects);
    summary["objects"] = json::array();
    for (const auto& object : objects) {
      summary["objects"].push_back(object["kind"].get<std::string>() + "/" +
                                   object["metadata"]["name"].get<std::string>());
    }
    if (request.json && request.output_file.empty()) {
      summary["document"] = objects;
    }
  }

  if (request.json) {
    json out = {{"dry_run", request.dry_run},
                {"emit", request.format},
                {"image", request.image.empty() ? json(nullptr) : json(request.image)},
                {"file", request.output_file.empty() ? json(nullptr) : json(request.output_file)},
                {"bytes", text.size()}};
    out.update(summary);
    std::printf("%s\n", out.dump(2).c_str());
  }
  if (request.output_file.empty()) {
    if (!request.json) {
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
    return 0;
  }
  if (request.dry_run) {
    if (!request.json) {
      std::printf("Dry run: would write %s (%zu bytes); nothing was written\n",
                  request.output_file.c_str(), text.size());
    }
    return 0;
  }
  util::write_file_atomic(request.output_file, text);
  if (!request.json) {
    std::printf("Wrote %s (%s, %zu bytes)\n", request.output_file.c_str(),
                *format == emit::Format::cloudformation
                    ? "CloudFormation template; deploy it with CAPABILITY_IAM"
                    : "Kubernetes manifests for kubectl apply -f",
                text.size());
  }
  return 0;
}

}  // namespace deploy
