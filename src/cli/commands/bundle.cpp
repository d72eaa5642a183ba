#include "bundler/bundle_functions.hpp"
#include "cli/commands/commands.hpp"

namespace cli {

Command bundle_command() {
  return {"bundle", "Resolve jsr:, npm: and https: imports into one self-contained artifact",
          [](CLI::App& app) -> std::function<int()> {
            auto request = std::make_shared<bundler::BundleRequest>();
            auto list = std::make_shared<std::string>();
            auto extract = std::make_shared<std::string>();
            auto import_map = std::make_shared<std::string>();
            auto no_code_cache = std::make_shared<bool>(false);
            auto* names =
                app.add_option("names", request->names,
                               "Bundle only these functions (default: all that are found)");
            app.add_option("--functions-dir", request->functions_dir,
                           "Folder holding <name>/index.ts (default: supabase/functions if it "
                           "exists, else functions)");
            auto* output = app.add_option("-o,--output", request->output_dir,
                                          "Where <name>.sbfn files are written (with --extract: "
                                          "where the sources are written)")
                               ->capture_default_str();
            app.add_option("--import-map", *import_map,
                           "Import map for every function (over config.toml and deno.json)")
                ->check(CLI::ExistingFile);
            app.add_flag("--no-verify-jwt", request->no_verify_jwt,
                         "Serve the bundled functions without JWT verification");
            app.add_flag("--no-code-cache", *no_code_cache,
                         "Leave V8 code caches out (smaller; the first boot parses every module)");
            app.add_flag("--cached-only", request->resolve.cached_only,
                         "Never touch the network: remote modules must be in the cache");
            app.add_flag("--frozen", request->resolve.frozen,
                         "Fail instead of writing deno.lock when it would change");
            auto* list_option =
                app.add_option("--list", *list, "Print an artifact's metadata and module table")
                    ->check(CLI::ExistingFile)
                    ->excludes(names);
            app.add_option("--extract", *extract,
                           "Write an artifact's sources back out into the --output folder")
                ->check(CLI::ExistingFile)
                ->excludes(names)
                ->excludes(list_option)
                ->needs(output);
            return [=] {
              if (!list->empty()) {
                bundler::print_artifact_listing(*list);
                return 0;
              }
              if (!extract->empty()) {
                bundler::extract_artifact_file(*extract, request->output_dir);
                return 0;
              }
              if (!import_map->empty()) {
                request->import_map = *import_map;
              }
              request->code_cache = !*no_code_cache;
              return bundler::bundle_functions(*request);
            };
          }};
}

}  // namespace cli
