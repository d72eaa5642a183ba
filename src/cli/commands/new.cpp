#include "project/scaffold.hpp"

#include "cli/commands/commands.hpp"

#include <cstdio>

namespace cli {

Command new_command() {
  return {"new", "Create a new function from a template (supabase/functions/<name>)",
          [](CLI::App& app) -> std::function<int()> {
            auto options = std::make_shared<project::NewFunctionOptions>();
            auto list = std::make_shared<bool>(false);
            auto* name = app.add_option("name", options->name,
                                        "The function's name (^[A-Za-z][A-Za-z0-9_-]*$)");
            app.add_option("--template", options->template_name,
                           "What to start from (sbfn new --list-templates)")
                ->capture_default_str();
            app.add_option("--auth", options->auth,
                           "Auth mode of the server template: none, apikey (its default) or "
                           "user, as in supabase functions new")
                ->check(CLI::IsMember({"none", "apikey", "user"}));
            app.add_option("--functions-dir", options->functions_dir,
                           "Folder to write <name>/ into (default: supabase/functions if "
                           "supabase/ exists or functions/ does not, else functions)");
            auto main_service = std::make_shared<bool>(false);
            app.add_flag("--main-service", *main_service,
                         "Write a main service for sbfn serve --main-service (the template "
                         "main-service; the name defaults to main)");
            app.add_flag("--list-templates", *list, "List the templates and exit")->excludes(name);
            return [=]() -> int {
              const auto& templates = project::builtin_templates();
              if (*list) {
                std::fputs(project::template_list(templates).c_str(), stdout);
                return 0;
              }
              if (*main_service) {
                options->template_name = "main-service";
                if (options->name.empty()) {
                  options->name = "main";
                }
              }
              if (options->name.empty()) {
                return usage_error("new", "name is required");
              }
              project::CreatedFunction created;
              try {
                created = project::create_function(*options, templates);
              } catch (const project::TemplateChoiceError& error) {
                std::fprintf(stderr, "error: %s\n", error.what());
                return 2;
              }
              for (const auto& warning : created.warnings) {
                std::fprintf(stderr, "%s\n", warning.c_str());
              }
              std::fputs(project::creation_report(created).c_str(), stdout);
              return 0;
            };
          }};
}

}  // namespace cli
