#include "support/jsr_registry_fixture.hpp"

#include "bundler/jsr/version_req.hpp"
#include "util/hash.hpp"

namespace test_support {

void JsrRegistry::publish(const std::string& name, const std::string& version,
                          std::map<std::string, std::string> files, nlohmann::json exports,
                          bool yanked) {
  nlohmann::json manifest = nlohmann::json::object();
  for (const auto& [path, source] : files) {
    manifest[path] = {{"size", source.size()}, {"checksum", "sha256-" + util::sha256_hex(source)}};
    bool typescript = path.size() > 3 && (path.ends_with(".ts") || path.ends_with(".tsx"));
    m_server.serve("/" + name + "/" + version + path, source,
                   typescript ? "application/typescript" : "text/javascript");
  }
  nlohmann::json meta = {
      {"manifest", manifest}, {"moduleGraph2", nlohmann::json::object()}, {"exports", exports}};
  auto bytes = meta.dump();
  m_version_meta[name + "@" + version] = bytes;
  m_server.serve("/" + name + "/" + version + "_meta.json", bytes, "application/json");
  m_versions[name][version] = yanked;
  serve_meta(name);
}

void JsrRegistry::serve_meta(const std::string& name) {
  auto slash = name.find('/');
  nlohmann::json versions = nlohmann::json::object();
  std::optional<bundler::Version> latest;
  for (const auto& [version, yanked] : m_versions[name]) {
    nlohmann::json info = {{"createdAt", "2025-01-01T00:00:00Z"}};
    if (yanked) {
      info["yanked"] = true;
    }
    versions[version] = info;
    auto parsed = bundler::Version::parse(version);
    if (!yanked && parsed && parsed->pre.empty() && (!latest || *parsed > *latest)) {
      latest = parsed;
    }
  }
  nlohmann::json meta = {{"scope", name.substr(1, slash - 1)},
                         {"name", name.substr(slash + 1)},
                         {"versions", versions}};
  meta["latest"] = latest ? nlohmann::json(latest->to_string()) : nlohmann::json();
  m_server.serve("/" + name + "/meta.json", meta.dump(), "application/json");
}

void JsrRegistry::tamper(const std::string& name, const std::string& version,
                         const std::string& path, const std::string& bytes) {
  m_server.serve("/" + name + "/" + version + path, bytes, "application/typescript");
}

std::string JsrRegistry::version_meta(const std::string& name, const std::string& version) const {
  return m_version_meta.at(name + "@" + version);
}

}  // namespace test_support
