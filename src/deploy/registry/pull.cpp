#include "deploy/registry/pull.hpp"

#include "util/error.hpp"
#include "util/hash.hpp"

#include <nlohmann/json.hpp>

namespace deploy::registry {
namespace {

using nlohmann::json;

constexpr const char* k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* k_oci_index = "application/vnd.oci.image.index.v1+json";
constexpr const char* k_docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr const char* k_docker_list = "application/vnd.docker.distribution.manifest.list.v2+json";

std::string digest_of(const std::string& bytes) {
  return "sha256:" + util::sha256_hex(bytes);
}

std::string platform_of(const json& platform) {
  std::string text = platform.value("os", "?") + "/" + platform.value("architecture", "?");
  if (auto variant = platform.value("variant", ""); !variant.empty()) {
    text += "/" + variant;
  }
  return text;
}

}  // namespace

ImagePull::ImagePull(const Reference& ref, const PushOptions& options)
    : m_ref(ref),
      m_options(options),
      m_session(m_ref, m_options, {"repository:" + ref.repository + ":pull"}) {
  m_session.connect();
}

std::pair<std::string, std::string> ImagePull::manifest(const std::string& target) {
  HttpRequest get =
      HttpRequest::to("GET", m_session.url(m_ref.repository + "/manifests/" + target));
  get.headers.push_back(std::string("Accept: ") + k_oci_index + ", " + k_oci_manifest + ", " +
                        k_docker_list + ", " + k_docker_manifest);
  HttpResponse reply = m_session.send(get);
  const std::string what = m_ref.registry + "/" + m_ref.repository +
                           (target.rfind("sha256:", 0) == 0 ? "@" : ":") + target;
  if (reply.status == 404) {
    throw util::Error("image " + what + " not found on registry " + m_ref.registry + " (" +
                      registry_error_text(reply.body) + "): check the name and tag");
  }
  if (reply.status != 200) {
    m_session.fail(reply, "reading manifest " + what);
  }
  const std::string digest = digest_of(reply.body);
  if (target.rfind("sha256:", 0) == 0 && digest != target) {
    throw util::Error("registry " + m_ref.registry + " sent manifest " + digest + " for " + what +
                      ": the bytes do not match the digest asked for");
  }
  std::string media_type = reply.header("content-type");
  media_type = media_type.substr(0, media_type.find(';'));
  json parsed = json::parse(reply.body, nullptr, false);
  if (!parsed.is_object()) {
    throw util::Error("manifest " + what + " is not JSON");
  }
  if (auto stated = parsed.value("mediaType", ""); !stated.empty()) {
    media_type = stated;
  }
  return {reply.body, media_type};
}

PulledImage ImagePull::image(const std::string& os, const std::string& architecture) {
  const std::string target = m_ref.digest.empty() ? m_ref.tag : m_ref.digest;
  auto [bytes, media_type] = manifest(target);
  const std::string wanted = os + "/" + architecture;
  if (media_type == k_oci_index || media_type == k_docker_list) {
    json index = json::parse(bytes);
    std::string found;
    std::string others;
    for (const auto& entry : index.value("manifests", json::array())) {
      const json platform = entry.value("platform", json::object());
      if (platform.value("os", "") == os && platform.value("architecture", "") == architecture) {
        found = entry.value("digest", "");
        break;
      }
      // Attestations (unknown/unknown) are not images anyone asked for.
      if (platform.value("os", "") != "unknown") {
        others += (others.empty() ? "" : ", ") + platform_of(platform);
      }
    }
    if (found.empty()) {
      throw util::Error("base image " + m_ref.to_string() + " has no " + wanted +
                        " image (it has " + (others.empty() ? std::string("none") : others) +
                        "): sbfn builds " + wanted + " images only");
    }
    std::tie(bytes, media_type) = manifest(found);
  }
  if (media_type != k_oci_manifest && media_type != k_docker_manifest) {
    throw util::Error("base image " + m_ref.to_string() + " has a manifest of type '" + media_type +
                      "', which sbfn cannot build on (it reads " + k_oci_manifest + " and " +
                      k_docker_manifest + ")");
  }
  PulledImage image;
  image.manifest = bytes;
  image.manifest_digest = digest_of(bytes);
  json parsed = json::parse(bytes);
  const json config = parsed.value("config", json::object());
  image.config = blob(config.value("digest", ""), config.value("size", std::uint64_t{0}));
  json config_json = json::parse(image.config, nullptr, false);
  if (!config_json.is_object()) {
    throw util::Error("base image " + m_ref.to_string() + ": its config is not JSON");
  }
  const std::string has =
      config_json.value("os", "?") + "/" + config_json.value("architecture", "?");
  if (has != wanted) {
    throw util::Error("base image " + m_ref.to_string() + " is a " + has + " image: sbfn builds " +
                      wanted + " images only");
  }
  for (const auto& layer : parsed.value("layers", json::array())) {
    image.layers.push_back({layer.value("mediaType", ""), layer.value("digest", ""),
                            layer.value("size", std::uint64_t{0})});
  }
  return image;
}

std::string ImagePull::blob(const std::string& digest, std::uint64_t size) {
  if (digest.rfind("sha256:", 0) != 0 || digest.size() != 71) {
    throw util::Error("base image " + m_ref.to_string() + " names '" + digest +
                      "', which is not a sha256 digest");
  }
  HttpResponse reply =
      m_session.send(HttpRequest::to("GET", m_session.url(m_ref.repository + "/blobs/" + digest)));
  if (reply.status != 200) {
    m_session.fail(reply, "reading blob " + digest + " of " + m_ref.repository);
  }
  if (digest_of(reply.body) != digest || (size != 0 && reply.body.size() != size)) {
    throw util::Error("registry " + m_ref.registry + " sent blob " + digest + " of " +
                      m_ref.repository + " with other bytes (" + std::to_string(reply.body.size()) +
                      " bytes, " + digest_of(reply.body) + "): refusing to build on it");
  }
  return std::move(reply.body);
}

}  // namespace deploy::registry
