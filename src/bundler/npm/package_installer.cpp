#include "bundler/npm/package_installer.hpp"

#include "bundler/npm/tarball.hpp"
#include "util/error.hpp"

#include <map>

namespace fs = std::filesystem;

namespace bundler {
namespace {

constexpr const char* k_area = "npm";

std::string absolute_path(const fs::path& path) {
  return fs::absolute(path).lexically_normal().string();
}

std::string mismatch_message(const std::string& package, const std::string& expected,
                             const std::string& actual, bool pinned) {
  if (pinned) {
    return "Integrity check failed for npm package " + package +
           ": the tarball does not match the lockfile.\n\n  Expected: " + expected +
           "\n  Actual: " + actual +
           "\n\nThe lockfile or the package on the registry changed. If you trust the new "
           "tarball, delete its entry from deno.lock so that it is recorded again.";
  }
  return "Tarball checksum did not match what was provided by npm registry for " + package +
         ".\n\n  Expected: " + expected + "\n  Actual: " + actual;
}

}  // namespace

void install_npm_packages(std::vector<InstalledNpmPackage>& packages, const NpmSnapshot& snapshot,
                          const std::set<std::string>& pinned, const Cache& cache,
                          NpmRegistry& registry) {
  auto base_key = [&](const InstalledNpmPackage& package) {
    return registry.host_folder(package.name) + "/" + package.name + "@" + package.version;
  };
  // One download per name@version; peer variants copy its files.
  std::map<std::string, const InstalledNpmPackage*> needed;
  for (auto& package : packages) {
    if (!package.installed) {
      continue;
    }
    auto key = registry.host_folder(package.name) + "/" + package.layout_folder;
    if (auto dir = cache.existing_directory(k_area, key)) {
      package.folder = absolute_path(*dir);
    } else if (!cache.existing_directory(k_area, base_key(package))) {
      needed.emplace(base_key(package), &package);
    }
  }
  std::vector<std::string> errors;
  std::vector<NpmRegistry::Download> downloads;
  std::vector<std::string> keys;
  for (const auto& [key, package] : needed) {
    const auto& locked = snapshot.packages.at(package->id);
    auto url = locked.dist.tarball.empty()
                   ? registry.default_tarball_url(package->name, package->version)
                   : locked.dist.tarball;
    downloads.push_back({package->name + "@" + package->version, url});
    keys.push_back(key);
  }
  std::vector<std::string> failures;
  auto bodies = registry.download(downloads, failures);
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    if (!bodies[i]) {
      errors.push_back(failures[i]);
      continue;
    }
    const auto* package = needed.at(keys[i]);
    const auto& label = downloads[i].package;
    try {
      const auto& expected = snapshot.packages.at(package->id).dist.integrity;
      if (auto actual = integrity_mismatch(*bodies[i], expected, label)) {
        errors.push_back(
            mismatch_message(label, expected, *actual, pinned.count(package->id) != 0));
        continue;
      }
      cache.directory(k_area, keys[i],
                      [&](const fs::path& dir) { extract_npm_tarball(*bodies[i], dir, label); });
    } catch (const std::exception& error) {
      errors.push_back(error.what());
    }
  }
  for (auto& package : packages) {
    if (!package.installed || !package.folder.empty()) {
      continue;
    }
    auto base = cache.existing_directory(k_area, base_key(package));
    if (!base) {
      continue;  // its download failed: reported above
    }
    auto key = registry.host_folder(package.name) + "/" + package.layout_folder;
    try {
      package.folder = absolute_path(cache.directory(k_area, key, [&](const fs::path& dir) {
        fs::copy(*base, dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
      }));
    } catch (const std::exception& error) {
      errors.push_back("Cannot copy npm package " + package.id + " in the cache: " + error.what());
    }
  }
  if (!errors.empty()) {
    throw util::Error(errors.front());
  }
}

}  // namespace bundler
