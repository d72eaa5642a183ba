#pragma once

// A resolved npm dependency graph, as Deno's NpmResolutionSnapshot holds it: package ids
// (`name@version`, plus a peer suffix `_peer@1.0.0` when peers were resolved for it) and,
// for each, the ids its dependencies resolved to. It is what deno.lock's `npm` section
// records, so it can be rebuilt from a Lock alone (serving from an artifact needs no
// packument).

#include "bundler/lock.hpp"
#include "bundler/npm/packument.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bundler {

struct NpmPackage {
  std::string id;       // "react-dom@18.2.0_react@18.2.0"
  std::string name;     // "react-dom"
  std::string version;  // "18.2.0"
  // Key as the package requires it -> id: dependencies, optional dependencies and
  // resolved peers alike.
  std::map<std::string, std::string> dependencies;
  std::set<std::string> optional_dependencies;  // keys of `dependencies` that are optional
  std::set<std::string> optional_peers;         // keys of `dependencies` that are optional peers
  NpmDist dist;
};

struct NpmSnapshot {
  std::map<std::string, std::string> roots;    // package req "zod@3" -> id
  std::map<std::string, NpmPackage> packages;  // id -> package

  // 0 for the first id (in id order) of its name@version, 1 for the next, ...: peer
  // variants of one version get their own copy of the files, as Deno makes them.
  int copy_index(const std::string& id) const;
  bool operator==(const NpmSnapshot&) const;
};

// "@a/b@1.0.0_c@2.0.0" -> {"@a/b", "1.0.0"}. Throws util::Error for a malformed id.
std::pair<std::string, std::string> split_package_id(std::string_view id);

// A package id as it is written `level` peers deep inside another id: one more `_`
// before each of its own peers per level, and a scoped name's `/` as `+` below the top
// ("b@1.0.0_c@2.0.0" at level 1: "b@1.0.0__c@2.0.0").
std::string nested_package_id(std::string_view id, int level);

// The snapshot recorded in `lock` (its `npm:` specifiers and `npm` section). Throws
// util::Error when an entry names a dependency the lock does not hold.
NpmSnapshot read_npm_lock(const Lock& lock);
// Records `snapshot` in `lock` exactly as Deno writes it: `npm:` specifiers, then one
// `npm` entry per package with `dependencies` written `dep` when one version of dep is
// locked, `dep@version` when several are, `alias@npm:real@version` for aliases. Other
// sections are left alone.
void write_npm_lock(const NpmSnapshot& snapshot, Lock& lock);

}  // namespace bundler
