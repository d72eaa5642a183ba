// The runtime layer: sbfn, exactly the shared libraries ld.so loads for it, the loader,
// CA certificates, timezone data and /tmp. An installed sbfn (`cmake --install`, the
// packages) goes in as installed: its own libraries (V8) under /usr/local/lib/sbfn, found
// through its run path $ORIGIN/../lib/sbfn. Every other library goes to the multiarch
// folder, a system folder of ld.so, so the image needs no ld.so.cache; so do V8's when sbfn
// runs from a build tree (its RUNPATH names a folder of the build machine, which does not
// exist in the image, and ld.so falls through to the system folders).
#include "deploy/image.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <filesystem>

namespace deploy {
namespace {

namespace fs = std::filesystem;

std::string in_library_dir(const std::string& name, const char* dir = k_image_library_dir) {
  return std::string(dir) + "/" + name;
}

// A library under the name ld.so asks for: the file itself when its real name is the
// soname, else a symlink from the soname to the real file (libicuuc.so.72 ->
// libicuuc.so.72.1), as Debian installs them.
void add_library(std::vector<LayerEntry>& entries, const std::string& soname, const fs::path& found,
                 const char* dir) {
  auto real = fs::canonical(found);
  auto real_name = real.filename().string();
  entries.push_back(LayerEntry::host_file(in_library_dir(real_name, dir), real));
  if (real_name != soname) {
    entries.push_back(LayerEntry::symlink(in_library_dir(soname, dir), real_name));
  }
}

// Every file, folder and symlink below `root`, at `image_root` in the image. Symlinks stay
// symlinks and are not followed (zoneinfo has `posix -> .`).
void add_tree(std::vector<LayerEntry>& entries, const fs::path& root,
              const std::string& image_root) {
  entries.push_back(LayerEntry::directory(image_root));
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const auto& path = it->path();
    auto in_image = image_root + "/" + path.lexically_relative(root).string();
    if (it->is_symlink()) {
      entries.push_back(LayerEntry::symlink(in_image, fs::read_symlink(path).string()));
    } else if (it->is_directory()) {
      entries.push_back(LayerEntry::directory(in_image));
    } else if (it->is_regular_file()) {
      auto entry = LayerEntry::host_file(in_image, path);
      entry.mode = 0644;  // data, never executable
      entries.push_back(std::move(entry));
    }
  }
}

}  // namespace

std::vector<LayerEntry> runtime_layer_entries(const RuntimeSources& sources) {
  std::vector<LayerEntry> entries;
  if (!is_x86_64_elf(sources.binary)) {
    throw util::Error(sources.binary.string() +
                      " is not an x86-64 ELF executable: images are built for " + k_image_platform +
                      " only");
  }
  auto binary = LayerEntry::host_file(k_image_binary, sources.binary);
  binary.mode = 0755;
  entries.push_back(std::move(binary));

  auto dependencies = find_dependencies(sources.binary, sources.loader);
  if (dependencies.interpreter.empty()) {
    throw util::Error(sources.binary.string() + " names no program interpreter (PT_INTERP)");
  }
  // The loader, at the path the kernel opens (PT_INTERP), pointing at its file in the
  // library folder, where libc.so.6's own DT_NEEDED on it finds the same file.
  auto loader_real = fs::canonical(dependencies.interpreter);
  entries.push_back(LayerEntry::host_file(in_library_dir(loader_real.filename()), loader_real));
  if (dependencies.interpreter != fs::path(in_library_dir(loader_real.filename()))) {
    entries.push_back(LayerEntry::symlink(dependencies.interpreter.string(),
                                          in_library_dir(loader_real.filename())));
  }
  // An installed sbfn's own libraries: <prefix>/lib/sbfn beside <prefix>/bin/sbfn.
  std::error_code missing;
  auto own_libraries = fs::canonical(sources.binary).parent_path().parent_path() / "lib" / "sbfn";
  bool installed = fs::is_directory(own_libraries, missing);
  for (const auto& library : dependencies.libraries) {
    bool own = installed && util::is_under(own_libraries, fs::canonical(library.path));
    add_library(entries, library.soname, library.path,
                own ? k_image_own_library_dir : k_image_library_dir);
  }

  std::error_code error;
  if (!fs::is_regular_file(sources.ca_certificates, error)) {
    throw util::Error("CA certificates not found at " + sources.ca_certificates.string() +
                      " (Debian: apt-get install ca-certificates); the image's fetch() needs them");
  }
  entries.push_back(LayerEntry::host_file("/etc/ssl/certs/ca-certificates.crt",
                                          fs::canonical(sources.ca_certificates)));
  entries.back().mode = 0644;
  if (!fs::is_directory(sources.zoneinfo, error)) {
    throw util::Error("timezone data not found at " + sources.zoneinfo.string() +
                      " (Debian: apt-get install tzdata)");
  }
  add_tree(entries, sources.zoneinfo, "usr/share/zoneinfo");
  entries.push_back(LayerEntry::directory("tmp", 01777));
  return entries;
}

std::vector<LayerEntry> functions_layer_entries(const std::vector<FunctionArtifact>& functions) {
  std::vector<LayerEntry> entries{LayerEntry::directory(k_image_functions_dir)};
  for (const auto& function : functions) {
    entries.push_back(LayerEntry::file(
        std::string(k_image_functions_dir) + "/" + function.slug + ".sbfn", function.bytes));
  }
  return entries;
}

}  // namespace deploy
