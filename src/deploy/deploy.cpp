#include "deploy/deploy.hpp"

#include "deploy/aws/ecr.hpp"
#include "deploy/base_image.hpp"
#include "deploy/image.hpp"
#include "deploy/oci_layout.hpp"
#include "deploy/push_image.hpp"
#include "deploy/remote/deploy_remote.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/human_size.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>

namespace deploy {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const k_layer_roles[] = {"runtime", "functions"};

// "base" for the base image's layers, then ours.
const char* layer_role(const Image& image, std::size_t i) {
  return i < image.base_layers ? "base" : k_layer_roles[i - image.base_layers];
}

long long ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

// Where the image goes: a layout on disk, or a registry.
struct Target {
  std::optional<LayoutTarget> layout;
  std::optional<ImagePush> push;
  std::optional<registry::PushResult> pushed;  // after the push
};

json report_json(const DeployRequest& request, const Target& target,
                 const std::vector<FunctionArtifact>& functions, const Image& image,
                 const BaseImage* base) {
  json out;
  out["dry_run"] = request.dry_run;
  out["platform"] = k_image_platform;
  if (base) {
    out["base"] = {{"reference", base->reference.to_string()}, {"manifest", base->manifest_digest}};
  }
  if (target.layout) {
    out["target"] = {{"kind", "oci-layout"},
                     {"dir", fs::absolute(target.layout->dir).lexically_normal().string()},
                     {"tag", target.layout->tag}};
  } else {
    out["target"] = {{"kind", "registry"}, {"reference", target.push->reference.to_string()}};
    if (target.pushed) {
      out["target"]["pushed"] = target.pushed->reference;
      out["target"]["blobs_uploaded"] = target.pushed->blobs_uploaded;
      out["target"]["blobs_skipped"] = target.pushed->blobs_skipped;
      out["target"]["bytes_uploaded"] = target.pushed->bytes_uploaded;
    }
  }
  out["functions"] = json::array();
  for (const auto& function : functions) {
    out["functions"].push_back({{"name", function.slug},
                                {"digest", "sha256:" + util::sha256_hex(function.bytes)},
                                {"size", function.bytes.size()},
                                {"verify_jwt", function.verify_jwt}});
  }
  out["layers"] = json::array();
  for (std::size_t i = 0; i < image.layers.size(); ++i) {
    const auto& layer = image.layers[i];
    out["layers"].push_back({{"role", layer_role(image, i)},
                             {"mediaType", layer.media_type},
                             {"size", layer.blob.size()},
                             {"digest", layer.digest},
                             {"diff_id", layer.diff_id},
                             {"uncompressed_size", layer.tar_size},
                             {"entries", layer.entry_count}});
  }
  out["config"] = {{"mediaType", image.config.media_type},
                   {"size", image.config.bytes.size()},
                   {"digest", image.config.digest}};
  out["manifest"] = {{"mediaType", image.manifest.media_type},
                     {"size", image.manifest.bytes.size()},
                     {"digest", image.manifest.digest}};
  return out;
}

void print_report(const DeployRequest& request, const Target& target, const Image& image,
                  long long build_ms, const BaseImage* base) {
  std::printf("Image for %s built in %lld ms\n", k_image_platform, build_ms);
  if (base) {
    std::printf("  on the base image %s (%s)\n", base->reference.to_string().c_str(),
                base->manifest_digest.c_str());
  }
  for (std::size_t i = 0; i < image.layers.size(); ++i) {
    const auto& layer = image.layers[i];
    std::printf("  layer %-9s  %s  %10s  %s\n", layer_role(image, i), layer.media_type.c_str(),
                util::human_size(layer.blob.size()).c_str(), layer.digest.c_str());
  }
  std::printf("  config           %-43s  %10s  %s\n", image.config.media_type.c_str(),
              util::human_size(image.config.bytes.size()).c_str(), image.config.digest.c_str());
  std::printf("  manifest         %-43s  %10s  %s\n", image.manifest.media_type.c_str(),
              util::human_size(image.manifest.bytes.size()).c_str(), image.manifest.digest.c_str());
  if (target.push) {
    if (request.dry_run) {
      std::printf("Dry run: would push to %s; nothing was sent\n",
                  target.push->reference.to_string().c_str());
    } else {
      std::printf("Pushed %s (%d blobs sent, %d already there)\n", target.pushed->reference.c_str(),
                  target.pushed->blobs_uploaded, target.pushed->blobs_skipped);
    }
    return;
  }
  const auto& layout = *target.layout;
  if (request.dry_run) {
    std::printf("Dry run: would write the OCI image layout %s (tag %s); nothing was written\n",
                layout.dir.string().c_str(), layout.tag.c_str());
  } else {
    std::printf("Wrote the OCI image layout %s (tag %s): %s\n", layout.dir.string().c_str(),
                layout.tag.c_str(), image.manifest.digest.c_str());
  }
}

// --aws-stack: the pushed image by digest (a moved tag would leave the task definition
// unchanged, and the service on the old image). A dry run deploys nothing.
StackOutcome deploy_pushed_stack(const DeployRequest& request, const Target& target,
                                 const Image& image) {
  const auto& reference = target.push->reference;
  auto by_digest = reference.registry + "/" + reference.repository + "@" + image.manifest.digest;
  if (request.dry_run) {
    return {request.stack->name, by_digest, "", false, {}};
  }
  auto ecr = aws::parse_ecr_registry(reference.registry);
  return deploy_stack(*request.stack, by_digest, ecr ? ecr->region : std::string());
}

json stack_json(const StackOutcome& stack, bool dry_run) {
  json out = {{"name", stack.name}, {"image", stack.image}};
  if (!dry_run) {
    out["status"] = stack.status;
    out["changed"] = stack.changed;
    out["outputs"] = stack.outputs;
  }
  return out;
}

void print_stack(const StackOutcome& stack, bool dry_run) {
  if (dry_run) {
    std::printf("Dry run: would deploy the CloudFormation stack %s with ImageUri=%s\n",
                stack.name.c_str(), stack.image.c_str());
    return;
  }
  std::printf("CloudFormation stack %s: %s\n", stack.name.c_str(), stack.status.c_str());
  for (const auto& [key, value] : stack.outputs) {
    std::printf("  %-16s %s\n", key.c_str(), value.c_str());
  }
}

}  // namespace

int deploy(const DeployRequest& request) {
  if (!request.to.empty() || request.remote_action != RemoteAction::deploy) {
    return remote::deploy_to_remote(request);
  }
  if (request.platform != k_image_platform) {
    throw util::Error("--platform " + request.platform + " is not supported: sbfn builds " +
                      k_image_platform + " images only (it copies its own binary into them)");
  }
  if (request.ecs && request.image.empty()) {
    throw util::Error(
        "--ecs-service rolls a service onto the image pushed with --image REF (or "
        "SBFN_DEPLOY_IMAGE); an --oci-layout is nothing a service can pull");
  }
  if (request.stack && request.image.empty()) {
    throw util::Error(
        "--aws-stack deploys the image pushed with --image REF (or SBFN_DEPLOY_IMAGE); an "
        "--oci-layout is nothing a stack can pull");
  }
  if (request.stack && !request.stack->parameters_file.empty()) {
    read_parameters_file(request.stack->parameters_file);  // a bad file fails before the build
  }
  // Before any work: a target that would be refused anyway.
  Target target;
  registry::PushOptions registry_options;
  if (!request.image.empty()) {
    target.push =
        parse_image_target(request.image, request.insecure_registry, request.create_repository);
    if (!request.dry_run) {
      // Credentials and reachability first: nothing is built for a registry that refuses.
      registry_options = push_options(*target.push);
      registry::check_registry(target.push->reference, registry_options);
    }
  } else if (!request.oci_layout.empty()) {
    target.layout = parse_layout_target(request.oci_layout);
    check_layout_dir(target.layout->dir);
  } else {
    throw util::Error("no deploy target: give --oci-layout DIR or --image REF");
  }

  // The base image before any bundling: a base that does not exist fails fast.
  std::optional<BaseImage> base;
  if (!request.base_image.empty()) {
    base = pull_base_image(request.base_image, request.insecure_registry);
    if (target.push && base->reference.registry == target.push->reference.registry &&
        base->reference.repository != target.push->reference.repository) {
      // Same registry: its layers are mounted into the target repository, not sent again.
      registry_options.mount_from = base->reference.repository;
    }
  }

  // Progress goes to stderr, so stdout holds only the report (or the JSON).
  std::vector<FunctionArtifact> functions;
  int status = bundler::build_artifacts(request.bundle, [&](bundler::BuiltArtifact&& built) {
    std::fprintf(stderr, "Bundled %s (%zu modules, %s) in %lld ms\n", built.slug.c_str(),
                 built.artifact.modules.size(), util::human_size(built.bytes.size()).c_str(),
                 built.build_ms);
    functions.push_back({built.slug, std::move(built.bytes), built.artifact.metadata.verify_jwt});
  });
  if (status != 0) {
    std::fprintf(stderr, "error: not deploying: a function failed to bundle (see above)\n");
    return 1;
  }
  std::sort(functions.begin(), functions.end(),
            [](const FunctionArtifact& a, const FunctionArtifact& b) { return a.slug < b.slug; });

  auto started = std::chrono::steady_clock::now();
  ImageInputs inputs;
  inputs.functions = functions;
  inputs.revision = git_revision(fs::current_path());
  inputs.sbfn_version = SBFN_VERSION;
  inputs.base = base ? &*base : nullptr;
  auto image = build_image(inputs);
  auto build_ms = ms_since(started);
  if (!request.dry_run && target.layout) {
    write_oci_layout(*target.layout, image);
  } else if (!request.dry_run) {
    target.pushed = push_image(image, *target.push, registry_options);
  }
  if (request.stack) {
    // With --output json the report waits for the stack: one document for CI.
    if (!request.json) {
      print_report(request, target, image, build_ms, inputs.base);
      std::fflush(stdout);
    }
    auto stack = deploy_pushed_stack(request, target, image);
    if (request.json) {
      auto out = report_json(request, target, functions, image, inputs.base);
      out["stack"] = stack_json(stack, request.dry_run);
      std::printf("%s\n", out.dump(2).c_str());
    } else {
      print_stack(stack, request.dry_run);
    }
    std::fflush(stdout);
    return 0;
  }
  if (request.json) {
    std::printf("%s\n",
                report_json(request, target, functions, image, inputs.base).dump(2).c_str());
  } else {
    print_report(request, target, image, build_ms, inputs.base);
  }
  std::fflush(stdout);
  if (request.ecs && target.pushed) {
    auto ecr = aws::parse_ecr_registry(target.push->reference.registry);
    roll_ecs_service(*request.ecs, ecr ? ecr->region : std::string());
  }
  return 0;
}

}  // namespace deploy
