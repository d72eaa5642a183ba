#pragma once

// Which version of a package a requirement picks, exactly as Deno picks it (deno_npm's
// NpmVersionResolver, ../shared/reference/deno.md §3 "Version choice"), with every range
// question answered by npm's own semver in the compiler isolate. Answers are remembered,
// so a graph asks each question once.

#include "bundler/npm/packument.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bundler {

class VersionChooser {
 public:
  // In order: the highest version in `existing` (versions of this package already in the
  // graph) that satisfies `req`; the version of a dist-tag when `req` is one; `latest`
  // when `req` is a wildcard or `latest` satisfies it (except for @types/node); else the
  // highest version that satisfies `req` (prereleases only when `req` names one on the
  // same major.minor.patch). Throws util::Error saying what exists when nothing fits.
  std::string choose(const Packument& packument, const std::string& req,
                     const std::vector<std::string>& existing);
  // As choose(), but nullopt when nothing fits (optional dependencies).
  std::optional<std::string> try_choose(const Packument& packument, const std::string& req,
                                        const std::vector<std::string>& existing);

  // Whether `version` satisfies `req` for `packument` (a dist-tag matches its version).
  bool satisfies(const Packument& packument, const std::string& version, const std::string& req);
  // Whether `req` is a dist-tag rather than a range.
  bool is_tag(const std::string& req);
  // What choose() says when no version of `packument` fits `req`.
  std::string not_found(const Packument& packument, const std::string& req);
  // Drops the answers about `name`'s versions (its packument was fetched again).
  void forget(const std::string& name);

 private:
  std::optional<std::string> max_satisfying(const std::string& cache_key,
                                            const std::vector<std::string>& versions,
                                            const std::string& req);

  std::map<std::string, std::optional<std::string>> m_valid_ranges;
  std::map<std::string, std::optional<std::string>> m_max_satisfying;
  std::map<std::string, bool> m_satisfies;
};

}  // namespace bundler
