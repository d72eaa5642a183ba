#pragma once

// Absolute, normalised '/'-separated paths as FileView uses them ("/a/b/c.js", never a
// trailing '/'), computed without touching a disk (the view may be an artifact).

#include <string>
#include <string_view>

namespace bundler::npm_paths {

// Resolves "." and ".." segments and repeated slashes of an absolute path.
std::string normalize(std::string_view path);
// `base` joined with the relative or absolute `path`, normalised.
std::string join(std::string_view base, std::string_view path);
// "/a/b/c.js" -> "/a/b"; "/" for a top-level entry.
std::string parent(std::string_view path);
// True when `path` is `folder` or inside it.
bool is_inside(std::string_view folder, std::string_view path);

}  // namespace bundler::npm_paths
