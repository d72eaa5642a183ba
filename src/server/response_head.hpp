#pragma once

// The head of a response as it goes on the wire: status line, the function's headers (minus
// the framing fields the server owns), `date`, and the framing. No sockets, so each rule can
// be tested alone.

#include "runtime/http.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace server {

struct ResponseFraming {
  bool streaming = false;     // the body comes later, in pieces
  bool head_request = false;  // HEAD: framing as for GET, no body bytes
  bool http10 = false;        // the client spoke HTTP/1.0: no chunked coding
  bool keep_alive = true;     // the connection stays open after this response
  // A streamed body's length as the function declared it (its own content-length): sent
  // as it is, neither chunked nor close-delimited, as Deno does.
  std::optional<std::uint64_t> declared_length = std::nullopt;
};

struct ResponseHead {
  std::string bytes;             // the head (and, when not streaming, the body)
  bool chunked = false;          // pieces go out as chunks
  bool close_delimited = false;  // pieces go out raw; the body ends with the connection
  std::optional<std::uint64_t> declared_body;  // pieces go out raw, this many bytes in all
};

// 1xx, 204 and 304 carry no body and no content-length (RFC 9110 section 6.4.1).
bool bodyless(int status);

// The one content-length among a function's headers, when it is a valid length (several
// that agree count as one); nullopt otherwise, and the body is framed by the server.
std::optional<std::uint64_t> declared_length(const runtime::HttpHeaders& headers);

// Whether a streamed response to this request must be close-delimited (HTTP/1.0 has no
// chunked coding), which also means the connection cannot be kept alive.
bool close_delimited(int status, const ResponseFraming& framing);

// Writes the head; with `framing.streaming` off, `body` follows it (unless the status or a
// HEAD request forbids one). A `reason` that is empty or not a valid reason phrase is
// replaced by the standard one. Header names or values holding CR or LF are dropped, as are
// the function's content-length (but see `declared_length`), transfer-encoding, connection
// and keep-alive. `buffer`: storage to write into (emptied first), so that a connection can
// reuse one from response to response.
ResponseHead write_response_head(int status, std::string_view reason,
                                 const runtime::HttpHeaders& headers, std::string_view body,
                                 const ResponseFraming& framing, std::string buffer = {});

// The current time as an HTTP date (IMF-fixdate), formatted once per second per thread.
// Valid until the thread calls it again.
std::string_view http_date();

}  // namespace server
