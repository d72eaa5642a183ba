#include "deploy/deploy.hpp"

#include "project/sbfn_toml.hpp"

#include "cli/commands/commands.hpp"
#include "deploy/deploy_target.hpp"

#include <cstdio>
#include <cstdlib>

namespace cli {

Command deploy_command() {
  return {
      "deploy", "Ship a function as an OCI image (ECR or any registry) or to a remote sbfn serve",
      [](CLI::App& app) -> std::function<int()> {
        auto request = std::make_shared<deploy::DeployRequest>();
        auto output = std::make_shared<std::string>("text");
        app.add_option("names", request->bundle.names,
                       "Deploy only these functions (default: all that are found)");
        auto* layout = app.add_option(
            "--oci-layout", request->oci_layout,
            "Write the image as an OCI image layout into DIR[:TAG] (tag: latest), for "
            "skopeo, umoci and other tools");
        auto* image_option =
            app.add_option("--image", request->image,
                           "Push the image to a registry as REF (an ECR host logs in with the AWS "
                           "credentials; others use Docker's config.json)");
        auto* to_option =
            app.add_option("--to", request->to,
                           "Upload to a remote sbfn serve's admin API at URL (sbfn serve "
                           "--admin-token-file)");
        app.add_option("--token-file", request->token_file,
                       "--to: the file holding the admin token (else $SBFN_DEPLOY_TOKEN)");
        app.add_flag("--admin-insecure", request->admin_insecure,
                     "--to: allow plain HTTP to a host that is not this machine");
        auto listing = std::make_shared<bool>(false);
        auto* list =
            app.add_flag("--list", *listing, "--to: list the remote's functions and versions");
        auto* rollback = app.add_option("--rollback", request->remote_slug,
                                        "--to: serve the previous version of NAME again");
        auto* remove = app.add_option("--delete", request->remote_slug,
                                      "--to: stop serving NAME and forget its versions");
        list->excludes(rollback)->excludes(remove);
        rollback->excludes(remove);
        app.add_option("--env-file", request->secret_env_files,
                       "--to: set these env files' variables as the remote's secrets first");
        layout->excludes(image_option)->excludes(to_option);
        image_option->excludes(to_option);
        app.add_option("--base-image", request->base_image,
                       "Stack the image's layers on this image's linux/amd64 variant, pulled "
                       "from its registry (default: none, FROM scratch)");
        app.add_flag("--insecure-registry", request->insecure_registry,
                     "--image: plain HTTP or unverified TLS for a registry that is not on "
                     "this machine");
        app.add_flag("--create-repository", request->create_repository,
                     "--image: create the ECR repository when it does not exist");
        auto ecs = std::make_shared<deploy::EcsRollout>();
        auto* ecs_service =
            app.add_option("--ecs-service", ecs->service,
                           "--image: then roll this ECS service onto the image (UpdateService, "
                           "forceNewDeployment) and wait until it is stable");
        app.add_option("--ecs-cluster", ecs->cluster, "--ecs-service: its cluster")
            ->needs(ecs_service)
            ->capture_default_str();
        app.add_option("--ecs-poll-interval", ecs->poll_interval_s,
                       "--ecs-service: seconds between looks at the rolling service")
            ->needs(ecs_service)
            ->check(CLI::Range(1, 600))
            ->capture_default_str();
        app.add_option("--functions-dir", request->bundle.functions_dir,
                       "Folder holding <name>/index.ts (default: supabase/functions if it "
                       "exists, else functions)");
        app.add_flag("--no-verify-jwt", request->bundle.no_verify_jwt,
                     "Deploy the functions with JWT verification off (default: as "
                     "config.toml says)");
        app.add_flag("--dry-run", request->dry_run,
                     "Build and print the layers, config and target; write nothing");
        app.add_option("--output", *output, "Print the result as text or json")
            ->check(CLI::IsMember({"text", "json"}))
            ->capture_default_str();
        app.add_option("--platform", request->platform,
                       "The image's platform (only linux/amd64 is built)")
            ->capture_default_str();
        return [=]() -> int {
          request->json = *output == "json";
          if (!ecs->service.empty()) {
            request->ecs = *ecs;
          }
          if (list->count() > 0) {
            request->remote_action = deploy::RemoteAction::list;
          } else if (rollback->count() > 0) {
            request->remote_action = deploy::RemoteAction::rollback;
          } else if (remove->count() > 0) {
            request->remote_action = deploy::RemoteAction::remove;
          }
          bool remote_action = request->remote_action != deploy::RemoteAction::deploy;
          try {
            // With no target flag: SBFN_DEPLOY_IMAGE / SBFN_DEPLOY_TO, else sbfn.toml.
            auto source = deploy::resolve_target(*request, std::getenv, project::find_sbfn_toml());
            if (source) {
              std::fprintf(stderr, "Deploy target from %s: %s\n", source->c_str(),
                           request->image.empty() ? request->to.c_str() : request->image.c_str());
            }
          } catch (const deploy::TargetChoiceError& error) {
            if (!remote_action) {  // else the remote's own error names what is missing
              std::fprintf(stderr, "error: %s\nRun 'sbfn deploy --help' for the options.\n",
                           error.what());
              return 2;
            }
          }
          if (remote_action && request->to.empty() &&
              !(request->image.empty() && request->oci_layout.empty())) {
            std::fputs(
                "error: --list, --rollback and --delete are for a remote sbfn serve (--to URL); "
                "the target here is an image\nRun 'sbfn deploy --help' for the options.\n",
                stderr);
            return 2;
          }
          return deploy::deploy(*request);
        };
      }};
}

}  // namespace cli
