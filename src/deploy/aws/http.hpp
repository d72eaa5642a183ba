#pragma once

// One blocking HTTP exchange on libcurl, for the AWS APIs: the caller sets every header it
// signs (Host included), so what is signed is exactly what is sent.
// (bundler/http_client.hpp does GETs only, deduplicated across threads: no fit for signed POSTs.)

#include "deploy/aws/sigv4.hpp"

#include <map>
#include <string>

namespace deploy::aws {

struct HttpExchange {
  std::string method = "POST";
  std::string url;
  Headers headers;
  std::string body;
};

struct HttpReply {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// Sends `request`; throws util::Error naming the URL when no reply comes (DNS, refused, TLS,
// timeout). Any HTTP status is a reply.
HttpReply send(const HttpExchange& request);

// The `Host` header value for `url`: host, and `:port` unless it is the scheme's default.
std::string host_of(const std::string& url);

}  // namespace deploy::aws
