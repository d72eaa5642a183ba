#include "deploy/deploy.hpp"

#include "cli/commands/commands.hpp"
#include "deploy/emit_infrastructure.hpp"

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

int usage_error(const std::string& message) {
  std::fprintf(stderr, "error: %s\nRun 'sbfn deploy --help' for the options.\n", message.c_str());
  return 2;
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
  app.add_option("--env-file", flags.emit.env_file,
                 "--emit kubernetes: the functions' variables, kept in a Secret")
      ->needs(emit)
      ->check(CLI::ExistingFile);
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
        auto to = std::make_shared<std::string>();
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
            "--to", *to, "Upload to a remote sbfn serve at URL (not implemented yet)");
        layout->excludes(image_option)->excludes(to_option);
        image_option->excludes(to_option);
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
          if (!infrastructure->emit.format.empty()) {
            auto emit = infrastructure->emit;
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
          if (!to->empty()) {
            return target_not_implemented("a remote sbfn serve (--to)");
          }
          if (request->oci_layout.empty() && request->image.empty()) {
            // What CI sets.
            if (const char* env = std::getenv("SBFN_DEPLOY_IMAGE"); env && *env) {
              request->image = env;
              return deploy::deploy(*request);
            }
            if (const char* env = std::getenv("SBFN_DEPLOY_TO"); env && *env) {
              return target_not_implemented("a remote sbfn serve (SBFN_DEPLOY_TO)");
            }
            std::fputs(
                "error: no deploy target: give --oci-layout DIR, --image REF (or set "
                "SBFN_DEPLOY_IMAGE); --to URL (SBFN_DEPLOY_TO) is not implemented yet\n"
                "Run 'sbfn deploy --help' for the options.\n",
                stderr);
            return 2;
          }
          return deploy::deploy(*request);
        };
      }};
}

}  // namespace cli
