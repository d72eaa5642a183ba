#include "project/static_files.hpp"

#include <fnmatch.h>
#include <glob.h>

#include <algorithm>
#include <set>

namespace fs = std::filesystem;

namespace project {
namespace {

// glob(3) alone knows no `**`: the part before it is globbed, then every file below the
// matches is kept when its path relative to them matches the rest (or the rest is empty).
std::vector<fs::path> glob_paths(const std::string& pattern) {
  glob_t found{};
  std::vector<fs::path> out;
  if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &found) == 0) {
    for (size_t i = 0; i < found.gl_pathc; ++i) {
      out.emplace_back(found.gl_pathv[i]);
    }
  }
  ::globfree(&found);
  return out;
}

bool matches_rest(const std::string& rest, const fs::path& relative) {
  if (rest.empty()) {
    return true;
  }
  // Match the tail against each suffix of the relative path, so `**/x.json` finds x.json
  // at any depth.
  std::vector<fs::path> parts(relative.begin(), relative.end());
  for (size_t start = 0; start < parts.size(); ++start) {
    fs::path tail;
    for (size_t i = start; i < parts.size(); ++i) {
      tail /= parts[i];
    }
    if (::fnmatch(rest.c_str(), tail.c_str(), FNM_PATHNAME) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

StaticFiles expand_static_files(const std::vector<std::string>& patterns) {
  std::set<fs::path> files;
  StaticFiles out;
  for (const auto& pattern : patterns) {
    std::size_t before = files.size();
    auto star = pattern.find("**");
    if (star == std::string::npos) {
      for (const auto& path : glob_paths(pattern)) {
        std::error_code ec;
        if (fs::is_regular_file(path, ec)) {
          files.insert(fs::absolute(path).lexically_normal());
        }
      }
    } else {
      auto head = pattern.substr(0, star);
      auto rest = pattern.substr(star + 2);
      while (!rest.empty() && rest.front() == '/') {
        rest.erase(0, 1);
      }
      for (const auto& root : glob_paths(head.empty() ? "." : head)) {
        std::error_code ec;
        for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end;
             it.increment(ec)) {
          if (it->is_regular_file(ec) && matches_rest(rest, fs::relative(it->path(), root))) {
            files.insert(fs::absolute(it->path()).lexically_normal());
          }
        }
      }
    }
    if (files.size() == before) {
      out.unmatched.push_back(pattern);
    }
  }
  out.files.assign(files.begin(), files.end());
  return out;
}

}  // namespace project
