#include "bundler/npm/npm_resolver.hpp"

#include "bundler/npm/module_format.hpp"
#include "bundler/npm/package_installer.hpp"
#include "bundler/npm/paths.hpp"
#include "bundler/npm/registry.hpp"
#include "bundler/npm/snapshot.hpp"
#include "bundler/npm/tree.hpp"
#include "bundler/npm/version_choice.hpp"
#include "util/error.hpp"

#include <set>

namespace bundler {

struct NpmResolver::Impl {
  Impl(std::shared_ptr<FileView> files) : node(std::move(files)) {}

  // Installing resolvers only.
  const Cache* cache = nullptr;
  HttpClient* http = nullptr;
  std::optional<Npmrc> npmrc;
  Lock* lock = nullptr;
  NpmOptions options;
  std::unique_ptr<NpmRegistry> registry;
  VersionChooser chooser;

  NpmSnapshot snapshot;
  std::map<std::string, InstalledNpmPackage> packages;  // id -> where it is
  std::map<std::string, std::string> by_folder;         // folder -> id
  NodeResolver node;

  void add(InstalledNpmPackage package) {
    if (!package.folder.empty()) {
      by_folder[package.folder] = package.id;
    }
    packages[package.id] = std::move(package);
  }
  const InstalledNpmPackage& installed(const std::string& id, const std::string& needed_by) const;
};

namespace {

std::string layout_folder(const NpmSnapshot& snapshot, const NpmPackage& package) {
  auto copy = snapshot.copy_index(package.id);
  return package.name + "@" + package.version + (copy > 0 ? "_" + std::to_string(copy) : "");
}

// Every package `roots` need, in id order.
std::set<std::string> closure(const NpmSnapshot& snapshot, const std::vector<std::string>& roots) {
  std::set<std::string> out;
  std::vector<std::string> pending(roots.begin(), roots.end());
  while (!pending.empty()) {
    auto id = pending.back();
    pending.pop_back();
    if (!out.insert(id).second) {
      continue;
    }
    for (const auto& [_, dep] : snapshot.packages.at(id).dependencies) {
      pending.push_back(dep);
    }
  }
  return out;
}

}  // namespace

const InstalledNpmPackage& NpmResolver::Impl::installed(const std::string& id,
                                                        const std::string& needed_by) const {
  auto it = packages.find(id);
  if (it == packages.end()) {
    throw util::Error("npm package " + id + " (needed by " + needed_by +
                      ") is not installed; install() it first.");
  }
  if (!it->second.installed) {
    throw util::Error("Cannot find module '" + it->second.name + "': npm package " + id +
                      " is not installed because its os/cpu fields exclude this machine (needed "
                      "by " +
                      needed_by + ").");
  }
  return it->second;
}

NpmResolver::NpmResolver(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
NpmResolver::NpmResolver(NpmResolver&&) noexcept = default;
NpmResolver& NpmResolver::operator=(NpmResolver&&) noexcept = default;
NpmResolver::~NpmResolver() = default;

NpmResolver::NpmResolver(const Cache& cache, HttpClient& http, Npmrc npmrc, Lock& lock,
                         NpmOptions options)
    : m_impl(std::make_unique<Impl>(disk_file_view())) {
  m_impl->cache = &cache;
  m_impl->http = &http;
  m_impl->npmrc = std::move(npmrc);
  m_impl->lock = &lock;
  m_impl->options = options;
  m_impl->registry = std::make_unique<NpmRegistry>(cache, http, *m_impl->npmrc, options.cached_only,
                                                   options.reload && !options.cached_only);
}

NpmResolver NpmResolver::from_lock(const Lock& lock, const std::string& packages_root,
                                   std::shared_ptr<FileView> files) {
  auto impl = std::make_unique<Impl>(std::move(files));
  impl->snapshot = read_npm_lock(lock);
  auto root = npm_paths::normalize(packages_root);
  for (const auto& [id, package] : impl->snapshot.packages) {
    InstalledNpmPackage entry{
        id, package.name, package.version, layout_folder(impl->snapshot, package), "", true};
    entry.installed = matches_system(package.dist.os, package.dist.cpu);
    if (entry.installed) {
      entry.folder = npm_paths::join(root, entry.layout_folder);
    }
    impl->add(std::move(entry));
  }
  return NpmResolver(std::move(impl));
}

void NpmResolver::install(const std::vector<NpmSpecifier>& roots) {
  auto& impl = *m_impl;
  if (impl.lock == nullptr) {
    throw util::Error("This npm resolver was made from a lockfile and cannot install packages.");
  }
  auto locked = read_npm_lock(*impl.lock);
  impl.snapshot = locked;
  std::vector<NpmSpecifier> missing;
  std::string unpinned;
  for (const auto& root : roots) {
    if (impl.snapshot.roots.count(root.package_req()) == 0) {
      missing.push_back(root);
      unpinned += (unpinned.empty() ? "" : ", ") + root.lock_key();
    }
  }
  if (!missing.empty()) {
    if (impl.options.frozen) {
      throw util::Error("The lockfile is out of date: it does not pin " + unpinned +
                        ". Run without --frozen to update it.");
    }
    // A v4 lockfile is Deno 2.1's (Supabase's runtime): its peer rules, for its lock.
    auto rules = impl.lock->version == "4" ? PeerRules::deno_2_1 : PeerRules::deno_2_9;
    resolve_npm_tree(missing, *impl.registry, impl.chooser, impl.snapshot, rules);
  }
  std::vector<std::string> root_ids;
  for (const auto& root : roots) {
    root_ids.push_back(impl.snapshot.roots.at(root.package_req()));
  }
  std::vector<InstalledNpmPackage> wanted;
  std::set<std::string> from_lock;
  for (const auto& id : closure(impl.snapshot, root_ids)) {
    const auto& package = impl.snapshot.packages.at(id);
    InstalledNpmPackage entry{
        id, package.name, package.version, layout_folder(impl.snapshot, package), "", true};
    entry.installed = matches_system(package.dist.os, package.dist.cpu);
    wanted.push_back(std::move(entry));
    if (locked.packages.count(id) != 0) {
      from_lock.insert(id);
    }
  }
  install_npm_packages(wanted, impl.snapshot, from_lock, *impl.cache, *impl.registry);
  for (auto& entry : wanted) {
    impl.add(std::move(entry));
  }
  if (!missing.empty()) {
    write_npm_lock(impl.snapshot, *impl.lock);
  }
}

std::string NpmResolver::resolve(const NpmSpecifier& specifier, ResolutionKind kind) const {
  const auto& impl = *m_impl;
  auto it = impl.snapshot.roots.find(specifier.package_req());
  if (it == impl.snapshot.roots.end()) {
    throw util::Error(specifier.lock_key() + (impl.lock == nullptr
                                                  ? " is not in the lockfile this was built with."
                                                  : " has not been installed."));
  }
  const auto& package = impl.installed(it->second, specifier.lock_key());
  auto text = "npm:" + specifier.name + (specifier.req.empty() ? "" : "@" + specifier.req) +
              (specifier.subpath.empty() ? "" : "/" + specifier.subpath);
  return impl.node.resolve_in_package(package.folder, specifier.subpath, kind, text);
}

std::optional<std::string> NpmResolver::package_of(const std::string& path) const {
  const auto& by_folder = m_impl->by_folder;
  // Package folders never nest, so the first folder on the way up is the one.
  for (auto folder = npm_paths::normalize(path);; folder = npm_paths::parent(folder)) {
    if (auto it = by_folder.find(folder); it != by_folder.end()) {
      return it->second;
    }
    if (folder == "/") {
      return std::nullopt;
    }
  }
}

std::optional<std::string> NpmResolver::resolve_from(const std::string& specifier,
                                                     const std::string& referrer,
                                                     ResolutionKind kind) const {
  const auto& impl = *m_impl;
  auto id = package_of(referrer);
  if (!id) {
    return std::nullopt;
  }
  const auto& package = impl.snapshot.packages.at(*id);
  const auto& folder = impl.packages.at(package.id).folder;
  PackageLocator locate = [&](const std::string& name,
                              const std::string& from) -> std::optional<std::string> {
    // bundleDependencies ship in the package's own node_modules folders.
    for (auto dir = npm_paths::parent(from); npm_paths::is_inside(folder, dir);
         dir = npm_paths::parent(dir)) {
      if (impl.node.files().is_directory(dir + "/node_modules/" + name)) {
        return dir + "/node_modules/" + name;
      }
      if (dir == folder) {
        break;
      }
    }
    auto dep = package.dependencies.find(name);
    if (dep != package.dependencies.end()) {
      return impl.installed(dep->second, package.id).folder;
    }
    if (name == package.name) {
      return folder;  // the package itself
    }
    throw util::Error("Could not find package '" + name + "' from referrer '" + referrer +
                      "': npm package " + package.id + " does not list it in its dependencies.");
  };
  return impl.node.resolve(specifier, referrer, kind, locate);
}

bool NpmResolver::is_commonjs(const std::string& path, std::string_view code) const {
  const auto& package_jsons = m_impl->node.package_jsons();
  // Deno counts a file below a node_modules folder as inside an npm package too.
  bool in_package = package_of(path) || path.find("/node_modules/") != std::string::npos;
  return in_package ? is_commonjs_in_package(path, code, package_jsons)
                    : is_commonjs_local(path, code, package_jsons);
}

bool NpmResolver::is_commonjs(const std::string& path) const {
  auto code = m_impl->node.files().read(path);
  return is_commonjs(path, code ? *code : std::string());
}

std::vector<InstalledNpmPackage> NpmResolver::packages() const {
  std::vector<InstalledNpmPackage> out;
  for (const auto& [_, package] : m_impl->packages) {
    out.push_back(package);
  }
  return out;
}

}  // namespace bundler
