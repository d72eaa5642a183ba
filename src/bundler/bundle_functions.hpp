#pragma once

// `sbfn bundle`: each function of the project as `<output>/<name>.sbfn`, and the
// artifact's contents listed or written back out.

#include "bundler/artifact/artifact.hpp"
#include "bundler/function_modules.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bundler {

struct BundleRequest {
  std::vector<std::string> names;       // empty: every function found
  std::filesystem::path functions_dir;  // empty: project::default_functions_dir()
  std::filesystem::path output_dir = "dist";
  std::optional<std::filesystem::path> import_map;  // --import-map: for every function
  ResolveOptions resolve;
  bool no_verify_jwt = false;
  bool code_cache = true;
};

// One function's artifact, built in memory.
struct BuiltArtifact {
  std::string slug;
  Artifact artifact;
  std::string bytes;  // write_artifact(artifact)
  // verify_jwt was chosen (--no-verify-jwt, or config.toml), not a default: a remote
  // deploy keeps what the remote has otherwise.
  bool verify_jwt_chosen = false;
  long long build_ms = 0;
};

// Builds every requested function's artifact in memory and hands each to `built`; a
// function that fails has its error printed on stderr (`error: <slug>: ...`) and the others
// are still built. Returns 0, or 1 when a function failed. Throws util::Error for a
// request that cannot start (no such folder or function, no function at all). What both
// `sbfn bundle` and `sbfn deploy` build.
int build_artifacts(const BundleRequest& request,
                    const std::function<void(BuiltArtifact&& artifact)>& built);

// Builds and writes every requested function's artifact, printing one line per function
// (or its error, after which the others are still built). Returns the exit code: 0, or
// 1 when a function failed. Throws util::Error for a request that cannot start (no such
// folder or function, no function at all).
int bundle_functions(const BundleRequest& request);

// `--list FILE`: prints what list_artifact says. Throws util::Error for an unreadable or
// corrupt file.
void print_artifact_listing(const std::filesystem::path& file);

// `--extract FILE -o DIR`: writes the sources out, printing how many files and where.
void extract_artifact_file(const std::filesystem::path& file, const std::filesystem::path& dir);

}  // namespace bundler
