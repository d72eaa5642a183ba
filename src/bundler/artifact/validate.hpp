#pragma once

// The rules an artifact keeps whatever its bytes (docs/artifact.md, "Rules"): checked
// before writing, so sbfn never writes a broken artifact, and after reading, so a
// hand-made one cannot point a worker outside the virtual root.

#include "bundler/artifact/artifact.hpp"

#include <optional>
#include <string>

namespace bundler {

// The first rule `artifact` breaks, in words; nullopt when it keeps them all.
std::optional<std::string> artifact_problem(const Artifact& artifact);

// Whether `path` is absolute, below /sbfn/, with no empty, "." or ".." segment and no NUL.
bool is_virtual_path(std::string_view path);

}  // namespace bundler
