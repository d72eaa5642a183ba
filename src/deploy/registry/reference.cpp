// Image references as Docker normalises them (distribution/reference: normalize.go and
// regexp.go): the grammar is small enough that checking each part by hand reads better
// than one large regular expression.

#include "deploy/registry/registry.hpp"
#include "util/error.hpp"

#include <regex>

namespace deploy::registry {
namespace {

constexpr std::string_view k_docker_hub = "docker.io";

bool is_registry_component(std::string_view first) {
  // Docker: a `.` or `:` makes it a host, as do `localhost` and any upper case letter
  // (repository names are lower case, so `Foo/bar` can only mean a host).
  if (first == "localhost" || first.find_first_of(".:") != std::string_view::npos) {
    return true;
  }
  for (char c : first) {
    if (c >= 'A' && c <= 'Z') {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string Reference::api_host() const {
  return registry == k_docker_hub ? "registry-1.docker.io" : registry;
}

std::string Reference::to_string() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) {
    out += ":" + tag;
  }
  if (!digest.empty()) {
    out += "@" + digest;
  }
  return out;
}

Reference parse_reference(std::string_view text) {
  static const std::regex k_repository(
      "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");
  static const std::regex k_tag("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  static const std::regex k_digest("sha256:[0-9a-f]{64}");
  static const std::regex k_host(
      "[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]+)?|\\[[0-9a-fA-F:.]+\\](:[0-9]+)?");

  const std::string whole(text);
  auto fail = [&](const std::string& why) -> Reference {
    throw util::Error("invalid image reference '" + whole + "': " + why);
  };
  if (text.empty()) {
    return fail("it is empty");
  }
  Reference ref;
  std::string rest = whole;
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest.resize(at);
    if (!std::regex_match(ref.digest, k_digest)) {
      return fail("the digest must be sha256: and 64 lower-case hex digits");
    }
  }
  // The tag is after the last `:` that comes after the last `/` (a `:` before it is a port).
  const auto slash = rest.rfind('/');
  if (auto colon = rest.rfind(':');
      colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    ref.tag = rest.substr(colon + 1);
    rest.resize(colon);
    if (!std::regex_match(ref.tag, k_tag)) {
      return fail("the tag '" + ref.tag + "' is not letters, digits, '_', '.' and '-' (max 128)");
    }
  }
  const auto first_slash = rest.find('/');
  if (first_slash != std::string::npos &&
      is_registry_component(std::string_view(rest).substr(0, first_slash))) {
    ref.registry = rest.substr(0, first_slash);
    ref.repository = rest.substr(first_slash + 1);
    if (!std::regex_match(ref.registry, k_host)) {
      return fail("'" + ref.registry + "' is not a registry host[:port]");
    }
  } else {
    ref.registry = std::string(k_docker_hub);
    ref.repository = rest;
  }
  if (ref.registry == "index.docker.io") {
    ref.registry = std::string(k_docker_hub);
  }
  if (ref.registry == k_docker_hub && ref.repository.find('/') == std::string::npos) {
    ref.repository = "library/" + ref.repository;
  }
  if (!std::regex_match(ref.repository, k_repository)) {
    return fail("the repository '" + ref.repository +
                "' must be lower-case letters and digits, separated by '.', '_', '-' or '/'");
  }
  if (ref.registry.size() + 1 + ref.repository.size() > 255) {
    return fail("the name is longer than 255 characters");
  }
  if (ref.tag.empty() && ref.digest.empty()) {
    ref.tag = "latest";
  }
  return ref;
}

}  // namespace deploy::registry
