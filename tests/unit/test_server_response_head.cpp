// The response head as bytes: status line, headers the function may and may not set,
// and the framing for each kind of client and body.
#include "server/response_head.hpp"

#include <doctest/doctest.h>

#include <regex>

using server::ResponseFraming;
using server::write_response_head;

namespace {

// The head with its date line replaced, so that it can be compared whole.
std::string stable(std::string bytes) {
  return std::regex_replace(bytes, std::regex("date: [^\r]*\r\n"), "date: D\r\n");
}

}  // namespace

TEST_SUITE_BEGIN("server");

TEST_CASE("server::write_response_head for a known body") {
  auto head = write_response_head(200, "", {{"content-type", "text/plain"}}, "hello", {});
  CHECK(stable(head.bytes) ==
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ndate: D\r\ncontent-length: 5\r\n\r\nhello");
  CHECK_FALSE(head.chunked);
  CHECK_FALSE(head.close_delimited);
}

TEST_CASE("server::write_response_head status lines carry a reason phrase") {
  CHECK(
      write_response_head(546, "", {}, "", {}).bytes.starts_with("HTTP/1.1 546 Worker Limit\r\n"));
  CHECK(write_response_head(299, "Fine Thanks", {}, "", {})
            .bytes.starts_with("HTTP/1.1 299 Fine Thanks\r\n"));
  // A statusText that could break the status line is not written as it is.
  CHECK(write_response_head(200, "OK\r\nx-injected: 1", {}, "", {})
            .bytes.starts_with("HTTP/1.1 200 OK\r\ndate: "));
}

TEST_CASE("server::write_response_head keeps framing fields and broken headers out") {
  runtime::HttpHeaders headers = {{"Content-Length", "999"},
                                  {"transfer-encoding", "gzip"},
                                  {"Connection", "upgrade"},
                                  {"keep-alive", "timeout=1"},
                                  {"x-ok", "1"},
                                  {"x-bad", "a\r\nx-injected: 1"},
                                  {"x-bad\nname", "1"},
                                  {"Date", "Tue, 01 Dec 2026 00:00:00 GMT"}};
  auto bytes = write_response_head(200, "", headers, "ab", {}).bytes;
  CHECK(bytes ==
        "HTTP/1.1 200 OK\r\nx-ok: 1\r\nDate: Tue, 01 Dec 2026 00:00:00 GMT\r\n"
        "content-length: 2\r\n\r\nab");
}

TEST_CASE("server::write_response_head framing by client and body") {
  SUBCASE("a stream to HTTP/1.1 is chunked") {
    auto head = write_response_head(200, "", {}, "", {.streaming = true});
    CHECK(head.chunked);
    CHECK(stable(head.bytes) == "HTTP/1.1 200 OK\r\ndate: D\r\ntransfer-encoding: chunked\r\n\r\n");
  }
  SUBCASE("a stream to HTTP/1.0 is close-delimited, never chunked") {
    ResponseFraming framing{.streaming = true, .http10 = true, .keep_alive = false};
    CHECK(server::close_delimited(200, framing));
    auto head = write_response_head(200, "", {}, "", framing);
    CHECK_FALSE(head.chunked);
    CHECK(head.close_delimited);
    CHECK(stable(head.bytes) == "HTTP/1.1 200 OK\r\ndate: D\r\nconnection: close\r\n\r\n");
  }
  SUBCASE("HTTP/1.0 keep-alive is said out loud") {
    auto bytes = write_response_head(200, "", {}, "x", {.http10 = true}).bytes;
    CHECK(stable(bytes) ==
          "HTTP/1.1 200 OK\r\ndate: D\r\ncontent-length: 1\r\nconnection: keep-alive\r\n\r\nx");
  }
  SUBCASE("HEAD gets GET's content-length and no body") {
    auto bytes = write_response_head(200, "", {}, "hello", {.head_request = true}).bytes;
    CHECK(stable(bytes) == "HTTP/1.1 200 OK\r\ndate: D\r\ncontent-length: 5\r\n\r\n");
  }
  SUBCASE("204 and 304 have neither a body nor a content-length") {
    for (int status : {204, 304}) {
      auto head = write_response_head(status, "", {}, "ignored", {});
      CHECK(head.bytes.find("content-length") == std::string::npos);
      CHECK(head.bytes.ends_with("\r\n\r\n"));
      auto streamed = write_response_head(status, "", {}, "", {.streaming = true});
      CHECK_FALSE(streamed.chunked);
      CHECK_FALSE(server::close_delimited(status, {.streaming = true, .http10 = true}));
    }
  }
}

TEST_CASE("server::http_date is an IMF-fixdate") {
  CHECK(std::regex_match(
      std::string(server::http_date()),
      std::regex(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT)")));
}

TEST_SUITE_END();

TEST_CASE("server::declared_length takes one valid content-length, else none") {
  using server::declared_length;
  CHECK(declared_length({{"content-type", "text/plain"}}) == std::nullopt);
  CHECK(declared_length({{"Content-Length", "42"}}) == 42u);
  CHECK(declared_length({{"content-length", "7"}, {"content-length", "7"}}) == 7u);
  CHECK(declared_length({{"content-length", "7"}, {"content-length", "8"}}) == std::nullopt);
  CHECK(declared_length({{"content-length", "-1"}}) == std::nullopt);
  CHECK(declared_length({{"content-length", " 4"}}) == std::nullopt);
  CHECK(declared_length({{"content-length", "4, 4"}}) == std::nullopt);
  CHECK(declared_length({{"content-length", ""}}) == std::nullopt);
  CHECK(declared_length({{"content-length", "99999999999999999999"}}) == std::nullopt);
}

TEST_CASE("server::write_response_head streams a declared length raw") {
  ResponseFraming framing;
  framing.streaming = true;
  framing.declared_length = 4;
  auto head = write_response_head(200, "", {{"content-length", "4"}}, "", framing);
  CHECK(stable(head.bytes) == "HTTP/1.1 200 OK\r\ndate: D\r\ncontent-length: 4\r\n\r\n");
  CHECK_FALSE(head.chunked);
  CHECK_FALSE(head.close_delimited);
  CHECK(head.declared_body == 4u);
  framing.http10 = true;  // HTTP/1.0 too: the length frames it, the connection may stay
  head = write_response_head(200, "", {}, "", framing);
  CHECK_FALSE(head.close_delimited);
  CHECK(head.declared_body == 4u);
  framing.http10 = false;
  framing.head_request = true;  // HEAD: the length, no body to send
  head = write_response_head(200, "", {}, "", framing);
  CHECK(stable(head.bytes) == "HTTP/1.1 200 OK\r\ndate: D\r\ncontent-length: 4\r\n\r\n");
  CHECK(head.declared_body == std::nullopt);
}
