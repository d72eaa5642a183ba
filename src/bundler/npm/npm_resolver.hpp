#pragma once

// npm packages for one module graph: install() resolves `npm:` requirements (with the
// lockfile's pins), downloads and checks the tarballs into the cache, and records what
// it chose in the Lock; after that, resolve() and resolve_from() answer without network,
// by Node's algorithm over the installed files. A resolver made with from_lock() answers
// the same questions from a Lock and the package files alone (an artifact).

#include "bundler/cache.hpp"
#include "bundler/file_view.hpp"
#include "bundler/http_client.hpp"
#include "bundler/lock.hpp"
#include "bundler/npm/node_resolution.hpp"
#include "bundler/npm/npmrc.hpp"
#include "bundler/npm/specifier.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bundler {

struct NpmOptions {
  bool cached_only = false;  // never touch the network; what is missing is an error
  bool frozen = false;       // a change the lockfile would need is an error
  bool reload = false;       // packuments fetched afresh (ResolveOptions::reload)
};

struct InstalledNpmPackage {
  std::string id;       // "react-dom@18.2.0_react@18.2.0", as deno.lock names it
  std::string name;     // "react-dom"
  std::string version;  // "18.2.0"
  // Where its files are in the layout from_lock() expects below its packages root:
  // "<name>@<version>", or "<name>@<version>_<n>" for the n-th peer variant of a version.
  std::string layout_folder;
  std::string folder;     // absolute path of its files; "" when not installed
  bool installed = true;  // false: its os/cpu fields exclude this machine
};

class NpmResolver {
 public:
  // A resolver that installs into `cache`, downloading with `http` from the registries of
  // `npmrc`, and reads and records pins in `lock`. `cache`, `http` and `lock` must outlive it.
  NpmResolver(const Cache& cache, HttpClient& http, Npmrc npmrc, Lock& lock,
              NpmOptions options = {});
  // A resolver over packages already laid out below `packages_root` (see
  // InstalledNpmPackage::layout_folder) as `files` shows them, pinned by `lock`.
  // It cannot install. Throws util::Error when the lock's npm entries are inconsistent.
  static NpmResolver from_lock(const Lock& lock, const std::string& packages_root,
                               std::shared_ptr<FileView> files);

  NpmResolver(NpmResolver&&) noexcept;
  NpmResolver& operator=(NpmResolver&&) noexcept;
  ~NpmResolver();

  // Makes `roots` (and everything they need) available: lockfile pins first, else
  // packuments fetched in parallel and versions chosen as Deno chooses them; tarballs
  // downloaded in parallel, checked against their integrity and extracted into the cache;
  // the choices recorded in the Lock. Throws util::Error saying what failed and what to do.
  void install(const std::vector<NpmSpecifier>& roots);

  // The file `specifier` names (its package's entry or subpath, through "exports").
  // The requirement must have been installed (or be in the lock, for from_lock()).
  std::string resolve(const NpmSpecifier& specifier, ResolutionKind kind) const;
  // `specifier` imported or required by `referrer`, a file inside an installed package:
  // its dependencies as the tree resolved them, "#x" imports, relative files (probed for
  // require()), built-ins as "node:x". nullopt when `referrer` is in no installed package.
  std::optional<std::string> resolve_from(const std::string& specifier, const std::string& referrer,
                                          ResolutionKind kind) const;
  // Whether the module at `path` is CommonJS when imported (module_format.hpp: the rule for
  // files in installed packages or below a node_modules folder, else the local-file
  // rule), reading it through the resolver's files; the second form takes the code read.
  bool is_commonjs(const std::string& path) const;
  bool is_commonjs(const std::string& path, std::string_view code) const;

  // The id of the installed package `path` belongs to.
  std::optional<std::string> package_of(const std::string& path) const;
  // The packages installed so far (from_lock(): every package of the lock), by id.
  std::vector<InstalledNpmPackage> packages() const;

 private:
  struct Impl;
  explicit NpmResolver(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace bundler
