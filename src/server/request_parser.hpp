#pragma once

// Requests read off a connection by llhttp (Node's HTTP/1 parser, compiled from Debian's
// node-llhttp sources). The head's bytes are kept in one buffer that the parser reuses from
// one request to the next, and every part of the head is a view into it, so a request
// costs no allocation until its body or its fields leave for a function.

#include <boost/system/error_code.hpp>
#include <llhttp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server {

// One request's head (and a body read whole). Moves with its connection to another thread.
class RequestHead {
 public:
  std::string_view method() const { return view(m_method); }
  std::string_view target() const { return view(m_target); }
  unsigned version() const { return m_version; }  // 10 or 11
  bool keep_alive() const { return m_keep_alive; }
  // A WebSocket handshake (RFC 6455 4.2.1): GET, HTTP/1.1, Connection: upgrade, Upgrade:
  // websocket; Beast's websocket::is_upgrade rules.
  bool websocket_upgrade() const;

  std::size_t size() const { return m_fields.size(); }
  std::string_view name(std::size_t i) const { return view(m_fields[i].first); }
  std::string_view value(std::size_t i) const { return view(m_fields[i].second); }
  // The first field named `name` (ASCII case-insensitive).
  std::optional<std::string_view> find(std::string_view name) const;
  std::size_t count(std::string_view name) const;
  // Replaces the first field named `name`, or adds it.
  void set(std::string_view name, std::string_view value);

  // The head as received, up to its empty line (what obs-fold is looked for in).
  std::string_view raw() const { return std::string_view(m_raw).substr(0, m_head_size); }

  std::string body;  // a body read whole, or the piece of a streamed one not yet pulled

  // A head built in code (tests): `fields` in order; HTTP/1.1 unless `version` says.
  static RequestHead make(std::string_view method, std::string_view target,
                          const std::vector<std::pair<std::string, std::string>>& fields,
                          unsigned version = 11);

 private:
  friend class RequestParser;
  struct Span {
    std::uint32_t at = 0;
    std::uint32_t size = 0;
  };
  std::string_view view(Span span) const {
    return std::string_view(m_raw).substr(span.at, span.size);
  }
  Span append(std::string_view bytes);

  std::string m_raw;  // the head's bytes, then what set() added
  std::size_t m_head_size = 0;
  Span m_method;
  Span m_target;
  std::vector<std::pair<Span, Span>> m_fields;
  unsigned m_version = 11;
  bool m_keep_alive = true;
  bool m_upgrade = false;  // llhttp saw Connection: upgrade with an Upgrade field
};

// Parses one request at a time. put() stops after the head, so that the session can judge it
// before any body is read, and after the message, so that a pipelined request stays in the
// caller's buffer. Errors are Beast's http::error codes, which the session already answers:
// need_more, header_limit (431, or 414 when the request line is not complete), body_limit
// (413), anything else 400.
class RequestParser {
 public:
  RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Starts the next request; the buffers keep their capacity.
  void reset(std::size_t header_limit, std::uint64_t body_limit);
  void body_limit(std::uint64_t limit) { m_body_limit = limit; }

  // Parses what it can of `bytes`; returns how many it used.
  std::size_t put(std::string_view bytes, boost::system::error_code& error);

  bool is_header_done() const { return m_header_done; }
  bool is_done() const { return m_done; }
  bool target_complete() const { return m_target_complete; }
  bool chunked() const { return m_chunked; }
  std::optional<std::uint64_t> content_length() const { return m_content_length; }

  RequestHead& get() { return m_head; }
  // Hands the request over (to a session on another loop); the parser needs reset() next.
  RequestHead release() { return std::move(m_head); }

 private:
  std::size_t put_head(std::string_view bytes, boost::system::error_code& error);
  std::size_t put_body(std::string_view bytes, boost::system::error_code& error);
  boost::system::error_code failure() const;

  // llhttp's callbacks (it knows them as C function pointers).
  static int on_method(llhttp_t* parser, const char* at, std::size_t length);
  static int on_url(llhttp_t* parser, const char* at, std::size_t length);
  static int on_url_complete(llhttp_t* parser);
  static int on_header_field(llhttp_t* parser, const char* at, std::size_t length);
  static int on_header_value(llhttp_t* parser, const char* at, std::size_t length);
  static int on_header_value_complete(llhttp_t* parser);
  static int on_headers_complete(llhttp_t* parser);
  static int on_body(llhttp_t* parser, const char* at, std::size_t length);
  static int on_message_complete(llhttp_t* parser);
  static const llhttp_settings_t& settings();

  // Extends `span` (or starts it) by `length` bytes at `at`, inside the head's buffer.
  void extend(RequestHead::Span& span, bool& started, const char* at, std::size_t length);

  llhttp_t m_llhttp;
  RequestHead m_head;
  std::size_t m_header_limit = 16 * 1024;
  std::uint64_t m_body_limit = 0;
  std::uint64_t m_body_read = 0;
  std::optional<std::uint64_t> m_content_length;
  bool m_header_done = false;
  bool m_done = true;  // no request under way: nothing of one is left to read
  bool m_target_complete = false;
  bool m_chunked = false;
  bool m_over_limit = false;
  // Where the callbacks are in the head: a field's name or value begun but not ended.
  bool m_method_started = false;
  bool m_target_started = false;
  bool m_in_name = false;
  bool m_in_value = false;
};

}  // namespace server
