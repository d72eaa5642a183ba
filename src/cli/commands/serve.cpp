#include "cli/commands/commands.hpp"
#include "runtime/server/server.hpp"

#include <filesystem>

namespace cli {
namespace {

struct ServeArgs {
  std::vector<std::string> names;
  std::string functions_dir;
  std::string host = "127.0.0.1";
  int port = 54321;
  std::size_t max_body_mb = 20;
  std::string log_format = "text";
};

// supabase/functions when it exists (a Supabase project), else functions/.
std::filesystem::path default_functions_dir() {
  return std::filesystem::is_directory("supabase/functions") ? "supabase/functions" : "functions";
}

int run(const ServeArgs& args) {
  server::ServeOptions options;
  options.functions_dir = args.functions_dir.empty() ? default_functions_dir()
                                                     : std::filesystem::path(args.functions_dir);
  auto config = std::filesystem::path("supabase/config.toml");
  if (std::filesystem::exists(config)) {
    options.config_toml = config;
  }
  options.only = args.names;
  options.host = args.host;
  options.port = static_cast<std::uint16_t>(args.port);
  options.max_body_bytes = args.max_body_mb << 20;
  options.json_logs = args.log_format == "json";
  return server::serve(options);
}

}  // namespace

Command serve_command() {
  return {"serve", "Serve every function of the project on the sbfn runtime",
          [](CLI::App& app) -> std::function<int()> {
            auto args = std::make_shared<ServeArgs>();
            app.add_option("names", args->names,
                           "Serve only these functions (default: all that are found)");
            app.add_option("--functions-dir", args->functions_dir,
                           "Folder holding <name>/index.ts (default: supabase/functions if it "
                           "exists, else functions)");
            app.add_option("--host", args->host, "Address to listen on")->capture_default_str();
            app.add_option("--port", args->port, "Port to listen on (0 picks a free one)")
                ->check(CLI::Range(0, 65535))
                ->capture_default_str();
            app.add_option("--max-body-size", args->max_body_mb,
                           "Largest request body accepted, in MB (larger ones get 413)")
                ->check(CLI::Range(1, 1024))
                ->capture_default_str();
            app.add_option("--log-format", args->log_format, "Log lines as text or json")
                ->check(CLI::IsMember({"text", "json"}))
                ->capture_default_str();
            return [args] { return run(*args); };
          }};
}

}  // namespace cli
