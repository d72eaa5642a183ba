#pragma once

// `[functions.<name>] static_files`: glob patterns (already absolute) naming files a
// function may read besides its own folder, and that `sbfn bundle` puts in its artifact.

#include <filesystem>
#include <string>
#include <vector>

namespace project {

struct StaticFiles {
  std::vector<std::filesystem::path> files;  // regular files, absolute, sorted, no repeats
  std::vector<std::string> unmatched;        // patterns that matched nothing (a typo?)
};

// What the patterns match. `*`, `?`, `[...]` and `**` (any depth) work as in Supabase's
// CLI. `serve` warns about unmatched patterns; `bundle` refuses them.
StaticFiles expand_static_files(const std::vector<std::string>& patterns);

}  // namespace project
