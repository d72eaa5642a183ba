#include "deploy/deploy.hpp"

#include "project/sbfn_toml.hpp"

#include "cli/commands/commands.hpp"
#include "deploy/deploy_target.hpp"
#include "deploy/emit_infrastructure.hpp"

#include <cstdio>
#include <cstdlib>

namespace cli {
namespace {

int usage_error(const std::string& message) {
  return cli::usage_error("deploy", message);
}

// --emit, --aws-stack and their companions; the run wires them in.
struct InfrastructureFlags {
  deploy::EmitRequest emit;
  deploy::StackDeploy stack;
};

void add_infrastructure_flags(CLI::App& app, InfrastructureFlags& flags,
                              const std::vector<CLI::Option*>& not_with_emit,
                              CLI::Option* ecs_service) {
  auto* emit = app.add_option("--emit", flags.emit.format,
                              "Write infrastructure for the --image instead of deploying: "
                              "cloudformation (ECS Fargate behind a load balancer) or "
                              "kubernetes (Deployment, Service, autoscaler)")
                   ->check(CLI::IsMember({"cloudformation", "kubernetes"}));
  for (auto* option : not_with_emit) {
    emit->excludes(option);
  }
  app.add_option("-o,--output-file", flags.emit.output_file,
                 "--emit: write to FILE (default: stdout)")
      ->needs(emit);
  app.add_option("--ingress-host", flags.emit.ingress_host,
                 "--emit kubernetes: also an Ingress routing HOST to the functions")
      ->needs(emit);
  auto* stack = app.add_option("--aws-stack", flags.stack.name,
                               "--image: then create or update this CloudFormation stack (the "
                               "--emit cloudformation template) with the pushed image, and "
                               "print its URL");
  emit->excludes(stack);
  stack->excludes(ecs_service);  // the stack rolls its own service
  app.add_option("--parameters-file", flags.stack.parameters_file,
                 "--aws-stack: stack parameters as the AWS CLI takes them "
                 "([{\"ParameterKey\": ..., \"ParameterValue\": ...}])")
      ->needs(stack)
      ->check(CLI::ExistingFile);
  app.add_option("--stack-poll-interval", flags.stack.poll_interval_s,
                 "--aws-stack: seconds between looks at the stack")
      ->needs(stack)
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
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
        auto* to_option =
            app.add_option("--to", request->to,
                           "Upload to a remote sbfn serve's admin API at URL (sbfn serve "
                           "--admin-token-file)");
        app.add_option("--token-file", request->token_file,
                       "--to: the file holding the admin token (else $SBFN_DEPLOY_TOKEN)");
        app.add_flag("--admin-insecure", request->admin_insecure,
                     "--to: allow plain HTTP to a host that is not this machine");
        // Read by its count in the run: no variable, which the parse would write after this
        // setup returned.
        auto* list =
            app.add_flag("--list")->description("--to: list the remote's functions and versions");
        auto* rollback = app.add_option("--rollback", request->remote_slug,
                                        "--to: serve the previous version of NAME again");
        auto* remove = app.add_option("--delete", request->remote_slug,
                                      "--to: stop serving NAME and forget its versions");
        list->excludes(rollback)->excludes(remove);
        rollback->excludes(remove);
        app.add_option("--env-file", request->secret_env_files,
                       "--to: set these env files' variables as the remote's secrets first; "
                       "--emit kubernetes: keep them in a Secret")
            ->check(CLI::ExistingFile);
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
        auto infrastructure = std::make_shared<InfrastructureFlags>();
        add_infrastructure_flags(app, *infrastructure, {layout, to_option, ecs_service},
                                 ecs_service);
        return [=]() -> int {
          request->json = *output == "json";
          const char* env_image = std::getenv("SBFN_DEPLOY_IMAGE");
          const auto& env_files = request->secret_env_files;
          const std::string env_file_use =
              "--env-file goes with --to (the remote's secrets) or --emit kubernetes (a "
              "Secret); an image takes its environment from where it runs";
          if (!infrastructure->emit.format.empty()) {
            auto emit = infrastructure->emit;
            if (env_files.size() > 1) {
              return usage_error("--emit kubernetes takes one --env-file");
            }
            emit.env_file = env_files.empty() ? std::string() : env_files.front();
            emit.image = !request->image.empty() ? request->image : env_image ? env_image : "";
            emit.dry_run = request->dry_run;
            emit.json = request->json;
            if (emit.format == "kubernetes" && emit.image.empty()) {
              return usage_error(
                  "--emit kubernetes needs the image the Deployment runs: give --image REF "
                  "(or set SBFN_DEPLOY_IMAGE)");
            }
            return deploy::emit_infrastructure(emit);
          }
          if (!infrastructure->stack.name.empty()) {
            if (request->image.empty() && !(env_image && *env_image)) {
              return usage_error(
                  "--aws-stack deploys the image pushed with --image REF (or "
                  "SBFN_DEPLOY_IMAGE)");
            }
            request->stack = infrastructure->stack;
          }
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
              return usage_error(error.what());
            }
          }
          if (!env_files.empty() && request->to.empty()) {
            return usage_error(env_file_use);
          }
          if (remote_action && request->to.empty() &&
              !(request->image.empty() && request->oci_layout.empty())) {
            return usage_error(
                "--list, --rollback and --delete are for a remote sbfn serve (--to URL); the "
                "target here is an image");
          }
          return deploy::deploy(*request);
        };
      }};
}

}  // namespace cli
