#pragma once

// A packument (the registry's document for one package), reduced to the fields Deno's
// resolver reads (deno_npm's registry.rs): dist-tags and, per version, where its tarball
// is, how to check it, and what it depends on.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bundler {

struct NpmDependency {
  enum class Kind { dependency, peer, optional_peer };
  Kind kind = Kind::dependency;
  std::string specifier;  // the key: how the package requires it ("react", or an alias)
  std::string name;       // the package it names ("npm:real@1" aliases differ from the key)
  std::string req;        // npm range or dist-tag
  // A peer that is also a plain dependency: the range to install when no ancestor
  // provides the peer (Deno's peer_dep_version_req).
  std::string fallback_req;
  bool optional = false;  // listed in optionalDependencies: skipped when unavailable
  // Set when the value is not something the npm registry serves (git, http, file): the
  // message to give if the dependency is needed.
  std::string unsupported;
};

// What deno.lock records of a version besides its dependencies.
struct NpmDist {
  std::string tarball;    // the URL ("" from a lock that leaves the default out)
  std::string integrity;  // dist.integrity, else the hex dist.shasum, else empty
  std::vector<std::string> os, cpu;
  bool deprecated = false;
  bool scripts = false;  // install/preinstall/postinstall (hasInstallScript)
  bool bin = false;
};

struct NpmVersionInfo {
  std::string version;
  NpmDist dist;
  // Sorted as Deno resolves them: by package name, then by req text descending.
  std::vector<NpmDependency> dependencies;
};

struct Packument {
  std::string name;
  std::map<std::string, std::string> dist_tags;
  std::map<std::string, NpmVersionInfo> versions;

  std::vector<std::string> version_list() const;
};

// Parses a packument (full or abbreviated). Throws util::Error naming `name` when the
// text is not a packument.
Packument parse_packument(std::string_view json, const std::string& name);

// npm's os/cpu fields against this machine (linux; x64 or arm64): an entry `!x` excludes x; a list
// with positive entries must name it.
bool matches_system(const std::vector<std::string>& os, const std::vector<std::string>& cpu);

}  // namespace bundler
