#include "cli/commands/commands.hpp"
#include "deploy/remote/deploy_remote.hpp"

#include <memory>

namespace cli {

Command secrets_command() {
  return {"secrets", "Manage the secrets a remote sbfn serve gives its functions as env",
          [](CLI::App& app) -> std::function<int()> {
            using Action = deploy::remote::SecretsRequest::Action;
            auto request = std::make_shared<deploy::remote::SecretsRequest>();
            auto output = std::make_shared<std::string>("text");
            app.require_subcommand(1);
            auto common = [&](CLI::App* sub) {
              sub->add_option("--to", request->to,
                              "The remote sbfn serve's URL (else $SBFN_DEPLOY_TO)");
              sub->add_option("--token-file", request->token_file,
                              "The file holding the admin token (else $SBFN_DEPLOY_TOKEN)");
              sub->add_flag("--admin-insecure", request->admin_insecure,
                            "Allow plain HTTP to a host that is not this machine");
            };
            auto* set = app.add_subcommand("set", "Set secrets: NAME=VALUE... or --env-file F");
            set->add_option("pairs", request->arguments, "NAME=VALUE pairs");
            set->add_option("--env-file", request->env_files,
                            "Read the secrets from this env file (repeatable)");
            common(set);
            set->callback([request] { request->action = Action::set; });
            auto* list = app.add_subcommand("list", "List the secrets' names and SHA-256 digests");
            list->add_option("--output,-o", *output, "Print as text or json")
                ->check(CLI::IsMember({"text", "json"}))
                ->capture_default_str();
            common(list);
            list->callback([request] { request->action = Action::list; });
            auto* unset = app.add_subcommand("unset", "Unset secrets by name");
            unset->add_option("names", request->arguments, "The secrets' names")->required();
            common(unset);
            unset->callback([request] { request->action = Action::unset; });
            return [request, output] {
              request->json = *output == "json";
              return deploy::remote::run_secrets(*request);
            };
          }};
}

}  // namespace cli
