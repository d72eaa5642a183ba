#include "cli/commands/commands.hpp"
#include "deploy/health_probe.hpp"

namespace cli {

// Hidden: what the image's Docker HEALTHCHECK runs (see src/deploy/health_probe.hpp).
Command healthcheck_command() {
  return {"healthcheck", "Exit 0 when a running sbfn serve answers its /health",
          [](CLI::App& app) -> std::function<int()> {
            auto url = std::make_shared<std::string>(deploy::k_default_health_url);
            auto timeout_ms = std::make_shared<long>(3000);
            app.add_option("url", *url, "The health URL to GET")->capture_default_str();
            app.add_option("--timeout-ms", *timeout_ms, "Give up after this long")
                ->capture_default_str();
            return [=] { return deploy::probe_health(*url, *timeout_ms); };
          },
          true};
}

}  // namespace cli
