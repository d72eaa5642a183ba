#pragma once

// What the dynamic loader reads from an ELF file and from its cache, so that the runtime
// layer carries exactly the shared libraries `sbfn` loads (elf.cpp, ld_so_cache.cpp,
// shared_libraries.cpp). x86-64 only: the one platform images are built for.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace deploy {

// An ELF object's program interpreter and dynamic section, strings as written.
struct ElfDynamic {
  std::string interpreter;          // PT_INTERP: "/lib64/ld-linux-x86-64.so.2"; empty for a library
  std::string soname;               // DT_SONAME, if any
  std::vector<std::string> needed;  // DT_NEEDED, in order
  std::vector<std::string> rpath;   // DT_RPATH split at ':', $ORIGIN not expanded
  std::vector<std::string> runpath;  // DT_RUNPATH split at ':'
};

// Reads `file`'s program headers and dynamic section. Throws util::Error naming the file
// when it is not a 64-bit little-endian x86-64 ELF or its tables run past its end.
ElfDynamic read_elf_dynamic(const std::filesystem::path& file);

// Whether `file` is a 64-bit little-endian x86-64 ELF (what the loader accepts when it
// searches a directory; anything else there is skipped, as ld.so skips it).
bool is_x86_64_elf(const std::filesystem::path& file);

// soname -> path of the x86-64 libc6 libraries listed in glibc's ld.so.cache (the
// "glibc-ld.so.cache1.1" format ldconfig writes since glibc 2.32), first entry winning as
// in ld.so. Empty when the file is missing or in a format this does not read: the default
// directories still find the system's libraries.
std::map<std::string, std::filesystem::path> read_ld_so_cache(
    const std::filesystem::path& file = "/etc/ld.so.cache");

// Where ld.so looks for a library that no path names: its cache, then its system
// directories (Debian's multiarch ones first, as `ld.so --help` lists them).
struct LoaderSearch {
  std::map<std::string, std::filesystem::path> cache;
  std::vector<std::filesystem::path> default_dirs;

  static LoaderSearch from_system();
};

struct SharedLibrary {
  std::string soname;          // the DT_NEEDED name: "libssl.so.3"
  std::filesystem::path path;  // where ld.so finds it on this machine, as found
};

struct ElfDependencies {
  std::filesystem::path interpreter;     // PT_INTERP of the executable
  std::vector<SharedLibrary> libraries;  // every library loaded, breadth first, each once
};

// The executable's libraries as ld.so would load them: DT_NEEDED of every object,
// recursively; each searched in DT_RPATH (the object's, when it has no DT_RUNPATH, then the
// executable's), DT_RUNPATH, then `search`; $ORIGIN, $LIB and $PLATFORM expanded.
// LD_LIBRARY_PATH is ignored on purpose: the image has none. Throws util::Error naming
// the library and the object that needs it when one is not found.
ElfDependencies find_dependencies(const std::filesystem::path& executable,
                                  const LoaderSearch& search = LoaderSearch::from_system());

}  // namespace deploy
