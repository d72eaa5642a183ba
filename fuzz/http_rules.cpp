// Fuzzes the request-head path of `sbfn serve`: bytes go through Beast's request parser with
// the session's header limit, and a head that parses is judged by server::refusal_for, as
// Session::on_header does, and its raw bytes by has_obs_fold, as Session::parse_head does. The same
// bytes are also checked as a function's statusText.
#include "server/http_rules.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

// Session's k_header_limit (src/server/session.cpp).
constexpr std::size_t k_header_limit = 16 * 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = boost::beast::http;
  server::valid_reason_phrase(std::string_view(reinterpret_cast<const char*>(data), size));

  http::request_parser<http::string_body> parser;
  parser.header_limit(k_header_limit);
  parser.body_limit(1 << 20);
  std::size_t offset = 0;
  boost::beast::error_code error;
  while (offset < size && !parser.is_header_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(data + offset, size - offset), error);
    if (error || used == 0)
      break;
    offset += used;
  }
  if (!error && parser.is_header_done()) {
    std::string_view raw(reinterpret_cast<const char*>(data), offset);
    server::has_obs_fold(raw.substr(0, raw.find("\r\n\r\n")));
    const int status = server::refusal_for(parser.get());
    if (status != 0)
      server::reason_phrase(status);
  }
  return 0;
}
