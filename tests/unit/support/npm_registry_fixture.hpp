#pragma once

// A real npm registry for tests, in-process on 127.0.0.1 (cpp-httplib): packuments
// (with etags, answering 304 to If-None-Match) and .tgz tarballs the fixture builds with
// libarchive, as `npm publish` would lay them out. Knobs make it misbehave the ways
// registries do: wanting a token, cutting a download off half-way, serving a tarball
// that does not match its integrity. Reusable by end-to-end tests.

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace test_support {

struct TarEntry {
  enum class Type { file, directory, symlink, hardlink };
  std::string path;  // as stored, e.g. "package/index.js" or "../evil"
  std::string content;
  Type type = Type::file;
  std::string link_target;  // symlinks and hardlinks
};

// A gzipped tarball holding `entries` as they are.
std::string make_tarball(const std::vector<TarEntry>& entries);
// A gzipped npm tarball: each file of `files` stored below "package/".
std::string make_npm_tarball(const std::map<std::string, std::string>& files);
// "sha512-<base64>" of `bytes` (OpenSSL, not the code under test).
std::string sri_sha512(const std::string& bytes);

class NpmRegistryFixture {
 public:
  NpmRegistryFixture();
  ~NpmRegistryFixture();
  NpmRegistryFixture(const NpmRegistryFixture&) = delete;
  NpmRegistryFixture& operator=(const NpmRegistryFixture&) = delete;

  // "http://127.0.0.1:<port>/"
  std::string url() const;
  // "127.0.0.1:<port>"
  std::string host() const;

  // Publishes a version: `manifest` is its package.json (name and version required;
  // dependencies, exports, os, ...). The tarball holds package.json plus `files`; the
  // packument gets dist.tarball, dist.integrity (sha512) and dist.shasum. `latest` moves
  // to it unless it is a prerelease or `set_latest` is false.
  void publish(const nlohmann::json& manifest, const std::map<std::string, std::string>& files = {},
               bool set_latest = true);
  void set_dist_tag(const std::string& name, const std::string& tag, const std::string& version);
  // Replaces a published tarball's bytes without touching the packument's integrity.
  void tamper_tarball(const std::string& name, const std::string& version);

  // Every request must carry `Authorization: Bearer <token>` (else 401).
  void require_token(const std::string& token);
  // Tarball answers promise the whole body and close the connection after half of it.
  void cut_tarballs(bool cut);
  // Makes packument answers wait `ms` (to let several clients overlap).
  void delay(int ms);

  // How many requests reached the fixture whose path starts with `prefix`.
  int hits(const std::string& prefix = "/") const;
  int not_modified() const { return m_not_modified; }
  std::vector<std::string> paths() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::atomic<int> m_not_modified{0};
};

}  // namespace test_support
