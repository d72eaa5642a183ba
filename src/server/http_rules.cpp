#include "server/http_rules.hpp"

#include "server/net.hpp"
#include "server/request_parser.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/status.hpp>

namespace server {

int refusal_for(const RequestHead& head) {
  if (head.target().size() > k_target_limit) {
    return 414;
  }
  auto hosts = head.count("host");
  if (hosts > 1 || (hosts == 0 && head.version() >= 11)) {
    return 400;
  }
  // RFC 9112 section 6.3 lets a server take a repeated or listed Content-Length whose
  // values agree; a proxy in front may not agree, so only one value, once.
  bool transfer_encoding = false;
  std::size_t lengths = 0;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (beast::iequals(head.name(i), "content-length")) {
      if (++lengths > 1 || head.value(i).find(',') != std::string_view::npos) {
        return 400;
      }
    } else if (beast::iequals(head.name(i), "transfer-encoding")) {
      transfer_encoding = true;
    }
  }
  if (!transfer_encoding) {
    return 0;
  }
  if (head.version() < 11) {
    return 400;
  }
  // The codings of every Transfer-Encoding line, in order, as one list.
  int codings = 0;
  bool unknown = false;
  bool last_chunked = false;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (!beast::iequals(head.name(i), "transfer-encoding")) {
      continue;
    }
    for (auto coding : http::token_list(head.value(i))) {
      if (last_chunked) {
        return 400;  // chunked applied twice, or something after it
      }
      ++codings;
      last_chunked = beast::iequals(coding, "chunked");
      unknown = unknown || !last_chunked;
    }
  }
  if (codings == 0 || !last_chunked) {
    return 400;
  }
  return unknown ? 501 : 0;
}

bool has_obs_fold(std::string_view raw_head) {
  // A line starting with a space or a tab continues the field before it.
  for (auto at = raw_head.find('\n'); at != std::string_view::npos && at + 1 < raw_head.size();
       at = raw_head.find('\n', at + 1)) {
    if (raw_head[at + 1] == ' ' || raw_head[at + 1] == '\t') {
      return true;
    }
  }
  return false;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 546:
      return "Worker Limit";
    default:
      break;
  }
  if (status < 100 || status > 999) {
    return {};
  }
  auto text = http::obsolete_reason(static_cast<http::status>(status));
  return text == "<unknown-status>" ? std::string_view{} : std::string_view(text);
}

bool valid_reason_phrase(std::string_view text) {
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return false;
    }
  }
  return true;
}

}  // namespace server
