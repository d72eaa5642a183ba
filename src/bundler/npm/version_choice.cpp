#include "bundler/npm/version_choice.hpp"

#include "runtime/tools.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace bundler {
namespace {

using json = nlohmann::json;

json semver(const json& call) {
  return json::parse(runtime::compiler_tool("semver", call.dump()));
}

// semver's answer to `call` (a version or null), asked once per `key`.
const std::optional<std::string>& remembered(
    std::map<std::string, std::optional<std::string>>& memo, const std::string& key,
    const json& call) {
  auto it = memo.find(key);
  if (it == memo.end()) {
    auto answer = semver(call);
    auto value =
        answer.is_string() ? std::optional<std::string>(answer.get<std::string>()) : std::nullopt;
    it = memo.emplace(key, std::move(value)).first;
  }
  return it->second;
}

// Deno's WILDCARD_VERSION_REQ: what npm's semver reads as "*".
bool is_wildcard(const std::string& req) {
  return req.find_first_not_of("xX*. ") == std::string::npos;
}

}  // namespace

bool VersionChooser::is_tag(const std::string& req) {
  // Ranges start with a digit, an operator, a wildcard or a space: no need to ask.
  if (req.empty() || is_wildcard(req) ||
      std::string_view("0123456789^~<>=*| vV").find(req.front()) != std::string_view::npos) {
    return false;
  }
  return !remembered(m_valid_ranges, req, {"validRange", req}).has_value();
}

std::optional<std::string> VersionChooser::max_satisfying(const std::string& cache_key,
                                                          const std::vector<std::string>& versions,
                                                          const std::string& req) {
  if (versions.empty()) {
    return std::nullopt;
  }
  return remembered(m_max_satisfying, cache_key + "\n" + req, {"maxSatisfying", versions, req});
}

bool VersionChooser::satisfies(const Packument& packument, const std::string& version,
                               const std::string& req) {
  if (is_tag(req)) {
    auto tag = packument.dist_tags.find(req);
    return tag != packument.dist_tags.end() && tag->second == version;
  }
  auto key = version + "\n" + req;
  auto it = m_satisfies.find(key);
  if (it == m_satisfies.end()) {
    it = m_satisfies.emplace(key, semver({"satisfies", version, req}).get<bool>()).first;
  }
  return it->second;
}

std::optional<std::string> VersionChooser::try_choose(const Packument& packument,
                                                      const std::string& req,
                                                      const std::vector<std::string>& existing) {
  const auto& name = packument.name;
  auto latest = packument.dist_tags.find("latest");
  if (is_tag(req)) {
    auto tag = packument.dist_tags.find(req);
    if (tag == packument.dist_tags.end() || packument.versions.count(tag->second) == 0) {
      return std::nullopt;
    }
    return tag->second;  // an existing version "satisfies" a tag only by being this one
  }
  // Each question to semver crosses to the compiler thread, so the answers that follow
  // from one another are not asked: the highest version that satisfies `req` at all
  // decides most of the rest.
  // When nothing satisfies `req`, no existing version does either; only a wildcard still
  // takes `latest` (even a prerelease one).
  auto best = max_satisfying(name + "\nall", packument.version_list(), req);
  // Versions already in the graph are reused first (fewer copies of one package).
  if (best && !existing.empty()) {
    if (std::find(existing.begin(), existing.end(), *best) != existing.end()) {
      return best;
    }
    std::string key;
    for (const auto& version : existing) {
      key += version + " ";
    }
    if (auto reused = max_satisfying(name + "\nexisting " + key, existing, req)) {
      return reused;
    }
  }
  if (latest != packument.dist_tags.end() && name != "@types/node" &&
      packument.versions.count(latest->second) != 0 &&
      (is_wildcard(req) ||
       (best && (latest->second == *best || satisfies(packument, latest->second, req))))) {
    return latest->second;
  }
  return best;
}

std::string VersionChooser::choose(const Packument& packument, const std::string& req,
                                   const std::vector<std::string>& existing) {
  if (auto version = try_choose(packument, req, existing)) {
    return *version;
  }
  throw util::Error(not_found(packument, req));
}

void VersionChooser::forget(const std::string& name) {
  auto prefix = name + "\n";
  for (auto it = m_max_satisfying.lower_bound(prefix);
       it != m_max_satisfying.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = m_max_satisfying.erase(it);
  }
}

std::string VersionChooser::not_found(const Packument& packument, const std::string& req) {
  const auto& name = packument.name;
  if (is_tag(req)) {
    auto it = packument.dist_tags.find(req);
    if (it != packument.dist_tags.end()) {
      return "Could not find version '" + it->second + "' referenced in dist-tag '" + req +
             "' for npm package '" + name + "'.";
    }
    std::string tags;
    for (const auto& [tag, version] : packument.dist_tags) {
      tags += (tags.empty() ? "" : ", ") + tag + " (" + version + ")";
    }
    return "Could not find dist-tag '" + req + "' for npm package '" + name + "'." +
           (tags.empty() ? "" : " Its dist-tags: " + tags + ".");
  }
  auto sorted = semver({"rsort", packument.version_list()});
  std::string list;
  std::size_t shown = 0;
  for (const auto& version : sorted) {
    if (shown++ == 12) {
      list += ", ... (" + std::to_string(sorted.size() - 12) + " more)";
      break;
    }
    list += (list.empty() ? "" : ", ") + version.get<std::string>();
  }
  return "Could not find npm package '" + name + "' matching '" + req + "'." +
         (list.empty() ? " It has no versions." : " Available versions: " + list + ".");
}

}  // namespace bundler
