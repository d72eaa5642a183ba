#include "project/templates.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <stdexcept>

extern "C" {
// Linked in by sbfn_embed (src/project/CMakeLists.txt).
extern const char sbfn_templates_pack[];
extern const unsigned long sbfn_templates_pack_size;
}

namespace project {

namespace {

constexpr std::string_view k_manifest = "template.json";

[[noreturn]] void malformed(const std::string& what) {
  throw std::runtime_error("malformed templates pack: " + what);
}

std::string_view next_line(std::string_view pack, std::size_t& at) {
  const auto end = pack.find('\n', at);
  if (end == std::string_view::npos) {
    malformed("a header line has no end");
  }
  const auto line = pack.substr(at, end - at);
  at = end + 1;
  return line;
}

// Every file of the pack, by path (`<template>/<path below it>`).
std::map<std::string, std::string> read_files(std::string_view pack) {
  std::map<std::string, std::string> files;
  std::size_t at = 0;
  while (at < pack.size()) {
    const std::string path(next_line(pack, at));
    const std::string size_text(next_line(pack, at));
    std::size_t size = 0;
    try {
      size = std::stoul(size_text);
    } catch (const std::exception&) {
      malformed("bad size for " + path);
    }
    if (size > pack.size() - at) {
      malformed(path + " is cut short");
    }
    files.emplace(path, std::string(pack.substr(at, size)));
    at += size;
  }
  return files;
}

TemplateVariant variant_from(const nlohmann::json& manifest, std::string name) {
  TemplateVariant variant;
  variant.name = std::move(name);
  variant.verify_jwt = manifest.value("verify_jwt", true);
  variant.try_lines = manifest.value("try", std::vector<std::string>{});
  variant.main_service = manifest.value("main_service", false);
  return variant;
}

Template template_from(const std::string& name, const std::map<std::string, std::string>& files) {
  const std::string prefix = name + "/";
  const auto manifest_file = files.find(prefix + std::string(k_manifest));
  if (manifest_file == files.end()) {
    malformed(name + " has no " + std::string(k_manifest));
  }
  nlohmann::json manifest;
  try {
    manifest = nlohmann::json::parse(manifest_file->second);
  } catch (const nlohmann::json::exception& error) {
    malformed(name + "/" + std::string(k_manifest) + ": " + error.what());
  }
  Template result;
  result.name = name;
  result.description = manifest.value("description", "");
  if (manifest.contains("variants")) {
    result.default_variant = manifest.value("default_auth", "");
    for (const auto& [variant_name, variant_manifest] : manifest.at("variants").items()) {
      result.variants.push_back(variant_from(variant_manifest, variant_name));
    }
  } else {
    result.variants.push_back(variant_from(manifest, ""));
  }
  // A file below `<variant>/` belongs to that variant; any other file to all of them.
  for (const auto& [path, content] : files) {
    if (!path.starts_with(prefix) || path == manifest_file->first) {
      continue;
    }
    const std::string inner = path.substr(prefix.size());
    bool own = false;
    for (auto& variant : result.variants) {
      if (!variant.name.empty() && inner.starts_with(variant.name + "/")) {
        variant.files.push_back({inner.substr(variant.name.size() + 1), content});
        own = true;
      }
    }
    if (!own) {
      for (auto& variant : result.variants) {
        variant.files.push_back({inner, content});
      }
    }
  }
  return result;
}

}  // namespace

std::vector<Template> parse_template_pack(std::string_view pack) {
  const auto files = read_files(pack);
  std::vector<std::string> names;
  for (const auto& [path, content] : files) {
    const std::string name = path.substr(0, path.find('/'));
    if (names.empty() || names.back() != name) {
      names.push_back(name);
    }
  }
  std::vector<Template> templates;
  for (const auto& name : names) {
    templates.push_back(template_from(name, files));
  }
  return templates;
}

const std::vector<Template>& builtin_templates() {
  static const std::vector<Template> templates =
      parse_template_pack(std::string_view(sbfn_templates_pack, sbfn_templates_pack_size));
  return templates;
}

}  // namespace project
