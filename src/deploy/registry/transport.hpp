#pragma once

// One HTTP exchange on a reused libcurl easy handle (its connections stay open between
// calls). Not bundler::HttpClient: that one is for parallel GET downloads, while a push
// needs HEAD, POST, PUT and PATCH with request bodies streamed from a range of a file,
// and the response headers (Location, Range, WWW-Authenticate) of every reply.

#include "util/error.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace deploy::registry {

struct HttpRequest {
  std::string method;  // GET HEAD POST PUT PATCH DELETE
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  // The body: `text`, or `length` bytes of `file` from `offset` when `file` is set.
  std::string text;
  std::filesystem::path file;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  // Told the bytes of the body sent so far while it goes out (from curl's progress).
  std::function<void(std::uint64_t)> on_sent;

  // A request without a body.
  static HttpRequest to(std::string method, std::string url) {
    HttpRequest request;
    request.method = std::move(method);
    request.url = std::move(url);
    return request;
  }
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; the last value wins
  std::string body;

  std::string header(const std::string& lower_name) const;
};

// The request never got a whole response: refused, reset, timed out, TLS failed.
class TransportError : public util::Error {
 public:
  enum class Kind { Refused, Unresolved, Tls, Other };
  TransportError(Kind kind, const std::string& message) : util::Error(message), m_kind(kind) {}
  Kind kind() const { return m_kind; }

 private:
  Kind m_kind;
};

class Transport {
 public:
  // `verify_tls` off only for registries the user marked insecure.
  explicit Transport(bool verify_tls);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Throws TransportError; any HTTP status is a response.
  HttpResponse perform(const HttpRequest& request);

 private:
  struct Handle;
  std::unique_ptr<Handle> m_handle;
  bool m_verify_tls;
};

// The URL with `name=value` added to its query (value percent-encoded).
std::string with_query(const std::string& url, const std::string& name, const std::string& value);

}  // namespace deploy::registry
