#include "server/request_parser.hpp"

#include <boost/beast/http/error.hpp>
#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace http = boost::beast::http;

namespace {

constexpr std::size_t k_header_limit = 16 * 1024;

// Feeds `bytes` to `parser` `step` bytes at a time, as reads would bring them, until it stops
// (head done, message done, an error). Returns how many bytes it used.
std::size_t feed(server::RequestParser& parser, std::string_view bytes,
                 boost::system::error_code& error, std::size_t step = std::string_view::npos) {
  std::size_t used = 0;
  while (used < bytes.size()) {
    auto piece = bytes.substr(used, step);
    auto n = parser.put(piece, error);
    used += n;
    if (error == http::error::need_more) {
      continue;
    }
    if (error || n < piece.size()) {
      break;
    }
  }
  return used;
}

}  // namespace

TEST_SUITE_BEGIN("server");

TEST_CASE("server::RequestParser reads a head, whole or a byte at a time") {
  const std::string head =
      "POST /functions/v1/echo?x=1 HTTP/1.1\r\nHost: localhost:54321\r\n"
      "Authorization: Bearer abc  \r\nX-Empty:\r\nContent-Length: 5\r\n\r\n";
  for (std::size_t step : {std::string_view::npos, std::size_t{1}, std::size_t{7}}) {
    CAPTURE(step);
    server::RequestParser parser;
    parser.reset(k_header_limit, 1 << 20);
    boost::system::error_code error;
    auto used = feed(parser, head + "hello", error, step);
    REQUIRE_FALSE(error);
    CHECK(parser.is_header_done());
    auto& got = parser.get();
    CHECK(got.method() == "POST");
    CHECK(got.target() == "/functions/v1/echo?x=1");
    CHECK(got.version() == 11);
    CHECK(got.keep_alive());
    REQUIRE(got.size() == 4);
    CHECK(got.name(0) == "Host");
    CHECK(got.value(0) == "localhost:54321");
    CHECK(got.value(1) == "Bearer abc");  // trailing whitespace is no part of a value
    CHECK(got.name(2) == "X-Empty");
    CHECK(got.value(2).empty());
    CHECK(got.find("content-length") == "5");
    CHECK(got.raw() == head);
    CHECK(parser.content_length() == 5u);
    CHECK_FALSE(parser.chunked());
    // The head stops the parser: the body is for the session to ask for.
    if (step == std::string_view::npos) {
      CHECK(used == head.size());
      CHECK_FALSE(parser.is_done());
      auto body = std::string_view("hello").substr(0);
      CHECK(parser.put(body, error) == 5);
      CHECK_FALSE(error);
      CHECK(parser.is_done());
      CHECK(got.body == "hello");
    }
  }
}

TEST_CASE("server::RequestParser leaves a pipelined request where it is") {
  const std::string first = "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi";
  const std::string second = "GET /b HTTP/1.1\r\nHost: a\r\n\r\n";
  auto bytes = first + second;
  server::RequestParser parser;
  parser.reset(k_header_limit, 1 << 20);
  boost::system::error_code error;
  auto used = parser.put(bytes, error);
  used += parser.put(std::string_view(bytes).substr(used), error);
  CHECK_FALSE(error);
  CHECK(parser.is_done());
  CHECK(used == first.size());
  CHECK(parser.put(std::string_view(bytes).substr(used), error) == 0);  // done: takes nothing

  parser.reset(k_header_limit, 1 << 20);
  CHECK(parser.put(std::string_view(bytes).substr(used), error) == second.size());
  CHECK_FALSE(error);
  CHECK(parser.is_done());  // no body: done with its head
  CHECK(parser.get().target() == "/b");
  CHECK(parser.get().body.empty());
}

TEST_CASE("server::RequestParser decodes a chunked body and drops its trailers") {
  const std::string bytes =
      "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nabcd\r\n3;ext=1\r\nefg\r\n0\r\nX-Trailer: t\r\n\r\n";
  for (std::size_t step : {std::string_view::npos, std::size_t{1}, std::size_t{5}}) {
    CAPTURE(step);
    server::RequestParser parser;
    parser.reset(k_header_limit, 1 << 20);
    boost::system::error_code error;
    auto used = feed(parser, bytes, error, step);
    CHECK(parser.chunked());
    used += feed(parser, std::string_view(bytes).substr(used), error, step);
    CHECK_FALSE(error);
    CHECK(parser.is_done());
    CHECK(used == bytes.size());
    CHECK(parser.get().body == "abcdefg");
    CHECK(parser.get().size() == 2);
  }
}

TEST_CASE("server::RequestParser limits") {
  server::RequestParser parser;
  boost::system::error_code error;
  SUBCASE("a head over the limit: 431, or 414 while the request line is unfinished") {
    parser.reset(64, 1 << 20);
    feed(parser, "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + std::string(100, 'x') + "\r\n\r\n",
         error);
    CHECK(error == http::error::header_limit);
    CHECK(parser.target_complete());
    parser.reset(64, 1 << 20);
    feed(parser, "GET /" + std::string(100, 'x'), error);
    CHECK(error == http::error::header_limit);
    CHECK_FALSE(parser.target_complete());
  }
  SUBCASE("a declared length over the body limit is refused with the head") {
    parser.reset(k_header_limit, 10);
    feed(parser, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", error);
    CHECK(parser.is_header_done());
    CHECK(error == http::error::body_limit);
  }
  SUBCASE("a chunked body over the limit fails as it grows") {
    parser.reset(k_header_limit, 10);
    std::string bytes =
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n";
    auto used = feed(parser, bytes, error);
    REQUIRE_FALSE(error);
    parser.body_limit(10);
    feed(parser, std::string_view(bytes).substr(used), error);
    CHECK(error == http::error::body_limit);
  }
}

TEST_CASE("server::RequestParser refuses ambiguous framing") {
  for (std::string bytes : {
           "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
           "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n",
           "POST / HTTP/1.1\nHost: a\nContent-Length: 0\n\n",
           "POST / HTTP/1.1\r\nHost: a\r\nX-A: a\rb\r\n\r\n",
           "POST / HTTP/1.1\r\nHost: a\r\nContent-Length : 1\r\n\r\n",
           "POST / HTTP/1.1\r\nHost: a\r\nContent Length: 1\r\n\r\n",
           "FOO / HTTP/1.1\r\nHost: a\r\n\r\n",  // a method llhttp does not know, as in Node
           "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\nabcd\n0\n\n",
       }) {
    CAPTURE(bytes);
    server::RequestParser parser;
    parser.reset(k_header_limit, 1 << 20);
    boost::system::error_code error;
    auto used = feed(parser, bytes, error);
    if (!error) {  // past the head: the body's framing
      feed(parser, std::string_view(bytes).substr(used), error);
    }
    CHECK(error);
    CHECK(error != http::error::need_more);
  }
}

TEST_CASE("server::RequestHead: keep-alive, upgrade, set") {
  server::RequestParser parser;
  boost::system::error_code error;
  parser.reset(k_header_limit, 1 << 20);
  feed(parser, "GET / HTTP/1.0\r\n\r\n", error);
  CHECK_FALSE(parser.get().keep_alive());
  CHECK(parser.get().version() == 10);
  parser.reset(k_header_limit, 1 << 20);
  feed(parser, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", error);
  CHECK(parser.get().keep_alive());
  parser.reset(k_header_limit, 1 << 20);
  feed(parser, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", error);
  CHECK_FALSE(parser.get().keep_alive());
  CHECK_FALSE(parser.get().websocket_upgrade());

  parser.reset(k_header_limit, 1 << 20);
  feed(parser,
       "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n"
       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
       error);
  REQUIRE_FALSE(error);
  auto head = parser.release();
  CHECK(head.websocket_upgrade());
  head.set("authorization", "Bearer x");
  head.set("HOST", "b");
  CHECK(head.find("Authorization") == "Bearer x");
  CHECK(head.value(0) == "b");
  CHECK(head.count("host") == 1);
}

TEST_CASE("server::RequestParser takes raw bytes in the target, not in a field name") {
  server::RequestParser parser;
  boost::system::error_code error;
  parser.reset(k_header_limit, 1 << 20);
  feed(parser, "GET /hello/\xff\xfe HTTP/1.1\r\nHost: a\r\n\r\n", error);
  CHECK_FALSE(error);
  CHECK(parser.get().target() == "/hello/\xff\xfe");
  parser.reset(k_header_limit, 1 << 20);
  feed(parser, "GET / HTTP/1.1\r\nHost: a\r\nX-\xff: b\r\n\r\n", error);
  CHECK(error);
}

TEST_SUITE_END();
