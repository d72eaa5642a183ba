#include "server/http_rules.hpp"
#include "server/request_parser.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

// The status the session refuses the head of `request` (a whole request head) with: 400 for
// the framing llhttp refuses itself (a repeated Content-Length, chunked not last, ...),
// else what server::refusal_for says.
int refusal(const std::string& request) {
  server::RequestParser parser;
  parser.reset(64 * 1024, 1 << 20);
  boost::system::error_code error;
  parser.put(request, error);
  if (error) {
    return 400;
  }
  REQUIRE(parser.is_header_done());
  return server::refusal_for(parser.get());
}

}  // namespace

TEST_CASE("http_rules: Transfer-Encoding must end in chunked, and only chunked is known") {
  CHECK(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n") == 0);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n") == 400);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n") ==
        400);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == 501);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: "
                "chunked\r\n\r\n") == 501);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n") ==
        400);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n") == 400);
  CHECK(refusal("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
}

TEST_CASE("http_rules: one Content-Length, once, even when repeats agree") {
  CHECK(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n") == 0);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n") ==
        400);
  CHECK(refusal("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0, 0\r\n\r\n") == 400);
}

TEST_CASE("http_rules: obs-fold is seen in the raw head") {
  CHECK_FALSE(server::has_obs_fold("GET / HTTP/1.1\r\nHost: a\r\nX-A: b c\r\n"));
  CHECK(server::has_obs_fold("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n"));
  CHECK(server::has_obs_fold("GET / HTTP/1.1\r\nTransfer-Encoding:\r\n\tchunked\r\n"));
  CHECK_FALSE(server::has_obs_fold("GET / HTTP/1.1\r\nHost: a\r\n"));
}

TEST_CASE("http_rules: Host is required once on HTTP/1.1") {
  CHECK(refusal("GET / HTTP/1.1\r\nHost: a\r\n\r\n") == 0);
  CHECK(refusal("GET / HTTP/1.1\r\n\r\n") == 400);
  CHECK(refusal("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n") == 400);
  CHECK(refusal("GET / HTTP/1.0\r\n\r\n") == 0);
  CHECK(refusal("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n") == 400);
}

TEST_CASE("http_rules: long targets") {
  auto target = "/" + std::string(server::k_target_limit - 1, 'x');
  CHECK(refusal("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n") == 0);
  CHECK(refusal("GET " + target + "y HTTP/1.1\r\nHost: a\r\n\r\n") == 414);
}

TEST_CASE("http_rules: reason phrases") {
  CHECK(server::reason_phrase(200) == "OK");
  CHECK(server::reason_phrase(546) == "Worker Limit");
  CHECK(server::reason_phrase(477).empty());
  CHECK(server::valid_reason_phrase("Fine Thanks"));
  CHECK_FALSE(server::valid_reason_phrase("a\r\nSet-Cookie: x"));
}

TEST_CASE("http_rules: refusal_for judges framing llhttp already refuses, on its own too") {
  using server::RequestHead;
  CHECK(server::refusal_for(RequestHead::make(
            "POST", "/", {{"Host", "a"}, {"Content-Length", "0"}, {"Content-Length", "0"}})) ==
        400);
  CHECK(server::refusal_for(
            RequestHead::make("POST", "/", {{"Host", "a"}, {"Content-Length", "0, 0"}})) == 400);
  CHECK(server::refusal_for(RequestHead::make(
            "POST", "/", {{"Host", "a"}, {"Transfer-Encoding", "chunked, chunked"}})) == 400);
  CHECK(server::refusal_for(RequestHead::make(
            "POST", "/", {{"Host", "a"}, {"Transfer-Encoding", "chunked, identity"}})) == 400);
  CHECK(server::refusal_for(RequestHead::make(
            "POST", "/", {{"Host", "a"}, {"Transfer-Encoding", "chunked"}})) == 0);
}
