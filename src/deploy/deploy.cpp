#include "deploy/deploy.hpp"

#include "deploy/image.hpp"
#include "deploy/oci_layout.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"
#include "util/human_size.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace deploy {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const k_layer_roles[] = {"runtime", "functions"};

long long ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

json report_json(const DeployRequest& request, const LayoutTarget& target,
                 const std::vector<FunctionArtifact>& functions, const Image& image) {
  json out;
  out["dry_run"] = request.dry_run;
  out["platform"] = k_image_platform;
  out["target"] = {{"kind", "oci-layout"},
                   {"dir", fs::absolute(target.dir).lexically_normal().string()},
                   {"tag", target.tag}};
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
    out["layers"].push_back({{"role", k_layer_roles[i]},
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

void print_report(const DeployRequest& request, const LayoutTarget& target, const Image& image,
                  long long build_ms) {
  std::printf("Image for %s built in %lld ms\n", k_image_platform, build_ms);
  for (std::size_t i = 0; i < image.layers.size(); ++i) {
    const auto& layer = image.layers[i];
    std::printf("  layer %-9s  %s  %10s  %s\n", k_layer_roles[i], layer.media_type.c_str(),
                util::human_size(layer.blob.size()).c_str(), layer.digest.c_str());
  }
  std::printf("  config           %-43s  %10s  %s\n", image.config.media_type.c_str(),
              util::human_size(image.config.bytes.size()).c_str(), image.config.digest.c_str());
  std::printf("  manifest         %-43s  %10s  %s\n", image.manifest.media_type.c_str(),
              util::human_size(image.manifest.bytes.size()).c_str(), image.manifest.digest.c_str());
  if (request.dry_run) {
    std::printf("Dry run: would write the OCI image layout %s (tag %s); nothing was written\n",
                target.dir.string().c_str(), target.tag.c_str());
  } else {
    std::printf("Wrote the OCI image layout %s (tag %s): %s\n", target.dir.string().c_str(),
                target.tag.c_str(), image.manifest.digest.c_str());
  }
}

}  // namespace

int deploy(const DeployRequest& request) {
  if (request.platform != k_image_platform) {
    throw util::Error("--platform " + request.platform + " is not supported: sbfn builds " +
                      k_image_platform + " images only (it copies its own binary into them)");
  }
  if (request.oci_layout.empty()) {
    throw util::Error(
        "no deploy target: give --oci-layout DIR (--image REF and --to URL are "
        "not implemented yet)");
  }
  auto target = parse_layout_target(request.oci_layout);
  // Before any work: a folder that would be refused anyway.
  check_layout_dir(target.dir);

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
  auto image = build_image(inputs);
  auto build_ms = ms_since(started);
  if (!request.dry_run) {
    write_oci_layout(target, image);
  }
  if (request.json) {
    std::printf("%s\n", report_json(request, target, functions, image).dump(2).c_str());
  } else {
    print_report(request, target, image, build_ms);
  }
  return 0;
}

}  // namespace deploy
