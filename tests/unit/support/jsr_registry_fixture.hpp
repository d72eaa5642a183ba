#pragma once

// A jsr registry for tests, on a ModuleServer: packages published by the test are served
// the way jsr.io serves them — meta.json, <version>_meta.json with a manifest of real
// sha256 checksums, and the files — so JSR_URL (or JsrOptions::registry_url) can point at
// it. Tampering makes a file's bytes differ from its manifest.

#include "support/module_server_fixture.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace test_support {

class JsrRegistry {
 public:
  // The registry's base URL, with its trailing "/".
  std::string url() const { return m_server.url("/"); }
  ModuleServer& server() { return m_server; }

  // Publishes `name` ("@scope/pkg") at `version` with `files` ("/mod.ts" -> source).
  // `exports` is the package's exports (a string or an object); `yanked` marks the
  // version yanked in meta.json.
  void publish(const std::string& name, const std::string& version,
               std::map<std::string, std::string> files,
               nlohmann::json exports = {{".", "./mod.ts"}}, bool yanked = false);
  // Serves `bytes` for a published file without changing its manifest entry.
  void tamper(const std::string& name, const std::string& version, const std::string& path,
              const std::string& bytes);

  // The exact bytes served as <version>_meta.json (for deno.lock's integrity).
  std::string version_meta(const std::string& name, const std::string& version) const;
  std::string meta_url(const std::string& name) const { return url() + name + "/meta.json"; }
  std::string file_url(const std::string& name, const std::string& version,
                       const std::string& path) const {
    return url() + name + "/" + version + path;
  }

 private:
  void serve_meta(const std::string& name);

  ModuleServer m_server;
  // name -> version -> yanked
  std::map<std::string, std::map<std::string, bool>> m_versions;
  std::map<std::string, std::string> m_version_meta;  // "name@version" -> bytes
};

}  // namespace test_support
