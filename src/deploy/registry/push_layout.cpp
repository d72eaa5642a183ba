// The layout's side of a push: index.json's manifests, the blobs each needs (config and
// layers, each once), then the manifests themselves, children before the index that names
// them, because a registry refuses a manifest whose blobs it lacks.

#include "deploy/registry/blob_upload.hpp"
#include "deploy/registry/manifest.hpp"
#include "deploy/registry/registry.hpp"
#include "deploy/registry/session.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <algorithm>
#include <exception>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

namespace deploy::registry {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw util::Error("cannot read " + path.string());
  }
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class LayoutPush {
 public:
  LayoutPush(const std::filesystem::path& dir, const Reference& ref, const PushOptions& options,
             Session& session)
      : m_dir(dir), m_ref(ref), m_options(options), m_session(session) {}

  // Pushes what `descriptor` names (a manifest or an index) under `target` (tag or digest);
  // returns the digest of the bytes sent.
  std::string push_manifest(const Descriptor& descriptor, const std::string& target) {
    const std::string& digest = descriptor.digest;
    const std::string bytes = read_checked(digest);
    const Manifest manifest =
        parse_manifest(bytes, descriptor.media_type, m_dir.string() + ": manifest " + digest);
    if (manifest.is_index()) {
      for (const auto& child : manifest.manifests) {
        push_manifest(child, child.digest);
      }
    } else {
      if (!manifest.config) {
        throw util::Error(m_dir.string() + ": manifest " + digest + " has no config");
      }
      std::vector<Descriptor> blobs{*manifest.config};
      blobs.insert(blobs.end(), manifest.layers.begin(), manifest.layers.end());
      push_blobs(blobs, digest);
    }
    std::string media_type = manifest.media_type;
    if (media_type.empty()) {
      media_type = k_oci_manifest_type;
    }
    put_manifest(bytes, media_type, target);
    return digest;
  }

  // PUTs `bytes` as it is: the digest is over the exact bytes, so they are never re-serialised.
  void put_manifest(const std::string& bytes, const std::string& media_type,
                    const std::string& target) {
    const std::string digest = "sha256:" + util::sha256_hex(bytes);
    HttpRequest put =
        HttpRequest::to("PUT", m_session.url(m_ref.repository + "/manifests/" + target));
    put.headers.push_back("Content-Type: " + media_type);
    put.text = bytes;
    HttpResponse reply = m_session.send(put);
    if (reply.status != 201 && reply.status != 200) {
      m_session.fail(reply,
                     "storing manifest " + digest + " as " + m_ref.repository + ":" + target);
    }
    const std::string stored = reply.header("docker-content-digest");
    if (!stored.empty() && stored != digest) {
      throw util::Error("registry " + m_ref.registry + " stored manifest " + digest + " as " +
                        stored + ": it changed the bytes");
    }
  }

  std::string read_checked(const std::string& digest) {
    const std::string bytes = read_file(blob_path(digest));
    if ("sha256:" + util::sha256_hex(bytes) != digest) {
      throw util::Error(m_dir.string() + ": blob " + digest + " does not match its digest");
    }
    return bytes;
  }

  std::filesystem::path blob_path(const std::string& digest) const {
    const auto colon = digest.find(':');
    if (digest.rfind("sha256:", 0) != 0 || digest.size() != 71) {
      throw util::Error(m_dir.string() + ": '" + digest + "' is not a sha256 digest");
    }
    return m_dir / "blobs" / digest.substr(0, colon) / digest.substr(colon + 1);
  }

  PushResult result;

 private:
  // The blob a descriptor names, checked against the layout; none when it needs no push
  // (pushed already in this run, or non-distributable).
  std::optional<LayoutBlob> layout_blob(const Descriptor& descriptor,
                                        const std::string& manifest_digest) {
    LayoutBlob blob;
    blob.digest = descriptor.digest;
    if (!m_done.insert(blob.digest).second) {
      return std::nullopt;
    }
    blob.path = blob_path(blob.digest);
    std::error_code error;
    blob.size = std::filesystem::file_size(blob.path, error);
    if (error) {
      // Non-distributable layers live at their `urls`; the registry does not need them.
      if (descriptor.has_urls) {
        return std::nullopt;
      }
      throw util::Error(m_dir.string() + " lacks blob " + blob.digest + ", which manifest " +
                        manifest_digest + " needs");
    }
    if (descriptor.size && *descriptor.size != blob.size) {
      throw util::Error(m_dir.string() + ": blob " + blob.digest + " has " +
                        std::to_string(blob.size) + " bytes; manifest " + manifest_digest +
                        " says " + std::to_string(*descriptor.size));
    }
    return blob;
  }

  // Up to `parallel_uploads` blobs at once, each worker on a session of its own (a Session
  // and its curl handle belong to one thread); the first failure stops the others taking
  // new blobs and is thrown once all have stopped.
  void push_blobs(const std::vector<Descriptor>& descriptors, const std::string& manifest_digest) {
    std::vector<LayoutBlob> blobs;
    for (const auto& descriptor : descriptors) {
      if (auto blob = layout_blob(descriptor, manifest_digest)) {
        blobs.push_back(std::move(*blob));
      }
    }
    const std::size_t workers =
        std::min<std::size_t>(blobs.size(), std::max(1, m_options.parallel_uploads));
    if (workers > 1) {
      // Largest first: the long upload starts at once and the small ones go beside it.
      std::stable_sort(blobs.begin(), blobs.end(),
                       [](const LayoutBlob& a, const LayoutBlob& b) { return a.size > b.size; });
    }
    std::mutex mutex;
    std::size_t next = 0;
    std::exception_ptr failure;
    auto work = [&](Session& session) {
      for (;;) {
        const LayoutBlob* blob = nullptr;
        {
          std::lock_guard lock(mutex);
          if (failure || next == blobs.size()) {
            return;
          }
          blob = &blobs[next++];
        }
        try {
          const BlobOutcome outcome = push_blob(session, m_ref, m_options, *blob);
          std::lock_guard lock(mutex);
          count(outcome, *blob);
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!failure) {
            failure = std::current_exception();
          }
          return;
        }
      }
    };
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < workers; ++i) {
      threads.emplace_back([&] {
        try {
          Session session(m_ref, m_options, m_session.scopes());
          session.connect();
          work(session);
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!failure) {
            failure = std::current_exception();
          }
        }
      });
    }
    work(m_session);
    for (auto& thread : threads) {
      thread.join();
    }
    if (failure) {
      std::rethrow_exception(failure);
    }
  }

  void count(BlobOutcome outcome, const LayoutBlob& blob) {
    switch (outcome) {
      case BlobOutcome::Uploaded:
        ++result.blobs_uploaded;
        result.bytes_uploaded += blob.size;
        break;
      case BlobOutcome::Existed:
      case BlobOutcome::Mounted:
        ++result.blobs_skipped;
        break;
    }
  }

  std::filesystem::path m_dir;
  const Reference& m_ref;
  const PushOptions& m_options;
  Session& m_session;
  std::set<std::string> m_done;
};

std::vector<std::string> push_scopes(const Reference& ref, const PushOptions& options) {
  std::vector<std::string> scopes{"repository:" + ref.repository + ":pull,push"};
  if (!options.mount_from.empty()) {
    scopes.push_back("repository:" + options.mount_from + ":pull");
  }
  return scopes;
}

}  // namespace

void check_registry(const Reference& ref, const PushOptions& options) {
  Session session(ref, options, push_scopes(ref, options));
  session.connect();
}

PushResult push_layout(const std::filesystem::path& layout_dir, const Reference& ref,
                       const PushOptions& options) {
  if (!std::filesystem::exists(layout_dir / "oci-layout")) {
    throw util::Error(layout_dir.string() + " is not an OCI image layout (no oci-layout file)");
  }
  const std::string index_bytes = read_file(layout_dir / "index.json");
  const Manifest index =
      parse_manifest(index_bytes, k_oci_index_type, layout_dir.string() + "/index.json");
  if (index.manifests.empty()) {
    throw util::Error(layout_dir.string() + "/index.json lists no manifests");
  }
  auto scopes = push_scopes(ref, options);
  PushOptions effective = options;
  const std::string host = ref.api_host();
  if (host.find(".dkr.ecr.") != std::string::npos &&
      host.find(".amazonaws.com") != std::string::npos) {
    // ECR answers chunk PATCHes with 201 and has been reported to drop chunks after the
    // first (aws/containers-roadmap#2831): its blobs go up in one PUT.
    effective.chunk_size = 0;
  }
  Session session(ref, effective, scopes);
  session.connect();
  LayoutPush push(layout_dir, ref, effective, session);

  const std::string target = ref.tag.empty() ? ref.digest : ref.tag;
  std::string digest;
  if (index.manifests.size() == 1) {
    digest = push.push_manifest(index.manifests[0], target);
  } else {
    for (const auto& manifest : index.manifests) {
      push.push_manifest(manifest, manifest.digest);
    }
    push.put_manifest(index_bytes, k_oci_index_type, target);
    digest = "sha256:" + util::sha256_hex(index_bytes);
  }
  if (!ref.digest.empty() && ref.digest != digest) {
    throw util::Error("pushed " + digest + ", but the reference " + ref.to_string() +
                      " names another digest");
  }
  push.result.digest = digest;
  push.result.reference = ref.registry + "/" + ref.repository + "@" + digest;
  return push.result;
}

}  // namespace deploy::registry
