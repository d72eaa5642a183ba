#include "deploy/registry/pull.hpp"

#include "deploy/registry/manifest.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

namespace deploy::registry {
namespace {

std::string digest_of(const std::string& bytes) {
  return "sha256:" + util::sha256_hex(bytes);
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
  get.headers.push_back(std::string("Accept: ") + k_oci_index_type + ", " + k_oci_manifest_type +
                        ", " + k_docker_list_type + ", " + k_docker_manifest_type);
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
  media_type = parse_manifest(reply.body, media_type, "manifest " + what).media_type;
  return {reply.body, media_type};
}

PulledImage ImagePull::image(const std::string& os, const std::string& architecture) {
  const std::string target = m_ref.digest.empty() ? m_ref.tag : m_ref.digest;
  auto [bytes, media_type] = manifest(target);
  const std::string wanted = os + "/" + architecture;
  Manifest parsed = parse_manifest(bytes, media_type, "manifest of " + m_ref.to_string());
  if (parsed.is_index()) {
    std::string found;
    std::string others;
    for (const auto& entry : parsed.manifests) {
      if (entry.os == os && entry.architecture == architecture) {
        found = entry.digest;
        break;
      }
      // Attestations (unknown/unknown) are not images anyone asked for.
      if (entry.os != "unknown") {
        others += (others.empty() ? "" : ", ") + entry.platform();
      }
    }
    if (found.empty()) {
      throw util::Error("base image " + m_ref.to_string() + " has no " + wanted +
                        " image (it has " + (others.empty() ? std::string("none") : others) +
                        "): sbfn builds " + wanted + " images only");
    }
    std::tie(bytes, media_type) = manifest(found);
    parsed = parse_manifest(bytes, media_type, "manifest " + found + " of " + m_ref.to_string());
  }
  if (!parsed.is_image_manifest()) {
    throw util::Error("base image " + m_ref.to_string() + " has a manifest of type '" +
                      parsed.media_type + "', which sbfn cannot build on (it reads " +
                      k_oci_manifest_type + " and " + k_docker_manifest_type + ")");
  }
  PulledImage image;
  image.manifest = bytes;
  image.manifest_digest = digest_of(bytes);
  const Descriptor config = parsed.config.value_or(Descriptor{});
  image.config = blob(config.digest, config.size.value_or(0));
  const std::string has =
      parse_image_config(image.config, "the config of base image " + m_ref.to_string()).platform;
  if (has != wanted) {
    throw util::Error("base image " + m_ref.to_string() + " is a " + has + " image: sbfn builds " +
                      wanted + " images only");
  }
  for (const auto& layer : parsed.layers) {
    image.layers.push_back({layer.media_type, layer.digest, layer.size.value_or(0)});
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
