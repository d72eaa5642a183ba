#pragma once

// Functions served from `.sbfn` artifacts (`sbfn serve --bundle PATH...`).

#include "server/functions.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace server {

// The function in one artifact file; throws util::Error naming the file when it cannot be
// read.
FunctionSpec artifact_function(const std::filesystem::path& file);

// The functions in `paths` (artifact files, or folders whose *.sbfn files are taken in
// name order). An artifact that cannot be read (corrupt, truncated, another format
// version, a slug already taken by an earlier one) is passed to `refuse` with the
// message naming the file, and left out: the others are served. Throws util::Error for
// a path that does not exist or a folder holding no artifact.
std::vector<FunctionSpec> load_bundled_functions(
    const std::vector<std::filesystem::path>& paths,
    const std::function<void(const std::string& message)>& refuse);

}  // namespace server
