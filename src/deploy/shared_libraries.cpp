// The library search of ld.so (glibc elf/dl-load.c: _dl_map_object), replayed over the
// files of this machine, breadth first from the executable as ld.so loads them.
#include "deploy/elf.hpp"
#include "util/error.hpp"

#include <deque>
#include <optional>
#include <set>

namespace deploy {
namespace {

namespace fs = std::filesystem;

struct LoadedObject {
  fs::path path;    // as found
  fs::path origin;  // $ORIGIN: the folder it was found in
  ElfDynamic dynamic;
};

// $ORIGIN, $LIB and $PLATFORM (and their ${...} forms), as ld.so expands them on Debian
// x86-64.
std::string expand_tokens(std::string dir, const fs::path& origin) {
  const std::pair<std::string, std::string> tokens[] = {
      {"${ORIGIN}", origin.string()},     {"$ORIGIN", origin.string()},
      {"${LIB}", "lib/x86_64-linux-gnu"}, {"$LIB", "lib/x86_64-linux-gnu"},
      {"${PLATFORM}", "x86_64"},          {"$PLATFORM", "x86_64"}};
  for (const auto& [token, value] : tokens) {
    for (auto at = dir.find(token); at != std::string::npos;
         at = dir.find(token, at + value.size())) {
      dir.replace(at, token.size(), value);
    }
  }
  return dir;
}

std::optional<fs::path> find_in(const std::vector<std::string>& dirs, const fs::path& origin,
                                const std::string& soname) {
  for (const auto& dir : dirs) {
    fs::path candidate = fs::path(expand_tokens(dir, origin)) / soname;
    std::error_code error;
    if (fs::is_regular_file(candidate, error) && is_x86_64_elf(candidate)) {
      return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace

LoaderSearch LoaderSearch::from_system() {
  LoaderSearch search;
  search.cache = read_ld_so_cache();
  // Debian's glibc, as `/lib64/ld-linux-x86-64.so.2 --help` lists its system search path.
  search.default_dirs = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"};
  return search;
}

ElfDependencies find_dependencies(const fs::path& executable, const LoaderSearch& search) {
  ElfDependencies out;
  auto main_dynamic = read_elf_dynamic(executable);
  out.interpreter = main_dynamic.interpreter;
  // The executable's $ORIGIN is its real folder (ld.so asks the kernel, as /proc/self/exe).
  auto main_origin = fs::canonical(executable).parent_path();
  // The executable's DT_RPATH applies to every object loaded after it, unless it has a
  // DT_RUNPATH (which only applies to its own direct dependencies).
  std::vector<std::string> inherited_rpath;
  if (main_dynamic.runpath.empty()) {
    inherited_rpath = main_dynamic.rpath;
  }

  std::set<std::string> seen;
  std::deque<LoadedObject> queue;
  queue.push_back({executable, main_origin, std::move(main_dynamic)});
  bool is_main = true;
  while (!queue.empty()) {
    auto object = std::move(queue.front());
    queue.pop_front();
    for (const auto& soname : object.dynamic.needed) {
      if (!seen.insert(soname).second) {
        continue;
      }
      std::optional<fs::path> found;
      if (soname.find('/') != std::string::npos) {
        found = fs::path(soname);  // a path: loaded as it is, no search
      } else {
        if (object.dynamic.runpath.empty()) {
          found = find_in(object.dynamic.rpath, object.origin, soname);
          if (!found && !is_main) {
            found = find_in(inherited_rpath, main_origin, soname);
          }
        }
        if (!found) {
          found = find_in(object.dynamic.runpath, object.origin, soname);
        }
        if (!found) {
          auto cached = search.cache.find(soname);
          std::error_code error;
          if (cached != search.cache.end() && fs::is_regular_file(cached->second, error)) {
            found = cached->second;
          }
        }
        if (!found) {
          std::vector<std::string> dirs;
          for (const auto& dir : search.default_dirs) {
            dirs.push_back(dir.string());
          }
          found = find_in(dirs, object.origin, soname);
        }
      }
      if (!found) {
        throw util::Error("the shared library " + soname + ", needed by " + object.path.string() +
                          ", is not found (searched its RPATH/RUNPATH, /etc/ld.so.cache and the "
                          "system folders)");
      }
      out.libraries.push_back({soname, *found});
      queue.push_back({*found, found->parent_path(), read_elf_dynamic(*found)});
    }
    is_main = false;
  }
  return out;
}

}  // namespace deploy
