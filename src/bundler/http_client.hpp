#pragma once

// Downloads for the resolvers: blocking calls that run many transfers at once on
// libcurl's multi interface. Proxies come from HTTP_PROXY/HTTPS_PROXY/NO_PROXY and the
// trusted CAs are the system's plus SSL_CERT_FILE / DENO_CERT, as for fetch.

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace bundler {

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // Accept, Authorization, ...
  // Off for modules: Deno records each hop (the final URL is the module's identity).
  bool follow_redirects = true;
  std::size_t max_bytes = std::size_t{512} << 20;
};

struct HttpResponse {
  std::string url;        // as requested
  std::string final_url;  // after redirects followed here
  long status = 0;
  std::map<std::string, std::string> headers;  // names lowercased; the last value wins
  std::string body;
};

// Told when a download starts and when it ends (`bytes` so far; `done`), from the
// thread that called get/get_all: how `serve` and `bundle` show what they fetch.
using DownloadReporter = std::function<void(const std::string& url, std::size_t bytes, bool done)>;

class HttpClient {
 public:
  explicit HttpClient(std::size_t max_parallel = 16, DownloadReporter reporter = {});

  // Performs every request, at most `max_parallel` in flight. Each result is the
  // response (any status) or a message naming the URL and what went wrong: DNS, refused,
  // TLS, a connection cut off half-way, a body larger than max_bytes. When another thread
  // of this process is already downloading the same request, its result is shared.
  std::vector<std::variant<HttpResponse, std::string>> get_all(
      const std::vector<HttpRequest>& requests);

  // One request; throws util::Error with the message.
  HttpResponse get(const HttpRequest& request);

 private:
  std::size_t m_max_parallel;
  DownloadReporter m_reporter;
};

}  // namespace bundler
