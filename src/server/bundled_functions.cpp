#include "server/bundled_functions.hpp"

#include "util/error.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <set>

namespace server {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> artifact_files(const fs::path& path) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(path)) {
      if (entry.path().extension() == ".sbfn" && !entry.is_directory()) {
        files.push_back(entry.path());
      }
    }
    if (files.empty()) {
      throw util::Error("--bundle " + path.string() + ": the folder holds no .sbfn file");
    }
    std::sort(files.begin(), files.end());
    return files;
  }
  if (!fs::exists(path, error)) {
    throw util::Error("--bundle " + path.string() + ": no such file or folder");
  }
  return {path};
}

}  // namespace

FunctionSpec artifact_function(const fs::path& file) {
  auto artifact = std::make_shared<const bundler::Artifact>(
      bundler::read_artifact(util::read_file(file), file.string()));
  FunctionSpec spec;
  spec.artifact = std::make_shared<bundler::ArtifactModules>(artifact);
  spec.config.slug = artifact->metadata.slug;
  spec.config.entrypoint = fs::absolute(file).lexically_normal();
  spec.config.verify_jwt = artifact->metadata.verify_jwt;
  // A folder that exists only inside the artifact: no .env, no watched files.
  spec.folder = spec.artifact->folder();
  return spec;
}

std::vector<FunctionSpec> load_bundled_functions(
    const std::vector<fs::path>& paths,
    const std::function<void(const std::string& message)>& refuse) {
  std::vector<fs::path> files;
  for (const auto& path : paths) {
    auto found = artifact_files(path);
    files.insert(files.end(), found.begin(), found.end());
  }
  std::vector<FunctionSpec> specs;
  std::set<std::string> slugs;
  for (const auto& file : files) {
    try {
      auto spec = artifact_function(file);
      if (!slugs.insert(spec.config.slug).second) {
        throw util::Error(file.string() + ": function \"" + spec.config.slug +
                          "\" is already served from an earlier artifact");
      }
      specs.push_back(std::move(spec));
    } catch (const util::Error& error) {
      refuse(std::string(error.what()) + " (not served)");
    }
  }
  return specs;
}

}  // namespace server
