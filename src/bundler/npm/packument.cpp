#include "bundler/npm/packument.hpp"

#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace bundler {
namespace {

using json = nlohmann::json;

// The names npm gives this machine (Node's process.platform and process.arch).
#if defined(__aarch64__)
constexpr const char* k_this_cpu = "arm64";
#else
constexpr const char* k_this_cpu = "x64";
#endif
constexpr const char* k_this_os = "linux";

std::map<std::string, std::string> string_map(const json& value) {
  std::map<std::string, std::string> out;
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (item.is_string()) {
        out[key] = item.get<std::string>();
      }
    }
  }
  return out;
}

std::vector<std::string> string_list(const json& value) {
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
  } else if (value.is_string()) {
    out.push_back(value.get<std::string>());
  }
  return out;
}

// Deno's parse_dep_entry_name_and_raw_version: "npm:real@range" aliases, and values the
// npm registry cannot serve.
NpmDependency entry(const std::string& key, const std::string& value, NpmDependency::Kind kind) {
  NpmDependency out;
  out.kind = kind;
  out.specifier = key;
  out.name = key;
  out.req = value;
  if (value.rfind("npm:", 0) == 0) {
    auto rest = value.substr(4);
    auto at = rest.rfind('@');
    if (at == std::string::npos || at == 0) {
      out.name = rest;
      out.req = "*";
    } else {
      out.name = rest.substr(0, at);
      out.req = rest.substr(at + 1);
    }
  }
  for (const char* remote : {"https://", "http://", "git:", "github:", "git+", "file:", "link:"}) {
    if (out.req.rfind(remote, 0) == 0) {
      out.unsupported = "Package specified a dependency outside of npm (" + out.req +
                        "). Deno does not install these for security reasons, nor does sbfn.";
    }
  }
  return out;
}

NpmVersionInfo parse_version(const json& doc) {
  NpmVersionInfo info;
  info.version = doc.value("version", "");
  const auto& dist = doc.contains("dist") ? doc["dist"] : json::object();
  if (dist.is_object()) {
    info.dist.tarball = dist.value("tarball", "");
    if (dist.contains("integrity") && dist["integrity"].is_string()) {
      info.dist.integrity = dist["integrity"].get<std::string>();
    } else if (dist.contains("shasum") && dist["shasum"].is_string()) {
      info.dist.integrity = dist["shasum"].get<std::string>();
    }
  }
  auto get = [&doc](const char* field) { return doc.contains(field) ? doc[field] : json(); };
  auto dependencies = string_map(get("dependencies"));
  auto optional = string_map(get("optionalDependencies"));
  auto peers = string_map(get("peerDependencies"));
  auto meta = get("peerDependenciesMeta");
  std::set<std::string> bundled;
  for (const char* field : {"bundleDependencies", "bundledDependencies"}) {
    auto value = get(field);
    if (value.is_boolean() && value.get<bool>()) {  // `true`: every dependency is bundled
      for (const auto& [key, _] : dependencies) {
        bundled.insert(key);
      }
    }
    for (const auto& name : string_list(value)) {
      bundled.insert(name);
    }
  }
  // Most packuments repeat optionalDependencies inside dependencies, some do not.
  for (const auto& [key, value] : optional) {
    dependencies.emplace(key, value);
  }
  std::map<std::string, NpmDependency> by_key;
  for (const auto& [key, value] : peers) {
    bool optional_peer = meta.is_object() && meta.contains(key) && meta[key].is_object() &&
                         meta[key].value("optional", false);
    by_key[key] = entry(
        key, value, optional_peer ? NpmDependency::Kind::optional_peer : NpmDependency::Kind::peer);
  }
  for (const auto& [key, value] : dependencies) {
    if (bundled.count(key) != 0) {
      continue;  // it ships inside the tarball
    }
    auto dep = entry(key, value, NpmDependency::Kind::dependency);
    dep.optional = optional.count(key) != 0;
    if (auto it = by_key.find(key); it != by_key.end()) {
      it->second.fallback_req = dep.req;
    } else {
      by_key[key] = dep;
    }
  }
  for (auto& [_, dep] : by_key) {
    info.dependencies.push_back(std::move(dep));
  }
  std::sort(info.dependencies.begin(), info.dependencies.end(),
            [](const NpmDependency& a, const NpmDependency& b) {
              return a.name != b.name ? a.name < b.name : a.req > b.req;
            });
  info.dist.os = string_list(get("os"));
  info.dist.cpu = string_list(get("cpu"));
  info.dist.deprecated = doc.contains("deprecated") && doc["deprecated"].is_string();
  info.dist.bin = doc.contains("bin") && !doc["bin"].is_null();
  auto scripts = get("scripts");
  info.dist.scripts =
      doc.value("hasInstallScript", false) ||
      (scripts.is_object() && (scripts.contains("install") || scripts.contains("preinstall") ||
                               scripts.contains("postinstall")));
  return info;
}

// Packuments run to megabytes (every version's readme-less manifest, exports maps,
// scripts...): only the fields the resolver reads are kept while parsing.
bool wanted_field(int depth, json::parse_event_t event, const json& parsed) {
  if (event != json::parse_event_t::key || (depth != 1 && depth != 3)) {
    return true;
  }
  static const std::set<std::string, std::less<>> k_top{"name", "dist-tags", "versions"};
  static const std::set<std::string, std::less<>> k_version{"version",
                                                            "dist",
                                                            "dependencies",
                                                            "optionalDependencies",
                                                            "peerDependencies",
                                                            "peerDependenciesMeta",
                                                            "bundleDependencies",
                                                            "bundledDependencies",
                                                            "os",
                                                            "cpu",
                                                            "bin",
                                                            "scripts",
                                                            "hasInstallScript",
                                                            "deprecated"};
  const auto& key = parsed.get_ref<const std::string&>();
  return (depth == 1 ? k_top : k_version).count(key) != 0;
}

}  // namespace

std::vector<std::string> Packument::version_list() const {
  std::vector<std::string> out;
  out.reserve(versions.size());
  for (const auto& [version, _] : versions) {
    out.push_back(version);
  }
  return out;
}

Packument parse_packument(std::string_view text, const std::string& name) {
  json doc = json::parse(text, &wanted_field, false);
  if (!doc.is_object() || !doc.contains("versions") || !doc["versions"].is_object()) {
    throw util::Error("The npm registry sent something that is not package information for '" +
                      name + "'.");
  }
  Packument out;
  try {
    out.name = doc.value("name", name);
    out.dist_tags = string_map(doc.contains("dist-tags") ? doc["dist-tags"] : json());
    for (const auto& [version, info] : doc["versions"].items()) {
      if (info.is_object()) {
        auto parsed = parse_version(info);
        if (parsed.version.empty()) {
          parsed.version = version;
        }
        out.versions.emplace(version, std::move(parsed));
      }
    }
  } catch (const json::exception& error) {
    // A field of the wrong type ("version": {} — found by fuzz/packument.cpp): the
    // registry's document is refused like any other that is not package information.
    throw util::Error("The npm registry sent package information for '" + name +
                      "' that cannot be read: " + error.what());
  }
  return out;
}

bool matches_system(const std::vector<std::string>& os, const std::vector<std::string>& cpu) {
  auto matches = [](const std::vector<std::string>& list, const std::string& here) {
    bool has_positive = false;
    bool named = false;
    for (const auto& item : list) {
      if (!item.empty() && item.front() == '!') {
        if (item.substr(1) == here) {
          return false;
        }
      } else {
        has_positive = true;
        named = named || item == here;
      }
    }
    return !has_positive || named;
  };
  return matches(os, k_this_os) && matches(cpu, k_this_cpu);
}

}  // namespace bundler
