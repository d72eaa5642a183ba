// Subcommands declared with their help text that this version does not implement yet.
// They say so and exit 2; they never pretend to work.
#include "cli/commands/commands.hpp"

#include <cstdio>

namespace cli {

int not_available_yet(const std::string& command) {
  std::fprintf(stderr, "error: `sbfn %s` is not available yet in this version of sbfn\n",
               command.c_str());
  return 2;
}

namespace {

Command pending(const char* name, const char* description) {
  return {name, description, [name](CLI::App& app) -> std::function<int()> {
            app.allow_extras();
            return [name] { return not_available_yet(name); };
          }};
}

}  // namespace

Command deploy_command() {
  return pending("deploy",
                 "Ship a function as an OCI image (ECR or any registry) or to a remote sbfn serve");
}

}  // namespace cli
