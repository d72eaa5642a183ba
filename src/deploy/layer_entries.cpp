// Layer entries: how host files become entries, and the one order build_layer writes them in.
#include "deploy/layer.hpp"
#include "util/error.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <map>

namespace deploy {
namespace {

namespace fs = std::filesystem;

// "/usr//lib/" -> "usr/lib"; refuses "", "." and ".." parts so nothing lands outside the root.
std::string clean_path(const std::string& path) {
  std::string out;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) {
      end = path.size();
    }
    auto part = path.substr(start, end - start);
    if (part == "." || part == "..") {
      throw util::Error("layer path \"" + path + "\" has a \"" + part + "\" part");
    }
    if (!part.empty()) {
      out += out.empty() ? part : "/" + part;
    }
    start = end + 1;
  }
  if (out.empty()) {
    throw util::Error("layer path \"" + path + "\" names the root itself");
  }
  return out;
}

bool same_entry(const LayerEntry& a, const LayerEntry& b) {
  return a.kind == b.kind && a.mode == b.mode && a.link_target == b.link_target &&
         a.content == b.content && a.source == b.source;
}

}  // namespace

LayerEntry LayerEntry::host_file(std::string path, const fs::path& source) {
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw util::Error("cannot put " + source.string() + " in the image: not a readable file");
  }
  LayerEntry entry;
  entry.path = std::move(path);
  entry.kind = Kind::file;
  entry.mode = (st.st_mode & 0111) != 0 ? 0755 : 0644;
  entry.source = source;
  return entry;
}

LayerEntry LayerEntry::directory(std::string path, unsigned mode) {
  LayerEntry entry;
  entry.path = std::move(path);
  entry.kind = Kind::directory;
  entry.mode = mode;
  return entry;
}

LayerEntry LayerEntry::symlink(std::string path, std::string target) {
  LayerEntry entry;
  entry.path = std::move(path);
  entry.kind = Kind::symlink;
  entry.mode = 0777;  // what Linux reports for every symlink
  entry.link_target = std::move(target);
  return entry;
}

LayerEntry LayerEntry::file(std::string path, std::string content, unsigned mode) {
  LayerEntry entry;
  entry.path = std::move(path);
  entry.kind = Kind::file;
  entry.mode = mode;
  entry.content = std::move(content);
  return entry;
}

std::vector<LayerEntry> normalize_entries(std::vector<LayerEntry> entries) {
  // std::map orders std::string keys bytewise, which puts "a" before "a/b": every parent
  // directory before its children, as the reproducible-builds recipe asks.
  std::map<std::string, LayerEntry> by_path;
  for (auto& entry : entries) {
    entry.path = clean_path(entry.path);
    auto [it, inserted] = by_path.try_emplace(entry.path, entry);
    if (!inserted && !same_entry(it->second, entry)) {
      throw util::Error("two different entries for /" + entry.path + " in one layer");
    }
  }
  std::vector<LayerEntry> parents;
  for (const auto& [path, entry] : by_path) {
    for (auto slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      auto parent = path.substr(0, slash);
      auto found = by_path.find(parent);
      if (found == by_path.end()) {
        parents.push_back(LayerEntry::directory(parent));
      } else if (found->second.kind != LayerEntry::Kind::directory) {
        throw util::Error("/" + parent + " is both a file or symlink and the folder of /" + path +
                          " in one layer");
      }
    }
  }
  for (auto& parent : parents) {
    by_path.try_emplace(parent.path, std::move(parent));
  }
  std::vector<LayerEntry> out;
  out.reserve(by_path.size());
  for (auto& [path, entry] : by_path) {
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace deploy
