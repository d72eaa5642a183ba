#include "bundler/npm/package_json.hpp"

#include "bundler/npm/paths.hpp"
#include "util/error.hpp"

namespace bundler {
namespace {

std::string string_field(const nlohmann::ordered_json& doc, const char* field) {
  if (!doc.contains(field) || !doc[field].is_string()) {
    return "";
  }
  auto value = doc[field].get<std::string>();
  auto begin = value.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return "";
  }
  return value.substr(begin, value.find_last_not_of(" \t\r\n") - begin + 1);
}

}  // namespace

const PackageJson* PackageJsons::in_folder(const std::string& folder) const {
  std::lock_guard lock(m_mutex);
  if (auto it = m_parsed.find(folder); it != m_parsed.end()) {
    return it->second.get();
  }
  auto& slot = m_parsed[folder];
  auto path = folder == "/" ? std::string("/package.json") : folder + "/package.json";
  auto text = m_files->read(path);
  if (!text) {
    return nullptr;
  }
  auto doc = nlohmann::ordered_json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    m_parsed.erase(folder);
    throw util::Error("Invalid package config " + path + ": it is not a JSON object.");
  }
  auto json = std::make_unique<PackageJson>();
  json->folder = folder;
  json->name = string_field(doc, "name");
  json->type = string_field(doc, "type");
  json->main = string_field(doc, "main");
  json->module = string_field(doc, "module");
  if (doc.contains("exports")) {
    json->exports = doc["exports"];
  }
  if (doc.contains("imports")) {
    json->imports = doc["imports"];
  }
  slot = std::move(json);
  return slot.get();
}

const PackageJson* PackageJsons::scope_of(const std::string& path) const {
  for (auto folder = npm_paths::parent(path);; folder = npm_paths::parent(folder)) {
    auto last = folder.substr(folder.rfind('/') + 1);
    if (last == "node_modules") {
      return nullptr;
    }
    if (const auto* found = in_folder(folder)) {
      return found;
    }
    if (folder == "/") {
      return nullptr;
    }
  }
}

}  // namespace bundler
