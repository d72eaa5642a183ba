// sbfn: the Supabase Edge Functions workflow in one binary.
#include "cli/commands/commands.hpp"
#include "runtime/embedded.hpp"
#include "runtime/runtime.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  runtime::init(runtime::embedded_assets());
  CLI::App app{"sbfn: Supabase Edge Functions on your own machine and servers, without Docker",
               "sbfn"};
  app.set_version_flag("-V,--version",
                       std::string("sbfn ") + SBFN_VERSION + " (V8 " + runtime::v8_version() + ")");
  // At most one subcommand; none is handled below, so that an unknown word or flag is
  // reported by name instead of as a missing subcommand.
  app.require_subcommand(0, 1);

  const cli::Command commands[] = {cli::new_command(),         cli::serve_command(),
                                   cli::test_command(),        cli::bundle_command(),
                                   cli::deploy_command(),      cli::secrets_command(),
                                   cli::completions_command(), cli::healthcheck_command()};
  std::function<int()> chosen;
  for (const auto& command : commands) {
    auto* sub = app.add_subcommand(command.name, command.description);
    if (command.hidden) {
      sub->group("");  // CLI11: no group, not listed
    }
    auto run = command.setup(*sub);
    sub->callback([&chosen, run] { chosen = run; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {  // --help, --version
      return app.exit(error);
    }
    // Usage errors all exit 2 (CLI11's own codes, 105 and so on, mean nothing to a
    // script), in the same `error: …` form as every other error, with where to look.
    auto parsed = app.get_subcommands();
    const std::string help =
        parsed.empty() ? "sbfn --help" : "sbfn " + parsed.front()->get_name() + " --help";
    std::fprintf(stderr, "error: %s\nRun '%s' for the options.\n", error.what(), help.c_str());
    return 2;
  }
  if (!chosen) {
    std::fprintf(stderr,
                 "%s\nerror: a subcommand is required (new, serve, test, bundle or deploy)\n",
                 app.help().c_str());
    return 2;
  }
  try {
    return chosen();
  } catch (const std::exception& error) {  // util::Error and anything unexpected alike
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  }
}
