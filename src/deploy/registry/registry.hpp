#pragma once

// Pushes an OCI image layout to a registry, as the OCI distribution spec's push side
// describes it (https://github.com/opencontainers/distribution-spec/blob/main/spec.md):
// blobs first (skipped when the registry has them, mounted from another repository when
// asked, monolithic or chunked with resume), then the manifests, then the index. Auth is
// anonymous, Basic or Bearer tokens from `WWW-Authenticate` challenges, with credentials
// from the options or Docker's config.json. Namespace deploy::registry; the parts are
// reference.cpp, docker_config.hpp, transport.hpp, session.hpp, blob_upload.hpp and
// push_layout.cpp.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace deploy::registry {

// `host[:port]/repo[:tag][@sha256:hex]` in Docker's grammar: a first component with a `.`
// or `:`, or `localhost`, is the registry, else the image is on Docker Hub (`docker.io`,
// with `library/` before a one-component name). The tag defaults to `latest` unless a
// digest is given.
struct Reference {
  std::string registry;    // as written (`127.0.0.1:5000`, `ghcr.io`) or `docker.io`
  std::string repository;  // `library/alpine`, `acme/fns`
  std::string tag;         // empty only when `digest` is set
  std::string digest;      // `sha256:<64 hex>` or empty

  // The host the API answers on: `registry-1.docker.io` for Docker Hub, else `registry`.
  std::string api_host() const;
  // `registry/repository[:tag][@digest]`, the normalised spelling.
  std::string to_string() const;
};

// Throws util::Error naming what is wrong (upper-case repository, bad tag, bad digest).
Reference parse_reference(std::string_view text);

struct Credentials {
  std::string username;
  std::string password;
  // An OAuth2 refresh token (Docker's `identitytoken`), traded at the token realm.
  std::string identity_token;
};

// What happens to one blob, told to the progress callback. `bytes` is how much of the
// blob the registry holds so far: Uploading comes once per chunk the registry accepted,
// Resumed after a dropped connection, from where the registry's status says; Sending is
// the bytes on their way (every 256 KiB or so), for progress bars.
struct BlobProgress {
  enum class Event { Exists, Mounted, Started, Sending, Uploading, Resumed, Uploaded };
  Event event;
  std::string digest;
  std::uint64_t bytes = 0;
  std::uint64_t size = 0;
};

struct PushOptions {
  // Used as they are when set; else looked up in Docker's config.json (below).
  std::optional<Credentials> credentials;
  // `$DOCKER_CONFIG` (else `~/.docker`) when empty: config.json's `auths`, `credHelpers`
  // and `credsStore` (helpers run as `docker-credential-<name> get`).
  std::filesystem::path docker_config_dir;
  // A repository on the same registry to mount blobs from (POST ?mount=&from=).
  std::string mount_from;
  // Loopback registries (and all with `insecure`) get TLS without certificate checks when
  // they speak it, else plain HTTP; every other registry needs verified HTTPS (the system's
  // CAs plus SSL_CERT_FILE / DENO_CERT).
  bool insecure = false;
  // Blobs larger than this go up in PATCH chunks of this size (0: every blob in one PUT;
  // always so for ECR, whose chunked uploads are unreliable).
  std::uint64_t chunk_size = std::uint64_t{32} << 20;
  // Attempts per request on connection errors, 429 and 5xx, the waits doubling from
  // `retry_delay_ms` (a `Retry-After` is honoured up to 30 s).
  int max_attempts = 5;
  int retry_delay_ms = 500;
  // Blobs uploaded at once, each on a connection of its own.
  int parallel_uploads = 3;
  // Told each blob's fate; called from the upload threads (one call at a time per blob,
  // but blobs in parallel), so it must be safe to call from several threads.
  std::function<void(const BlobProgress&)> progress;
};

struct PushResult {
  std::string digest;     // of the manifest (or index) pushed under the reference
  std::string reference;  // `registry/repository@digest`
  int blobs_uploaded = 0;
  int blobs_skipped = 0;  // already there or mounted
  std::uint64_t bytes_uploaded = 0;
};

// `GET /v2/` with the credentials `options` give: throws util::Error, as push_layout would,
// when the registry cannot be reached or refuses them — before an image is built for it.
void check_registry(const Reference& ref, const PushOptions& options);

// Pushes the OCI image layout in `layout_dir` (oci-layout, index.json, blobs/) to `ref`:
// with one manifest in index.json, that manifest goes under the reference's tag; with
// several, each goes by digest and index.json's content (an image index) goes under the
// tag. Throws util::Error with a message a person understands (auth refused, repository
// not found, manifest invalid, connection refused, a layout that lacks a blob).
PushResult push_layout(const std::filesystem::path& layout_dir, const Reference& ref,
                       const PushOptions& options);

}  // namespace deploy::registry
