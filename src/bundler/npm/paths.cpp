#include "bundler/npm/paths.hpp"

#include <vector>

namespace bundler::npm_paths {

std::string normalize(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto end = slash == std::string_view::npos ? path.size() : slash;
    auto segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  std::string out;
  for (auto segment : segments) {
    out += '/';
    out += segment;
  }
  return out.empty() ? "/" : out;
}

std::string join(std::string_view base, std::string_view path) {
  if (!path.empty() && path.front() == '/') {
    return normalize(path);
  }
  return normalize(std::string(base) + "/" + std::string(path));
}

std::string parent(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == 0 || slash == std::string_view::npos ? "/" : std::string(path.substr(0, slash));
}

bool is_inside(std::string_view folder, std::string_view path) {
  if (folder == "/") {
    return true;
  }
  return path.substr(0, folder.size()) == folder &&
         (path.size() == folder.size() || path[folder.size()] == '/');
}

}  // namespace bundler::npm_paths
