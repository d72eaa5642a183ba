#include "deploy/registry/blob_upload.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <functional>
#include <optional>

namespace deploy::registry {
namespace {

using Event = BlobProgress::Event;

void tell(const PushOptions& options, Event event, const LayoutBlob& blob, std::uint64_t bytes) {
  if (options.progress) {
    options.progress({event, blob.digest, bytes, blob.size});
  }
}

// Sending events for a body that starts at `offset` of the blob, at most one per 256 KiB.
std::function<void(std::uint64_t)> sending(const PushOptions& options, const LayoutBlob& blob,
                                           std::uint64_t offset) {
  if (!options.progress) {
    return {};
  }
  return [&options, &blob, offset, last = std::uint64_t{0}](std::uint64_t sent) mutable {
    if (sent >= last + (256 << 10) && sent < blob.size - offset) {
      last = sent;
      options.progress({Event::Sending, blob.digest, offset + sent, blob.size});
    }
  };
}

// `0-<last>` (distribution) or `bytes=0-<last>` (old Docker docs): the count of bytes held.
std::optional<std::uint64_t> bytes_held(const std::string& range) {
  auto dash = range.rfind('-');
  if (dash == std::string::npos) {
    return std::nullopt;
  }
  try {
    const std::uint64_t last = std::stoull(range.substr(dash + 1));
    // An empty upload also reports `0-0`; only a caller that sent bytes can tell them apart.
    return last + 1;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Thrown inside one upload attempt when the registry lost the session: start over.
struct UploadLost {
  std::string why;
};

std::string require_location(Session& session, const HttpResponse& response,
                             const std::string& doing) {
  const std::string location = response.header("location");
  if (location.empty()) {
    session.fail(response, doing + " (no Location header in the reply)");
  }
  return session.resolve(location);
}

// The bytes of the blob the registry holds for the upload at `location`, and the newest
// location. Throws UploadLost when the registry no longer knows the upload.
std::pair<std::uint64_t, std::string> upload_status(Session& session, const std::string& location,
                                                    std::uint64_t sent_before) {
  HttpResponse status = session.send(HttpRequest::to("GET", location));
  if (status.status != 204 && status.status != 200) {
    throw UploadLost{"the upload's status answered " + std::to_string(status.status) + " " +
                     registry_error_text(status.body)};
  }
  auto held = bytes_held(status.header("range"));
  std::uint64_t offset = held.value_or(0);
  if (offset == 1 && sent_before == 0) {
    offset = 0;  // `0-0` for an upload that has nothing yet
  }
  const std::string next = status.header("location");
  return {offset, next.empty() ? location : session.resolve(next)};
}

// Sends the blob from `location` in PATCH chunks; returns the location to close it at.
std::string upload_chunks(Session& session, const PushOptions& options, const LayoutBlob& blob,
                          std::string location, std::uint64_t min_chunk) {
  const std::uint64_t chunk = std::max(options.chunk_size, min_chunk);
  std::uint64_t offset = 0;
  int failures = 0;
  while (offset < blob.size) {
    const std::uint64_t length = std::min(chunk, blob.size - offset);
    HttpRequest patch{
        "PATCH",
        location,
        {"Content-Type: application/octet-stream",
         "Content-Range: " + std::to_string(offset) + "-" + std::to_string(offset + length - 1)},
        {},
        blob.path,
        offset,
        length,
        sending(options, blob, offset)};
    std::optional<HttpResponse> reply;
    std::string failure;
    try {
      // Not repeated blindly: after a cut, only the upload's status says what arrived.
      reply = session.send(patch, false);
    } catch (const TransportError& error) {
      failure = error.what();
    }
    // ECR answers 201 to a PATCH where the spec says 202; both carry the next location.
    if (reply && (reply->status == 202 || reply->status == 201)) {
      location = require_location(session, *reply, "uploading blob " + blob.digest);
      offset += length;
      tell(options, Event::Uploading, blob, offset);
      continue;
    }
    if (reply && reply->status != 416 && reply->status != 429 && reply->status < 500) {
      if (reply->status == 404) {
        throw UploadLost{"the registry no longer knows the upload (" +
                         registry_error_text(reply->body) + ")"};
      }
      session.fail(*reply, "uploading a chunk of blob " + blob.digest);
    }
    if (++failures >= session.max_attempts()) {
      throw util::Error(
          "uploading blob " + blob.digest + " to " + session.registry() + " failed " +
          std::to_string(failures) + " times; last: " +
          (reply ? std::to_string(reply->status) + " " + registry_error_text(reply->body)
                 : failure));
    }
    session.wait_before_retry(failures, reply ? &*reply : nullptr);
    auto [held, next] = upload_status(session, location, offset);
    offset = held;
    location = next;
    tell(options, Event::Resumed, blob, offset);
  }
  return location;
}

// One attempt: open an upload session (or mount) and send the bytes.
BlobOutcome upload_once(Session& session, const Reference& ref, const PushOptions& options,
                        const LayoutBlob& blob) {
  const std::string doing = "starting the upload of blob " + blob.digest;
  std::string start = session.url(ref.repository + "/blobs/uploads/");
  if (!options.mount_from.empty()) {
    start = with_query(with_query(start, "mount", blob.digest), "from", options.mount_from);
  }
  HttpResponse opened = session.send(HttpRequest::to("POST", start));
  if (opened.status == 201 && !options.mount_from.empty()) {
    tell(options, Event::Mounted, blob, blob.size);
    return BlobOutcome::Mounted;
  }
  if (opened.status != 202) {
    session.fail(opened, doing);
  }
  std::string location = require_location(session, opened, doing);
  std::uint64_t min_chunk = 0;
  if (auto min = opened.header("oci-chunk-min-length"); !min.empty()) {
    min_chunk = std::strtoull(min.c_str(), nullptr, 10);
  }
  tell(options, Event::Started, blob, 0);
  HttpRequest close{"PUT",
                    with_query(location, "digest", blob.digest),
                    {"Content-Type: application/octet-stream"},
                    {},
                    blob.path,
                    0,
                    blob.size,
                    sending(options, blob, 0)};
  if (options.chunk_size > 0 && blob.size > options.chunk_size) {
    location = upload_chunks(session, options, blob, location, min_chunk);
    close.url = with_query(location, "digest", blob.digest);
    close.file.clear();
    close.length = 0;
    close.on_sent = nullptr;
  }
  HttpResponse closed;
  try {
    // A cut PUT leaves the session in an unknown state; a fresh upload is the safe retry.
    closed = session.send(close, false);
  } catch (const TransportError& error) {
    throw UploadLost{error.what()};
  }
  if (closed.status == 429 || closed.status >= 500) {
    throw UploadLost{std::to_string(closed.status) + " " + registry_error_text(closed.body)};
  }
  if (closed.status != 201) {
    session.fail(closed, "finishing the upload of blob " + blob.digest);
  }
  tell(options, Event::Uploaded, blob, blob.size);
  return BlobOutcome::Uploaded;
}

}  // namespace

BlobOutcome push_blob(Session& session, const Reference& ref, const PushOptions& options,
                      const LayoutBlob& blob) {
  HttpResponse head =
      session.send(HttpRequest::to("HEAD", session.url(ref.repository + "/blobs/" + blob.digest)));
  if (head.status == 200) {
    tell(options, Event::Exists, blob, blob.size);
    return BlobOutcome::Existed;
  }
  if (head.status != 404) {
    session.fail(head, "checking for blob " + blob.digest);
  }
  for (int attempt = 1;; ++attempt) {
    try {
      return upload_once(session, ref, options, blob);
    } catch (const UploadLost& lost) {
      if (attempt >= session.max_attempts()) {
        throw util::Error("uploading blob " + blob.digest + " to " + session.registry() +
                          " failed " + std::to_string(attempt) + " times; last: " + lost.why);
      }
      session.wait_before_retry(attempt, nullptr);
    }
  }
}

}  // namespace deploy::registry
