// Fuzzes the request path of `sbfn serve`: bytes go through server::RequestParser (llhttp)
// with the session's header limit, in two pieces as two reads would bring them; a head that
// parses is judged by server::refusal_for, as Session::on_header does, and its raw bytes by
// has_obs_fold, as Session::parse_head does; then the body is parsed. The same bytes are
// also checked as a function's statusText.
#include "server/http_rules.hpp"

#include "server/request_parser.hpp"

#include <boost/beast/http/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

// Session's k_header_limit (src/server/session.cpp).
constexpr std::size_t k_header_limit = 16 * 1024;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  server::valid_reason_phrase(bytes);

  server::RequestParser parser;
  parser.reset(k_header_limit, 1 << 20);
  boost::system::error_code error;
  // The first byte picks where the input is cut into two reads.
  const std::size_t cut = size == 0 ? 0 : data[0] % size;
  std::size_t offset = 0;
  for (auto piece : {bytes.substr(0, cut), bytes.substr(cut)}) {
    while (!piece.empty() && !parser.is_header_done()) {
      const std::size_t used = parser.put(piece, error);
      offset += used;
      piece.remove_prefix(used);
      if (error) {
        break;
      }
    }
    if (error && error != boost::beast::http::error::need_more) {
      return 0;
    }
  }
  if (!parser.is_header_done()) {
    return 0;
  }
  server::has_obs_fold(parser.get().raw());
  const int status = server::refusal_for(parser.get());
  if (status != 0) {
    server::reason_phrase(status);
    return 0;
  }
  while (!parser.is_done() && offset < size) {
    const std::size_t used = parser.put(bytes.substr(offset), error);
    offset += used;
    if (used == 0 || (error && error != boost::beast::http::error::need_more)) {
      break;
    }
  }
  return 0;
}
