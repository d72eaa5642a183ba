// The image's config and manifest JSON. nlohmann::json keeps object keys sorted and dump()
// adds no whitespace, so the bytes (and digests) depend on the inputs alone.
#include "deploy/image.hpp"
#include "deploy/layer_cache.hpp"
#include "deploy/registry/manifest.hpp"
#include "util/hash.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>

namespace deploy {
namespace {

using nlohmann::json;

// The epoch rather than "now": a timestamp would change every digest on every build.
constexpr const char* k_created = "1970-01-01T00:00:00Z";
constexpr long long k_second_ns = 1000000000LL;

json descriptor(const std::string& media_type, const std::string& digest, std::uint64_t size) {
  return {{"mediaType", media_type}, {"digest", digest}, {"size", size}};
}

}  // namespace

Blob make_blob(std::string media_type, std::string bytes) {
  Blob blob{std::move(media_type), std::move(bytes), {}};
  blob.digest = "sha256:" + util::sha256_hex(blob.bytes);
  return blob;
}

std::string image_config_json(const std::vector<Layer>& layers, const ImageInputs& inputs) {
  const auto port = std::to_string(k_image_port);
  json labels = json::object();
  std::string names;
  for (const auto& function : inputs.functions) {
    names += (names.empty() ? "" : ",") + function.slug;
    labels["dev.sbfn.function." + function.slug + ".digest"] =
        "sha256:" + util::sha256_hex(function.bytes);
    labels["dev.sbfn.function." + function.slug + ".verify_jwt"] =
        function.verify_jwt ? "true" : "false";
  }
  labels["dev.sbfn.functions"] = names;
  if (!inputs.sbfn_version.empty()) {
    labels["dev.sbfn.version"] = inputs.sbfn_version;
  }
  if (inputs.revision) {
    labels["org.opencontainers.image.revision"] = *inputs.revision;
  }

  // On a base image, its settings are the starting point; ours replace what sbfn owns.
  json base = inputs.base ? json::parse(inputs.base->config) : json::object();
  json config = base.value("config", json::object());
  if (!config.is_object()) {
    config = json::object();
  }
  config["Entrypoint"] = {k_image_binary, "serve",   "--bundle", k_image_functions_dir,
                          "--host",       "0.0.0.0", "--port",   port};
  config.erase("Cmd");
  json env = config.value("Env", json::array());
  const bool has_path = std::any_of(env.begin(), env.end(), [](const json& entry) {
    return entry.is_string() && entry.get<std::string>().rfind("PATH=", 0) == 0;
  });
  if (!has_path) {
    env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  }
  config["Env"] = env;
  json exposed = config.value("ExposedPorts", json::object());
  exposed[port + "/tcp"] = json::object();
  config["ExposedPorts"] = exposed;
  json all_labels = config.value("Labels", json::object());
  if (!all_labels.is_object()) {
    all_labels = json::object();
  }
  all_labels.update(labels);
  config["Labels"] = all_labels;
  if (!config.contains("WorkingDir") || !config["WorkingDir"].is_string() ||
      config["WorkingDir"].get<std::string>().empty()) {
    config["WorkingDir"] = "/";
  }
  // Docker's own field (OCI reserves it): Docker runs it inside the container, which
  // has no curl, so sbfn probes itself. ECS and Kubernetes use their own checks on
  // the same /health.
  config["Healthcheck"] = {
      {"Test", {"CMD", k_image_binary, "healthcheck", "http://127.0.0.1:" + port + "/health"}},
      {"Interval", 30 * k_second_ns},
      {"Timeout", 5 * k_second_ns},
      {"StartPeriod", 5 * k_second_ns},
      {"Retries", 3}};
  // The base's fields as registry::parse_image_config checked them when it was pulled.
  json diff_ids = json::array();
  if (inputs.base) {
    for (const auto& id :
         registry::parse_image_config(inputs.base->config, "base config").diff_ids) {
      diff_ids.push_back(id);
    }
  }
  json history =
      base.contains("history") && base["history"].is_array() ? base["history"] : json::array();
  static const char* const k_layer_roles[] = {"the sbfn runtime: the binary and its libraries",
                                              "the functions: sbfn bundle artifacts"};
  for (std::size_t i = 0; i < layers.size(); ++i) {
    diff_ids.push_back(layers[i].diff_id);
    history.push_back(
        {{"created", k_created},
         {"created_by", std::string("sbfn deploy: ") + (i < 2 ? k_layer_roles[i] : "a layer")}});
  }
  json image = {
      {"architecture", "amd64"},
      {"os", "linux"},
      {"created", k_created},
      {"config", config},
      {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
      {"history", history},
  };
  return image.dump();
}

std::string image_manifest_json(const Blob& config, const std::vector<Layer>& layers) {
  json layer_descriptors = json::array();
  for (const auto& layer : layers) {
    layer_descriptors.push_back(descriptor(layer.media_type, layer.digest, layer.blob.size()));
  }
  json manifest = {
      {"schemaVersion", 2},
      {"mediaType", k_manifest_media_type},
      {"config", descriptor(config.media_type, config.digest, config.bytes.size())},
      {"layers", layer_descriptors},
  };
  return manifest.dump();
}

Image build_image(const ImageInputs& inputs, const RuntimeSources& sources) {
  Image image;
  std::vector<Layer> ours;
  ours.push_back(build_layer_cached(runtime_layer_entries(sources)));
  ours.push_back(build_layer(functions_layer_entries(inputs.functions)));
  image.config = make_blob(k_config_media_type, image_config_json(ours, inputs));
  if (inputs.base) {
    image.layers = inputs.base->layers;
    image.base_layers = image.layers.size();
  }
  std::move(ours.begin(), ours.end(), std::back_inserter(image.layers));
  image.manifest =
      make_blob(k_manifest_media_type, image_manifest_json(image.config, image.layers));
  return image;
}

}  // namespace deploy
