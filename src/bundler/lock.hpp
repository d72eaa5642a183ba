#pragma once

// What a function's module graph was resolved to: Deno's `deno.lock` (v4 and v5) held in
// memory. The resolvers read pins from it and record what they choose; lockfile.cpp reads
// and writes the file; an artifact embeds it, so a bundled function resolves exactly as
// it did when it was built. Keys and values are written exactly as Deno writes them
// (../shared/reference/deno.md §5).

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace bundler {

struct LockedJsrPackage {
  std::string integrity;                  // sha256 hex of <version>_meta.json
  std::vector<std::string> dependencies;  // "jsr:@std/path@^1", "npm:zod@3"

  bool operator==(const LockedJsrPackage&) const = default;
};

struct LockedNpmPackage {
  std::string integrity;                  // "sha512-<base64>" (or a sha1 hex shasum)
  std::vector<std::string> dependencies;  // "dep" | "dep@1.2.3" | "alias@npm:real@1.2.3"
  std::vector<std::string> optional_dependencies;
  std::vector<std::string> optional_peers;
  std::vector<std::string> os;
  std::vector<std::string> cpu;
  std::string tarball;  // only when not the registry's default tarball URL
  bool deprecated = false;
  bool scripts = false;
  bool bin = false;

  bool operator==(const LockedNpmPackage&) const = default;
};

struct Lock {
  std::string version = "5";
  // "npm:zod@3" -> "3.23.8", "jsr:@std/assert@1" -> "1.0.6" (npm versions may carry a
  // peer suffix: "18.2.0_react@18.2.0").
  std::map<std::string, std::string> specifiers;
  std::map<std::string, LockedJsrPackage> jsr;          // "@std/assert@1.0.6"
  std::map<std::string, LockedNpmPackage> npm;          // "zod@3.23.8"
  std::map<std::string, std::string> redirects;         // http(s) URL -> URL
  std::map<std::string, std::string> remote;            // http(s) URL -> sha256 hex of the body
  nlohmann::json workspace = nlohmann::json::object();  // kept as read; rewritten from config

  bool operator==(const Lock&) const = default;
};

}  // namespace bundler
