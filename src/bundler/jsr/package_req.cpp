#include "bundler/jsr/package_req.hpp"

#include "util/error.hpp"

#include <optional>
#include <vector>

namespace bundler {
namespace {

std::string with_causes(std::string head, const std::vector<std::string>& causes) {
  for (std::size_t i = 0; i < causes.size(); ++i) {
    head += "\n    " + std::to_string(i) + ": " + causes[i];
  }
  return head;
}

// deno_semver's parse_with_path: the name (one or two segments), an optional `@req` on
// its last segment, then the rest as the sub path. `causes` is set on failure.
std::optional<std::pair<PackageReq, std::string_view>> parse_with_path(
    std::string_view input, std::vector<std::string>& causes) {
  if (!input.empty() && input.front() == '/') {
    input.remove_prefix(1);  // "jsr:/@std/path": the form import-map prefix joins make
  }
  auto split = [](std::string_view s) {
    auto slash = s.find('/');
    if (slash == std::string_view::npos) {
      return std::pair{s, std::string_view()};
    }
    return std::pair{s.substr(0, slash), s.substr(slash + 1)};
  };
  auto [first, rest] = split(input);
  if (first.empty()) {
    causes = {"Did not contain a package name"};
    return std::nullopt;
  }
  std::string_view scope;
  std::string_view last = first;
  if (first.front() == '@') {
    auto [second, after] = split(rest);
    if (second.empty()) {
      causes = {"Did not contain a valid package name"};
      return std::nullopt;
    }
    scope = first;
    last = second;
    rest = after;
  }
  PackageReq req;
  if (auto at = last.rfind('@'); at != std::string_view::npos) {
    auto version = VersionReq::try_parse_specifier(last.substr(at + 1), causes);
    if (!version) {
      return std::nullopt;
    }
    req.version_req = *version;
    last = last.substr(0, at);
  }
  req.name = scope.empty() ? std::string(last) : std::string(scope) + "/" + std::string(last);
  return std::pair{std::move(req), rest};
}

}  // namespace

std::string PackageReq::to_string() const {
  return version_req.raw() == "*" ? name : name + "@" + version_req.raw();
}

std::string PackageReq::normalized() const {
  return name + "@" + version_req.normalized();
}

PackageReqReference parse_package_req_reference(std::string_view specifier,
                                                std::string_view scheme) {
  auto prefix = std::string(scheme) + ":";
  if (specifier.substr(0, prefix.size()) != prefix) {
    throw util::Error("Not " + prefix + " specifier");
  }
  std::vector<std::string> causes;
  auto parsed = parse_with_path(specifier.substr(prefix.size()), causes);
  auto invalid = "Invalid package specifier '" + std::string(specifier) + "'";
  if (!parsed) {
    throw util::Error(with_causes(invalid, causes));
  }
  auto& [req, sub_path] = *parsed;
  if (scheme == "jsr" && req.name.front() != '@') {
    // jsr has no unscoped packages; Deno would ask the registry for one and fail there.
    throw util::Error(with_causes(
        invalid, {"Packages in the format <scope>/<name> must start with an '@' symbol"}));
  }
  PackageReqReference out{req, ""};
  if (!sub_path.empty() && sub_path != "/") {
    out.sub_path = std::string(sub_path);
  }
  if (!out.sub_path.empty() && req.version_req.raw() == "*") {
    if (auto at = out.sub_path.rfind('@'); at != std::string::npos) {
      auto current = req.to_string() + "/" + out.sub_path;
      auto suggested = req.to_string() + out.sub_path.substr(at) + "/" + out.sub_path.substr(0, at);
      throw util::Error("Invalid package specifier '" + prefix + current +
                        "'. Did you mean to write '" + prefix + suggested +
                        "'? If not, add a version requirement to the specifier.");
    }
  }
  return out;
}

PackageReq parse_package_req(std::string_view text) {
  std::vector<std::string> causes;
  auto parsed = parse_with_path(text, causes);
  if (parsed && !parsed->second.empty()) {
    causes = {"Invalid specifier version requirement", "Unexpected character '/'"};
    parsed.reset();
  }
  if (!parsed) {
    if (!text.empty() && text.front() != '@' && text.find('/') != std::string_view::npos) {
      causes = {"Packages in the format <scope>/<name> must start with an '@' symbol"};
    }
    throw util::Error(
        with_causes("Invalid package requirement '" + std::string(text) + "'", causes));
  }
  return parsed->first;
}

std::string normalized_export_name(std::string_view sub_path) {
  if (sub_path.empty() || sub_path == "/" || sub_path == ".") {
    return ".";
  }
  if (sub_path.back() == '/') {
    sub_path.remove_suffix(1);
  }
  if (sub_path.substr(0, 2) == "./") {
    return std::string(sub_path);
  }
  if (sub_path.front() == '/') {
    sub_path.remove_prefix(1);
  }
  return "./" + std::string(sub_path);
}

}  // namespace bundler
