#pragma once

// What RFC 9110/9112 ask of a server before it may act on a request, and the status
// lines it writes. Kept apart from the session so the rules can be tested alone.

#include <string_view>

namespace server {

class RequestHead;

// Longest request target served; longer ones get 414 (RFC 9112 section 3 asks for
// at least 8000 octets).
constexpr std::size_t k_target_limit = 8 * 1024;

// The status a request head must be refused with, or 0 when it can be served:
// 400 for a missing or repeated Host (HTTP/1.1) and for framing that would let a body
// be read as the next request (a Transfer-Encoding that does not end in `chunked`,
// or any on HTTP/1.0; a Content-Length given twice or as a list, even of equal values);
// 501 for a transfer coding other than chunked; 414 for a target over k_target_limit.
// Every refusal closes the connection.
int refusal_for(const RequestHead& head);

// Whether the raw bytes of a request head fold a field over several lines (obs-fold,
// RFC 9112 section 5.2). The RFC lets a server join such lines with a space (llhttp 8 and
// Beast do); we refuse them instead (400): a proxy in front may read them otherwise.
bool has_obs_fold(std::string_view raw_head);

// The reason phrase written for `status`: the standard one, ours for 546, else empty.
std::string_view reason_phrase(int status);

// Whether a function's own statusText may go on the status line as it is.
bool valid_reason_phrase(std::string_view text);

}  // namespace server
