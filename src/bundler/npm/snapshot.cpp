#include "bundler/npm/snapshot.hpp"

#include "bundler/npm/specifier.hpp"
#include "util/error.hpp"

#include <algorithm>

namespace bundler {
namespace {

// deno_lockfile's extract_nv_from_id: the name ends at the first `@` after its first
// character; the rest (peer suffix included) is the version part.
bool split_id(std::string_view id, std::string_view& name, std::string_view& rest) {
  if (id.empty()) {
    return false;
  }
  auto at = id.find('@', 1);
  if (at == std::string_view::npos) {
    return false;
  }
  name = id.substr(0, at);
  rest = id.substr(at + 1);
  return !rest.empty();
}

// A dependency as the lock writes it, back to key and id.
std::pair<std::string, std::string> read_dependency(
    const std::string& dep, const std::map<std::string, std::string>& version_by_name,
    const std::string& package) {
  std::string_view key, rest;
  std::string version;
  if (split_id(dep, key, rest)) {
    version = std::string(rest);
  } else if (auto it = version_by_name.find(dep); it != version_by_name.end()) {
    key = dep;
    version = it->second;
  } else {
    throw util::Error("The lockfile's npm entry " + package + " depends on '" + dep +
                      "', which the lockfile does not hold. Delete deno.lock (or that entry) "
                      "to resolve again.");
  }
  if (version.rfind("npm:", 0) == 0) {  // "alias@npm:real@1.0.0"
    std::string_view real, real_version;
    if (!split_id(std::string_view(version).substr(4), real, real_version)) {
      throw util::Error("The lockfile's npm entry " + package + " has a malformed dependency '" +
                        dep + "'.");
    }
    return {std::string(key), std::string(real) + "@" + std::string(real_version)};
  }
  return {std::string(key), std::string(key) + "@" + version};
}

// The Registry's default tarball URL: Deno leaves such URLs out of the lock.
std::string public_tarball_url(const std::string& name, const std::string& version) {
  return "https://registry.npmjs.org/" + name + "/-/" + std::string(package_basename(name)) + "-" +
         version + ".tgz";
}

// deno_npm's NpmPackageId parser: name@version, then peers each after `level + 1`
// underscores, themselves written one level deeper.
struct IdTree {
  std::string name, version;
  std::vector<IdTree> peers;
};

IdTree parse_id_tree(std::string_view text, std::size_t& at, int level) {
  IdTree tree;
  auto name_end = text.find('@', at + 1);
  tree.name = std::string(text.substr(at, name_end - at));
  if (level > 0) {
    std::replace(tree.name.begin(), tree.name.end(), '+', '/');
  }
  at = name_end == std::string_view::npos ? text.size() : name_end + 1;
  auto version_end = std::min(text.find('_', at), text.size());
  tree.version = std::string(text.substr(at, version_end - at));
  at = version_end;
  auto separator = std::string(static_cast<std::size_t>(level) + 1, '_');
  while (text.substr(at, separator.size()) == separator &&
         (at + separator.size() >= text.size() || text[at + separator.size()] != '_')) {
    at += separator.size();
    tree.peers.push_back(parse_id_tree(text, at, level + 1));
  }
  return tree;
}

std::string write_id_tree(const IdTree& tree, int level) {
  auto out = tree.name;
  if (level > 0) {
    std::replace(out.begin(), out.end(), '/', '+');
  }
  out += "@" + tree.version;
  for (const auto& peer : tree.peers) {
    out += std::string(static_cast<std::size_t>(level) + 1, '_') + write_id_tree(peer, level + 1);
  }
  return out;
}

}  // namespace

std::string nested_package_id(std::string_view id, int level) {
  std::size_t at = 0;
  return write_id_tree(parse_id_tree(id, at, 0), level);
}

std::pair<std::string, std::string> split_package_id(std::string_view id) {
  std::string_view name, rest;
  if (!split_id(id, name, rest)) {
    throw util::Error("'" + std::string(id) + "' is not an npm package id (name@version).");
  }
  return {std::string(name), std::string(rest.substr(0, rest.find('_')))};
}

int NpmSnapshot::copy_index(const std::string& id) const {
  auto [name, version] = split_package_id(id);
  auto nv = name + "@" + version;
  int index = 0;
  // Ids of one name@version sort together: nv itself, then nv_peers...
  for (auto it = packages.lower_bound(nv); it != packages.end() && it->first < id; ++it) {
    auto [other_name, other_version] = split_package_id(it->first);
    if (other_name == name && other_version == version) {
      ++index;
    }
  }
  return index;
}

bool NpmSnapshot::operator==(const NpmSnapshot& other) const {
  if (roots != other.roots || packages.size() != other.packages.size()) {
    return false;
  }
  for (const auto& [id, package] : packages) {
    auto it = other.packages.find(id);
    if (it == other.packages.end() || it->second.dependencies != package.dependencies ||
        it->second.dist.integrity != package.dist.integrity) {
      return false;
    }
  }
  return true;
}

NpmSnapshot read_npm_lock(const Lock& lock) {
  NpmSnapshot out;
  std::map<std::string, std::string> version_by_name;
  for (const auto& [id, _] : lock.npm) {
    std::string_view name, rest;
    if (!split_id(id, name, rest)) {
      throw util::Error("The lockfile's npm entry '" + id + "' is not name@version.");
    }
    version_by_name[std::string(name)] = std::string(rest);
  }
  for (const auto& [id, entry] : lock.npm) {
    NpmPackage package;
    package.id = id;
    std::tie(package.name, package.version) = split_package_id(id);
    for (const auto& dep : entry.dependencies) {
      package.dependencies.insert(read_dependency(dep, version_by_name, id));
    }
    for (const auto& dep : entry.optional_dependencies) {
      auto pair = read_dependency(dep, version_by_name, id);
      package.optional_dependencies.insert(pair.first);
      package.dependencies.insert(pair);
    }
    for (const auto& dep : entry.optional_peers) {
      auto pair = read_dependency(dep, version_by_name, id);
      package.optional_peers.insert(pair.first);
      package.dependencies.insert(pair);
    }
    package.dist = {entry.tarball,    entry.integrity, entry.os, entry.cpu,
                    entry.deprecated, entry.scripts,   entry.bin};
    out.packages.emplace(id, std::move(package));
  }
  for (const auto& [key, value] : lock.specifiers) {
    if (key.rfind("npm:", 0) != 0) {
      continue;
    }
    auto text = key.substr(4);
    auto at = text.find('@', 1);
    auto name = text.substr(0, at);
    // v4 files keep requirements as written ("npm:zod@^3", "npm:zod"): keyed here as
    // deno.lock v5 writes them ("zod@3", "zod@*"), as NpmSpecifier::package_req() does.
    std::string req;
    try {
      req =
          name + "@" + normalize_specifier_req(at == std::string::npos ? "" : text.substr(at + 1));
    } catch (const util::Error&) {
      continue;  // not a requirement a specifier can spell: nothing will ask for it
    }
    auto id = name + "@" + value;
    if (out.packages.count(id) != 0) {
      out.roots[req] = id;
    }
  }
  return out;
}

void write_npm_lock(const NpmSnapshot& snapshot, Lock& lock) {
  for (auto it = lock.specifiers.begin(); it != lock.specifiers.end();) {
    it = it->first.rfind("npm:", 0) == 0 ? lock.specifiers.erase(it) : std::next(it);
  }
  for (const auto& [req, id] : snapshot.roots) {
    auto name = split_package_id(id).first;
    lock.specifiers["npm:" + req] = id.substr(name.size() + 1);
  }
  std::map<std::string, int> versions_of;
  for (const auto& [id, package] : snapshot.packages) {
    ++versions_of[package.name];
  }
  auto written = [&](const std::string& key, const std::string& id) {
    std::string_view name, rest;
    split_id(id, name, rest);
    if (name != key) {
      return key + "@npm:" + id;
    }
    return versions_of[std::string(name)] == 1 ? std::string(name) : id;
  };
  lock.npm.clear();
  for (const auto& [id, package] : snapshot.packages) {
    LockedNpmPackage entry;
    const auto& dist = package.dist;
    entry.integrity = dist.integrity;
    for (const auto& [key, dep_id] : package.dependencies) {
      auto text = written(key, dep_id);
      if (package.optional_dependencies.count(key) != 0) {
        entry.optional_dependencies.push_back(text);
        continue;
      }
      entry.dependencies.push_back(text);
      if (package.optional_peers.count(key) != 0) {
        entry.optional_peers.push_back(text);
      }
    }
    entry.os = dist.os;
    entry.cpu = dist.cpu;
    if (!dist.tarball.empty() &&
        dist.tarball != public_tarball_url(package.name, package.version)) {
      entry.tarball = dist.tarball;
    }
    entry.deprecated = dist.deprecated;
    entry.scripts = dist.scripts;
    entry.bin = dist.bin;
    lock.npm.emplace(id, std::move(entry));
  }
}

}  // namespace bundler
