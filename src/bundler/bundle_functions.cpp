#include "bundler/bundle_functions.hpp"

#include "project/config.hpp"

#include "bundler/download_progress.hpp"
#include "bundler/function_artifact.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/human_size.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

namespace bundler {
namespace {

namespace fs = std::filesystem;

std::vector<project::FunctionConfig> chosen_functions(const BundleRequest& request,
                                                      const fs::path& functions_dir,
                                                      const std::optional<fs::path>& config_toml) {
  auto configs = project::discover_functions(functions_dir, config_toml);
  for (const auto& name : request.names) {
    if (std::none_of(configs.begin(), configs.end(),
                     [&](const project::FunctionConfig& c) { return c.slug == name; })) {
      throw util::Error("no function named \"" + name + "\" in " + functions_dir.string());
    }
  }
  if (!request.names.empty()) {
    std::set<std::string> wanted(request.names.begin(), request.names.end());
    std::erase_if(configs,
                  [&](const project::FunctionConfig& c) { return !wanted.contains(c.slug); });
  }
  if (configs.empty()) {
    throw util::Error("no functions found in " + functions_dir.string() +
                      " (each is a folder holding an index.ts)");
  }
  return configs;
}

// Package folders below /sbfn/npm/: "zod@3.23.8", "@supabase/auth-js@2.1.0".
std::size_t npm_package_count(const Artifact& artifact) {
  std::set<std::string> packages;
  const std::string root = std::string(k_artifact_root_path) + "npm/";
  for (const auto& [path, bytes] : artifact.files) {
    if (!path.starts_with(root)) {
      continue;
    }
    auto end = path.find('/', root.size());
    if (end != std::string::npos && path[root.size()] == '@') {
      end = path.find('/', end + 1);
    }
    packages.insert(path.substr(0, end));
  }
  return packages.size();
}

}  // namespace

int build_artifacts(const BundleRequest& request,
                    const std::function<void(BuiltArtifact&& artifact)>& built) {
  auto functions_dir =
      request.functions_dir.empty() ? project::default_functions_dir() : request.functions_dir;
  if (!request.functions_dir.empty() && !fs::is_directory(functions_dir)) {
    throw util::Error("--functions-dir " + functions_dir.string() + " is not a folder");
  }
  auto config_toml = project::find_config_toml();
  auto configs = chosen_functions(request, functions_dir, config_toml);
  auto layout = project_layout(functions_dir, config_toml, request.import_map);
  auto http = std::make_shared<HttpClient>(16, terminal_download_progress(STDERR_FILENO));
  int status = 0;
  for (const auto& config : configs) {
    auto started = std::chrono::steady_clock::now();
    try {
      FunctionModules modules(function_source(config, layout), request.resolve,
                              Cache::from_environment(), http);
      BundleOptions options;
      options.verify_jwt = config.verify_jwt && !request.no_verify_jwt;
      options.code_cache = request.code_cache;
      BuiltArtifact result;
      result.slug = config.slug;
      result.verify_jwt_chosen = config.verify_jwt_set || request.no_verify_jwt;
      result.artifact = build_artifact(modules, options);
      result.bytes = write_artifact(result.artifact);
      result.build_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
      built(std::move(result));
    } catch (const std::exception& error) {
      std::fprintf(stderr, "error: %s: %s\n", config.slug.c_str(), error.what());
      status = 1;
    }
  }
  return status;
}

int bundle_functions(const BundleRequest& request) {
  return build_artifacts(request, [&](BuiltArtifact&& built) {
    auto output = request.output_dir / (built.slug + ".sbfn");
    fs::create_directories(request.output_dir);
    util::write_file_atomic(output, built.bytes);
    std::printf(
        "Bundled %s -> %s (%zu modules, %zu npm packages, %zu static files, %s) in %lld ms\n",
        built.slug.c_str(), output.string().c_str(), built.artifact.modules.size(),
        npm_package_count(built.artifact), built.artifact.metadata.static_files.size(),
        util::human_size(built.bytes.size()).c_str(), built.build_ms);
    std::fflush(stdout);
  });
}

void print_artifact_listing(const fs::path& file) {
  auto artifact = read_artifact(util::read_file(file), file.string());
  std::fputs(list_artifact(artifact).c_str(), stdout);
}

void extract_artifact_file(const fs::path& file, const fs::path& dir) {
  auto artifact = read_artifact(util::read_file(file), file.string());
  auto written = extract_artifact(artifact, dir);
  std::printf("Extracted %zu files from %s into %s\n", written.size(), file.string().c_str(),
              dir.string().c_str());
}

}  // namespace bundler
