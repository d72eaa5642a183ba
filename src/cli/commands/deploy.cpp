#include "deploy/deploy.hpp"

#include "project/sbfn_toml.hpp"

#include "cli/commands/commands.hpp"
#include "deploy/deploy_target.hpp"

#include <cstdio>
#include <cstdlib>

namespace cli {
namespace {

// A target this version parses but cannot ship to yet: said plainly, exit 1.
int target_not_implemented(const char* what) {
  std::fprintf(stderr,
               "error: deploying to %s is not implemented yet in this version of sbfn; "
               "--oci-layout DIR writes the image to disk\n",
               what);
  return 1;
}

}  // namespace

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
        auto* to_option = app.add_option(
            "--to", request->to, "Upload to a remote sbfn serve at URL (not implemented yet)");
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
          try {
            // With no target flag: SBFN_DEPLOY_IMAGE / SBFN_DEPLOY_TO, else sbfn.toml.
            auto source = deploy::resolve_target(*request, std::getenv, project::find_sbfn_toml());
            if (source) {
              std::fprintf(stderr, "Deploy target from %s: %s\n", source->c_str(),
                           request->image.empty() ? request->to.c_str() : request->image.c_str());
            }
          } catch (const deploy::TargetChoiceError& error) {
            std::fprintf(stderr, "error: %s\nRun 'sbfn deploy --help' for the options.\n",
                         error.what());
            return 2;
          }
          if (!request->to.empty()) {
            return target_not_implemented("a remote sbfn serve (--to)");
          }
          return deploy::deploy(*request);
        };
      }};
}

}  // namespace cli
