#include "deploy/emit/emit.hpp"
#include "deploy/image.hpp"
#include "util/base64.hpp"

#include <cctype>

namespace deploy::emit {
namespace {

using json = nlohmann::ordered_json;

// Where the env file's names land in the container (see env_names_config_map).
constexpr const char* k_env_mount = "/etc/sbfn";
constexpr const char* k_env_file_key = "functions.env";

json metadata(const std::string& name, const json& labels) {
  return {{"name", name}, {"labels", labels}};
}

json http_probe(int initial_delay, int period) {
  return {{"httpGet", {{"path", "/health"}, {"port", "http"}}},
          {"initialDelaySeconds", initial_delay},
          {"periodSeconds", period},
          {"timeoutSeconds", 2},
          {"failureThreshold", 3}};
}

// sbfn serve gives functions the variables of its --env-file, not of its own environment,
// and expands `${NAME}` in that file from its environment. So the values stay in the Secret
// (the container's environment, which also gives serve its JWT_SECRET), and a ConfigMap
// holds only `NAME=${NAME}` lines, mounted as the --env-file.
json env_names_config_map(const KubernetesOptions& options, const std::string& name,
                          const json& labels) {
  std::string lines;
  for (const auto& [key, value] : options.env) {
    lines += key + "=${" + key + "}\n";
  }
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", metadata(name + "-env-names", labels)},
          {"data", {{k_env_file_key, lines}}}};
}

json env_secret(const KubernetesOptions& options, const std::string& name, const json& labels) {
  json data = json::object();
  for (const auto& [key, value] : options.env) {
    data[key] = util::base64_encode(value);
  }
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", metadata(name + "-env", labels)},
          {"type", "Opaque"},
          {"data", data}};
}

json deployment(const KubernetesOptions& options, const std::string& name, const json& labels,
                const json& selector) {
  json container = {
      {"name", k_container_name},
      {"image", options.image},
      {"ports",
       json::array({{{"name", "http"}, {"containerPort", k_image_port}, {"protocol", "TCP"}}})},
      // Ready when /health answers; restarted when it stops answering for 30 s.
      {"readinessProbe", http_probe(1, 5)},
      {"livenessProbe", http_probe(10, 10)},
      // Requests are what the HPA's CPU utilisation is measured against.
      {"resources",
       {{"requests", {{"cpu", "250m"}, {"memory", "256Mi"}}},
        {"limits", {{"cpu", "1"}, {"memory", "1Gi"}}}}},
  };
  json pod = {{"containers", json::array()}};
  if (!options.env.empty()) {
    // Appended to the image's entrypoint (sbfn serve --bundle /functions ...).
    container["args"] = {"--env-file", std::string(k_env_mount) + "/" + k_env_file_key};
    container["envFrom"] = json::array({{{"secretRef", {{"name", name + "-env"}}}}});
    container["volumeMounts"] =
        json::array({{{"name", "env-names"}, {"mountPath", k_env_mount}, {"readOnly", true}}});
    pod["volumes"] =
        json::array({{{"name", "env-names"}, {"configMap", {{"name", name + "-env-names"}}}}});
  }
  pod["containers"].push_back(container);
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", metadata(name, labels)},
          {"spec",
           {{"replicas", 2},
            {"selector", {{"matchLabels", selector}}},
            {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod}}}}}};
}

json service(const std::string& name, const json& labels, const json& selector) {
  return {
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", metadata(name, labels)},
      {"spec",
       {{"type", "ClusterIP"},
        {"selector", selector},
        {"ports",
         json::array(
             {{{"name", "http"}, {"port", 80}, {"targetPort", "http"}, {"protocol", "TCP"}}})}}}};
}

json autoscaler(const std::string& name, const json& labels) {
  json cpu = {
      {"type", "Resource"},
      {"resource",
       {{"name", "cpu"}, {"target", {{"type", "Utilization"}, {"averageUtilization", 70}}}}}};
  return {{"apiVersion", "autoscaling/v2"},
          {"kind", "HorizontalPodAutoscaler"},
          {"metadata", metadata(name, labels)},
          {"spec",
           {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", name}}},
            {"minReplicas", 2},
            {"maxReplicas", 10},
            {"metrics", json::array({cpu})}}}};
}

json ingress(const KubernetesOptions& options, const std::string& name, const json& labels) {
  json path = {{"path", "/"},
               {"pathType", "Prefix"},
               {"backend", {{"service", {{"name", name}, {"port", {{"name", "http"}}}}}}}};
  json rule = {{"host", options.ingress_host}, {"http", {{"paths", json::array({path})}}}};
  return {{"apiVersion", "networking.k8s.io/v1"},
          {"kind", "Ingress"},
          {"metadata", metadata(name, labels)},
          {"spec", {{"rules", json::array({rule})}}}};
}

}  // namespace

std::string kubernetes_name(const std::string& image) {
  // The repository's last segment: drop a digest, then a tag (a ':' after the last '/').
  auto end = image.find('@');
  std::string path = image.substr(0, end);
  auto slash = path.rfind('/');
  auto colon = path.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    path.resize(colon);
  }
  std::string last = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string name;
  for (char c : last) {
    auto lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool ok = std::isalnum(static_cast<unsigned char>(lower)) != 0;
    if (ok || (!name.empty() && name.back() != '-')) {
      name += ok ? lower : '-';
    }
  }
  // Room for the "-env-names" suffix within the 63 characters of a label.
  if (name.size() > 50) {
    name.resize(50);
  }
  while (!name.empty() && name.back() == '-') {
    name.pop_back();
  }
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) {
    return name.empty() ? "sbfn-functions" : "fn-" + name;
  }
  return name;
}

std::vector<json> kubernetes_objects(const KubernetesOptions& options) {
  const auto name = options.name.empty() ? kubernetes_name(options.image) : options.name;
  const json selector = {{"app.kubernetes.io/name", name}};
  const json labels = {{"app.kubernetes.io/name", name}, {"app.kubernetes.io/managed-by", "sbfn"}};
  std::vector<json> out;
  if (!options.env.empty()) {
    out.push_back(env_secret(options, name, labels));
    out.push_back(env_names_config_map(options, name, labels));
  }
  out.push_back(deployment(options, name, labels, selector));
  out.push_back(service(name, labels, selector));
  out.push_back(autoscaler(name, labels));
  if (!options.ingress_host.empty()) {
    out.push_back(ingress(options, name, labels));
  }
  return out;
}

}  // namespace deploy::emit
