#include "bundler/npm/specifier.hpp"

#include "bundler/jsr/package_req.hpp"

namespace bundler {

// The grammar is deno_semver's, shared with jsr: specifiers (jsr/package_req.hpp).

std::string normalize_specifier_req(std::string_view req) {
  return req.empty() ? "*" : VersionReq::parse_specifier(req).normalized();
}

std::string NpmSpecifier::package_req() const {
  return name + "@" + normalize_specifier_req(req);
}

NpmSpecifier parse_npm_specifier(std::string_view text) {
  auto reference = parse_package_req_reference(text, "npm");
  NpmSpecifier out;
  out.name = reference.req.name;
  if (reference.req.version_req.raw() != "*") {
    out.req = reference.req.version_req.raw();
  }
  out.subpath = reference.sub_path;
  while (!out.subpath.empty() && out.subpath.back() == '/') {
    out.subpath.pop_back();
  }
  return out;
}

std::string_view package_scope(std::string_view name) {
  if (name.empty() || name.front() != '@') {
    return {};
  }
  auto slash = name.find('/');
  return slash == std::string_view::npos ? std::string_view() : name.substr(1, slash - 1);
}

std::string_view package_basename(std::string_view name) {
  if (package_scope(name).empty()) {
    return name;
  }
  return name.substr(name.find('/') + 1);
}

bool split_package_specifier(std::string_view specifier, std::string& name, std::string& subpath) {
  if (specifier.empty() || specifier.front() == '.' || specifier.front() == '/' ||
      specifier.front() == '#' || specifier.find(':') != std::string_view::npos) {
    return false;
  }
  auto slash = specifier.find('/');
  if (specifier.front() == '@') {
    if (slash == std::string_view::npos || slash == 1) {
      return false;
    }
    slash = specifier.find('/', slash + 1);
  }
  name = std::string(specifier.substr(0, slash));
  subpath =
      slash == std::string_view::npos ? std::string() : std::string(specifier.substr(slash + 1));
  return !name.empty() && name.back() != '/';
}

}  // namespace bundler
