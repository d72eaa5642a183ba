// From a discovered function (project/config.hpp) to what its module graph needs to know.
#include "project/static_files.hpp"

#include "bundler/function_modules.hpp"
#include "util/files.hpp"

namespace bundler {

ProjectLayout project_layout(const std::filesystem::path& functions_dir,
                             const std::optional<std::filesystem::path>& config_toml,
                             const std::optional<std::filesystem::path>& import_map) {
  ProjectLayout layout;
  layout.functions_dir = std::filesystem::absolute(functions_dir).lexically_normal();
  // supabase/config.toml's project is two folders up; without one, the folder holding
  // supabase/functions, or else the functions folder's parent.
  if (config_toml) {
    layout.project_root =
        std::filesystem::absolute(*config_toml).lexically_normal().parent_path().parent_path();
  } else {
    layout.project_root = layout.functions_dir.parent_path();
    if (layout.project_root.filename() == "supabase") {
      layout.project_root = layout.project_root.parent_path();
    }
  }
  layout.import_roots = {layout.functions_dir, util::cache_dir()};
  if (import_map) {
    layout.import_map = std::filesystem::absolute(*import_map).lexically_normal();
  }
  return layout;
}

FunctionSource function_source(const project::FunctionConfig& config, const ProjectLayout& layout) {
  FunctionSource source;
  source.slug = config.slug;
  source.entrypoint = std::filesystem::absolute(config.entrypoint).lexically_normal();
  source.folder = source.entrypoint.parent_path();
  source.project_root = layout.project_root;
  source.functions_dir = layout.functions_dir;
  source.import_roots = layout.import_roots;
  source.import_map = layout.import_map ? layout.import_map : config.import_map;
  if (source.import_map) {
    source.import_map = std::filesystem::absolute(*source.import_map).lexically_normal();
  }
  source.static_files = project::expand_static_files(config.static_files).files;
  return source;
}

}  // namespace bundler
