#include "deploy/push_image.hpp"

#include "deploy/aws/session.hpp"
#include "deploy/oci_layout.hpp"
#include "deploy/push_progress.hpp"
#include "util/error.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace deploy {
namespace {

namespace fs = std::filesystem;

// A folder of our own under $TMPDIR, removed with this object.
class TemporaryFolder {
 public:
  TemporaryFolder() {
    auto pattern = (fs::temp_directory_path() / "sbfn-deploy-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw util::Error("cannot make a temporary folder for the image in " +
                        fs::temp_directory_path().string());
    }
    m_path = pattern;
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

}  // namespace

ImagePush parse_image_target(const std::string& reference, bool insecure, bool create_repository) {
  ImagePush target;
  target.reference = registry::parse_reference(reference);
  target.insecure = insecure;
  target.create_repository = create_repository;
  if (target.create_repository && !aws::parse_ecr_registry(target.reference.registry)) {
    throw util::Error(
        "--create-repository is for Amazon ECR registries (*.dkr.ecr.*.amazonaws.com); " +
        target.reference.registry + " creates repositories on push, or not at all");
  }
  return target;
}

registry::PushOptions push_options(const ImagePush& target) {
  registry::PushOptions options;
  options.insecure = target.insecure;
  options.progress = push_progress(STDERR_FILENO);
  if (auto ecr = aws::parse_ecr_registry(target.reference.registry)) {
    auto session = aws::Session::load(aws::process_env(), ecr->region);
    auto client = session.ecr();
    if (target.create_repository) {
      if (client.create_repository(target.reference.repository)) {
        std::fprintf(stderr, "Created the ECR repository %s\n",
                     target.reference.repository.c_str());
      }
    } else {
      client.require_repository(target.reference.repository);
    }
    auto login = client.login();
    options.credentials = registry::Credentials{login.username, login.password, {}};
  }
  return options;
}

registry::PushResult push_image(const Image& image, const ImagePush& target,
                                const registry::PushOptions& options) {
  TemporaryFolder folder;
  LayoutTarget layout{folder.path() / "image",
                      target.reference.tag.empty() ? k_default_tag : target.reference.tag};
  write_oci_layout(layout, image);
  std::fprintf(stderr, "Pushing to %s\n", target.reference.to_string().c_str());
  return registry::push_layout(layout.dir, target.reference, options);
}

}  // namespace deploy
