#include "bundler/jsr/jsr_meta.hpp"

#include "bundler/remote/url.hpp"
#include "util/error.hpp"

namespace bundler {

using json = nlohmann::json;

std::optional<std::string> jsr_version_from_meta(const json& meta, const VersionReq& req) {
  if (!meta.is_object()) {
    return std::nullopt;
  }
  if (req.is_tag()) {
    // jsr has no dist-tags; "latest" is the newest stable version the registry names. It
    // becomes part of URLs, so only a version is taken.
    auto latest = meta.find("latest");
    if (*req.tag() != "latest" || latest == meta.end() || !latest->is_string()) {
      return std::nullopt;
    }
    auto version = Version::parse(latest->get_ref<const std::string&>());
    return version ? std::optional<std::string>(version->to_string()) : std::nullopt;
  }
  auto versions = meta.find("versions");
  if (versions == meta.end() || !versions->is_object()) {
    return std::nullopt;
  }
  std::optional<Version> best;
  std::optional<Version> best_yanked;
  for (const auto& [text, info] : versions->items()) {
    auto version = Version::parse(text);
    if (!version || !req.matches(*version)) {
      continue;
    }
    // Only `"yanked": true` yanks; any other value is read as not yanked.
    bool yanked = info.is_object() && info.contains("yanked") && info["yanked"] == true;
    auto& slot = yanked ? best_yanked : best;
    if (!slot || *version > *slot) {
      slot = version;
    }
  }
  if (!best && !best_yanked) {
    return std::nullopt;
  }
  return (best ? *best : *best_yanked).to_string();
}

std::map<std::string, std::string> jsr_exports(const json& version_meta) {
  std::map<std::string, std::string> out;
  if (!version_meta.is_object() || !version_meta.contains("exports")) {
    return out;
  }
  const auto& exports = version_meta["exports"];
  if (exports.is_string()) {
    out["."] = exports.get<std::string>();
  } else if (exports.is_object()) {
    for (const auto& [key, value] : exports.items()) {
      if (value.is_string()) {
        out[key] = value.get<std::string>();
      }
    }
  }
  return out;
}

std::string jsr_export_url(const json& version_meta, const std::string& export_name,
                           const std::string& base, const std::string& package) {
  auto exports = jsr_exports(version_meta);
  auto target = exports.find(export_name);
  if (target == exports.end()) {
    std::string list;
    for (const auto& [name, _] : exports) {
      list += "\n * " + name;
    }
    throw util::Error("Unknown export '" + export_name + "' for '" + package +
                      "'.\n  Package exports:" + list);
  }
  auto url = Url::parse(target->second, base);
  if (!url || url->href().compare(0, base.size(), base) != 0) {
    throw util::Error("Invalid export '" + export_name + "' of '" + package + "': \"" +
                      target->second + "\" is outside the package");
  }
  return url->href();
}

std::string jsr_manifest_checksum(const json& version_meta, const std::string& path,
                                  const std::string& url) {
  const json* entry = nullptr;
  if (version_meta.is_object() && version_meta.contains("manifest")) {
    const auto& manifest = version_meta["manifest"];
    if (manifest.is_object() && manifest.contains(path)) {
      entry = &manifest[path];
    }
  }
  if (entry == nullptr) {
    throw util::Error("Module not found \"" + url + "\".");
  }
  std::string checksum;
  if (entry->is_object() && entry->contains("checksum") && (*entry)["checksum"].is_string()) {
    checksum = (*entry)["checksum"].get<std::string>();
  }
  if (checksum.rfind("sha256-", 0) != 0) {
    throw util::Error("Unsupported checksum in package manifest for \"" + url +
                      "\": " + (checksum.empty() ? entry->dump() : checksum));
  }
  return checksum.substr(7);
}

}  // namespace bundler
