#include "server/response_head.hpp"

#include "server/http_rules.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <ctime>

namespace server {
namespace {

bool has_crlf(std::string_view text) {
  // Not find_first_of: libstdc++ runs a memchr per character for it.
  return std::any_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n'; });
}

// Response fields the server writes itself, whatever the function says.
bool managed_field(std::string_view name) {
  namespace beast = boost::beast;
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection") || beast::iequals(name, "keep-alive");
}

}  // namespace

std::optional<std::uint64_t> declared_length(const runtime::HttpHeaders& headers) {
  std::optional<std::uint64_t> length;
  for (const auto& [name, value] : headers) {
    if (!boost::beast::iequals(name, "content-length")) {
      continue;
    }
    // 1-19 digits: a length that fits, without signs, spaces or lists.
    if (value.empty() || value.size() > 19 ||
        value.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    auto parsed = std::stoull(value);
    if (length && *length != parsed) {
      return std::nullopt;
    }
    length = parsed;
  }
  return length;
}

bool bodyless(int status) {
  return status == 204 || status == 304 || (status >= 100 && status < 200);
}

bool close_delimited(int status, const ResponseFraming& framing) {
  return framing.streaming && framing.http10 && !bodyless(status) && !framing.head_request &&
         !framing.declared_length;
}

ResponseHead write_response_head(int status, std::string_view reason,
                                 const runtime::HttpHeaders& headers, std::string_view body,
                                 const ResponseFraming& framing, std::string buffer) {
  const bool no_body = bodyless(status) || framing.head_request;
  ResponseHead head;
  auto& out = head.bytes;
  out = std::move(buffer);
  out.clear();
  out.reserve(256 + (framing.streaming ? 0 : body.size()));
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason.empty() || !valid_reason_phrase(reason) ? reason_phrase(status) : reason;
  out += "\r\n";
  bool has_date = false;
  for (const auto& [name, value] : headers) {
    if (managed_field(name) || has_crlf(name) || has_crlf(value)) {
      continue;
    }
    has_date = has_date || boost::beast::iequals(name, "date");
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!has_date) {
    out += "date: ";
    out += http_date();
    out += "\r\n";
  }
  head.close_delimited = close_delimited(status, framing);
  const bool declared = framing.streaming && framing.declared_length.has_value();
  head.chunked = framing.streaming && !no_body && !framing.http10 && !declared;
  if (declared && !no_body) {
    head.declared_body = framing.declared_length;
  }
  if (head.chunked) {
    out += "transfer-encoding: chunked\r\n";
  } else if (!bodyless(status) && !head.close_delimited) {
    out += "content-length: ";
    out += std::to_string(declared ? *framing.declared_length : body.size());
    out += "\r\n";
  }
  if (!framing.keep_alive) {
    out += "connection: close\r\n";
  } else if (framing.http10) {
    out += "connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!framing.streaming && !no_body) {
    out += body;
  }
  return head;
}

std::string_view http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local char cached[40];
  auto now = std::time(nullptr);
  if (now != cached_second) {
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(cached, sizeof cached, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    cached_second = now;
  }
  return cached;
}

}  // namespace server
