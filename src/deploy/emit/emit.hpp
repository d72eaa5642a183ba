#pragma once

// `sbfn deploy --emit cloudformation|kubernetes`: infrastructure that runs the image on an
// existing engine, generated from code (no template files to drift):
//
//   emit.hpp            this table of contents and the formats
//   cloudformation.cpp  ECS Fargate behind an ALB, as a CloudFormation template (JSON)
//   kubernetes.cpp      Deployment, Service, HorizontalPodAutoscaler, Secret, Ingress (YAML)
//   yaml.hpp            JSON values written as block YAML
//
// Facts: /work/shared/reference/deploy.md §8 (CloudFormation) and §9 (Kubernetes).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace deploy::emit {

enum class Format { cloudformation, kubernetes };

// "cloudformation" or "kubernetes"; nullopt for anything else.
std::optional<Format> parse_format(const std::string& name);

// The container name in the task definition and the pod: logs and events say `functions`.
inline constexpr const char* k_container_name = "functions";

// --- CloudFormation ---------------------------------------------------------------------

struct CloudFormationOptions {
  // The ImageUri parameter's default; empty: no default, the stack is given one
  // (`--aws-stack` passes the pushed image by digest).
  std::string image;
};

// The template: an ECS cluster, a Fargate service behind an Application Load Balancer
// (HTTP, and HTTPS when the CertificateArn parameter is set), target group health check on
// /health, CPU target tracking, a log group, the API keys in Secrets Manager, an execution
// role (so deploying needs CAPABILITY_IAM). Parameters keep the names of the ECS guide's
// template (ProjectName, Environment, ContainerPort, DesiredCount, CPU, Memory, JWTSecret,
// AnonKey, ServiceRoleKey, RequireAuth) so its parameters.json works unchanged, plus
// ImageUri, VpcId, Subnets, AssignPublicIp, CertificateArn and MaxCount.
nlohmann::ordered_json cloudformation_template(const CloudFormationOptions& options);

// The capability CreateStack/UpdateStack must be given for the template's IAM role.
inline constexpr const char* k_cloudformation_capability = "CAPABILITY_IAM";
// The output holding the load balancer's URL (`http://` or `https://` + its DNS name).
inline constexpr const char* k_url_output = "LoadBalancerURL";
// The parameter holding the image.
inline constexpr const char* k_image_parameter = "ImageUri";

// --- Kubernetes -------------------------------------------------------------------------

struct KubernetesOptions {
  std::string image;  // required
  std::string name;  // the objects' name; empty: from the image's repository (`.../fns:v1` → fns)
  // --env-file: the variables, in order. They go into a Secret (base64 in `data`, as
  // `kubectl create secret generic --from-env-file` makes it) and reach the functions.
  std::vector<std::pair<std::string, std::string>> env;
  std::string ingress_host;  // --ingress-host: an Ingress for this host; empty: none
};

// The objects, in the order `kubectl apply` should create them: Secret and ConfigMap (with
// an env file), Deployment, Service, HorizontalPodAutoscaler (autoscaling/v2), Ingress.
std::vector<nlohmann::ordered_json> kubernetes_objects(const KubernetesOptions& options);

// A DNS-1123 label made from an image reference's last path segment (`fns`), or
// `sbfn-functions` when nothing of it is usable.
std::string kubernetes_name(const std::string& image);

}  // namespace deploy::emit
