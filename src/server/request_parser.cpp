#include "server/request_parser.hpp"

#include "server/net.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <array>

namespace server {
namespace {

RequestParser& self(llhttp_t* parser) {
  return *static_cast<RequestParser*>(parser->data);
}

bool iequals(std::string_view a, std::string_view b) {
  return beast::iequals(a, b);
}

// RFC 9110 5.6.2: tchar. llhttp outside its strict mode lets other bytes into a field
// name (a space); Beast did not, and a proxy in front may read such a name otherwise.
constexpr auto k_tchar = [] {
  std::array<bool, 256> table{};
  for (unsigned char c : std::string_view("!#$%&'*+-.^_`|~")) {
    table[c] = true;
  }
  for (int c = '0'; c <= '9'; ++c) {
    table[c] = true;
  }
  for (int c = 'a'; c <= 'z'; ++c) {
    table[c] = table[c - 'a' + 'A'] = true;
  }
  return table;
}();

bool is_token(std::string_view text) {
  for (unsigned char c : text) {
    if (!k_tchar[c]) {
      return false;
    }
  }
  return !text.empty();
}

bool has_token(std::string_view list, std::string_view token) {
  for (auto item : http::token_list(list)) {
    if (iequals(item, token)) {
      return true;
    }
  }
  return false;
}

}  // namespace

// --- RequestHead --------------------------------------------------------------------------

bool RequestHead::websocket_upgrade() const {
  if (!m_upgrade || m_version < 11 || method() != "GET") {
    return false;
  }
  bool connection = false;
  bool websocket = false;
  for (std::size_t i = 0; i < size(); ++i) {
    if (iequals(name(i), "connection")) {
      connection = connection || has_token(value(i), "upgrade");
    } else if (iequals(name(i), "upgrade")) {
      websocket = websocket || has_token(value(i), "websocket");
    }
  }
  return connection && websocket;
}

std::optional<std::string_view> RequestHead::find(std::string_view wanted) const {
  for (const auto& [name, value] : m_fields) {
    if (iequals(view(name), wanted)) {
      return view(value);
    }
  }
  return std::nullopt;
}

std::size_t RequestHead::count(std::string_view wanted) const {
  std::size_t n = 0;
  for (const auto& field : m_fields) {
    n += iequals(view(field.first), wanted) ? 1 : 0;
  }
  return n;
}

RequestHead::Span RequestHead::append(std::string_view bytes) {
  Span span{static_cast<std::uint32_t>(m_raw.size()), static_cast<std::uint32_t>(bytes.size())};
  m_raw.append(bytes);
  return span;
}

void RequestHead::set(std::string_view name, std::string_view value) {
  for (auto& field : m_fields) {
    if (iequals(view(field.first), name)) {
      field.second = append(value);
      return;
    }
  }
  auto name_span = append(name);
  m_fields.emplace_back(name_span, append(value));
}

RequestHead RequestHead::make(std::string_view method, std::string_view target,
                              const std::vector<std::pair<std::string, std::string>>& fields,
                              unsigned version) {
  RequestHead head;
  head.m_method = head.append(method);
  head.m_target = head.append(target);
  head.m_version = version;
  for (const auto& [name, value] : fields) {
    auto name_span = head.append(name);
    head.m_fields.emplace_back(name_span, head.append(value));
  }
  head.m_keep_alive = version >= 11;
  if (auto connection = head.find("connection")) {
    head.m_keep_alive =
        version >= 11 ? !has_token(*connection, "close") : has_token(*connection, "keep-alive");
    head.m_upgrade = has_token(*connection, "upgrade") && head.find("upgrade").has_value();
  }
  return head;
}

// --- RequestParser ------------------------------------------------------------------------

const llhttp_settings_t& RequestParser::settings() {
  static const llhttp_settings_t settings = [] {
    llhttp_settings_t s;
    llhttp_settings_init(&s);
    s.on_method = on_method;
    s.on_url = on_url;
    s.on_url_complete = on_url_complete;
    s.on_header_field = on_header_field;
    s.on_header_value = on_header_value;
    s.on_header_value_complete = on_header_value_complete;
    s.on_headers_complete = on_headers_complete;
    s.on_body = on_body;
    s.on_message_complete = on_message_complete;
    return s;
  }();
  return settings;
}

RequestParser::RequestParser() {
  llhttp_init(&m_llhttp, HTTP_REQUEST, &settings());
  m_llhttp.data = this;
}

void RequestParser::reset(std::size_t header_limit, std::uint64_t body_limit) {
  llhttp_reset(&m_llhttp);
  m_header_limit = header_limit;
  m_body_limit = body_limit;
  m_body_read = 0;
  m_content_length.reset();
  m_header_done = m_done = m_target_complete = m_chunked = m_over_limit = false;
  m_method_started = m_target_started = m_in_name = m_in_value = false;
  m_head.m_raw.clear();
  m_head.m_head_size = 0;
  m_head.m_method = m_head.m_target = {};
  m_head.m_fields.clear();
  m_head.body.clear();
  m_head.m_upgrade = false;
}

std::size_t RequestParser::put(std::string_view bytes, beast::error_code& error) {
  error = {};
  if (m_done) {
    return 0;
  }
  if (llhttp_get_errno(&m_llhttp) == HPE_PAUSED) {
    llhttp_resume(&m_llhttp);  // after the head: on into the body
  }
  return m_header_done ? put_body(bytes, error) : put_head(bytes, error);
}

std::size_t RequestParser::put_head(std::string_view bytes, beast::error_code& error) {
  // The head's bytes are copied into its own buffer first, so that its parts can be views
  // however many reads it takes, and the session can look at it whole (obs-fold).
  auto& raw = m_head.m_raw;
  auto base = raw.size();
  raw.append(bytes);
  auto result = llhttp_execute(&m_llhttp, raw.data() + base, bytes.size());
  if (result == HPE_PAUSED) {  // on_headers_complete: the head ends here
    auto used = static_cast<std::size_t>(llhttp_get_error_pos(&m_llhttp) - (raw.data() + base));
    raw.resize(base + used);
    m_head.m_head_size = raw.size();
    if (raw.size() > m_header_limit) {
      error = http::error::header_limit;
    } else if (m_over_limit) {
      error = http::error::body_limit;
    }
    return used;
  }
  if (result != HPE_OK) {
    error = failure();
    return 0;
  }
  error = raw.size() > m_header_limit ? http::error::header_limit : http::error::need_more;
  return bytes.size();
}

std::size_t RequestParser::put_body(std::string_view bytes, beast::error_code& error) {
  auto result = llhttp_execute(&m_llhttp, bytes.data(), bytes.size());
  if (result == HPE_PAUSED) {  // on_message_complete: what follows is the next request
    return static_cast<std::size_t>(llhttp_get_error_pos(&m_llhttp) - bytes.data());
  }
  if (result != HPE_OK) {
    error = failure();
    return 0;
  }
  error = http::error::need_more;
  return bytes.size();
}

beast::error_code RequestParser::failure() const {
  if (m_over_limit) {
    return http::error::body_limit;
  }
  switch (llhttp_get_errno(&m_llhttp)) {
    case HPE_INVALID_CHUNK_SIZE:
      return http::error::bad_chunk;
    case HPE_INVALID_CONTENT_LENGTH:
    case HPE_UNEXPECTED_CONTENT_LENGTH:
      return http::error::bad_content_length;
    case HPE_INVALID_TRANSFER_ENCODING:
      return http::error::bad_transfer_encoding;
    case HPE_INVALID_METHOD:
      return http::error::bad_method;
    case HPE_INVALID_URL:
      return http::error::bad_target;
    case HPE_INVALID_VERSION:
      return http::error::bad_version;
    case HPE_INVALID_HEADER_TOKEN:
      return http::error::bad_value;
    case HPE_CR_EXPECTED:
    case HPE_LF_EXPECTED:
    case HPE_STRICT:
      return http::error::bad_line_ending;
    default:
      return http::error::bad_field;
  }
}

void RequestParser::extend(RequestHead::Span& span, bool& started, const char* at,
                           std::size_t length) {
  auto offset = static_cast<std::uint32_t>(at - m_head.m_raw.data());
  if (!started) {
    started = true;
    span = {offset, static_cast<std::uint32_t>(length)};
  } else {  // the same part, continued by the next read (contiguous in the buffer)
    span.size = offset + static_cast<std::uint32_t>(length) - span.at;
  }
}

int RequestParser::on_method(llhttp_t* parser, const char* at, std::size_t length) {
  auto& p = self(parser);
  p.extend(p.m_head.m_method, p.m_method_started, at, length);
  return 0;
}

int RequestParser::on_url(llhttp_t* parser, const char* at, std::size_t length) {
  auto& p = self(parser);
  p.extend(p.m_head.m_target, p.m_target_started, at, length);
  return 0;
}

int RequestParser::on_url_complete(llhttp_t* parser) {
  self(parser).m_target_complete = true;
  return 0;
}

int RequestParser::on_header_field(llhttp_t* parser, const char* at, std::size_t length) {
  auto& p = self(parser);
  if (p.m_header_done) {
    return 0;  // a trailer field: not part of the request a function sees
  }
  if (!p.m_in_name) {
    p.m_head.m_fields.emplace_back();
    p.m_in_value = false;
  }
  p.extend(p.m_head.m_fields.back().first, p.m_in_name, at, length);
  return 0;
}

int RequestParser::on_header_value(llhttp_t* parser, const char* at, std::size_t length) {
  auto& p = self(parser);
  if (p.m_header_done) {
    return 0;
  }
  p.extend(p.m_head.m_fields.back().second, p.m_in_value, at, length);
  return 0;
}

int RequestParser::on_header_value_complete(llhttp_t* parser) {
  auto& p = self(parser);
  if (p.m_header_done) {
    return 0;
  }
  p.m_in_name = false;
  p.m_in_value = false;
  // llhttp leaves trailing whitespace in the value; RFC 9110 5.5 excludes it.
  auto& value = p.m_head.m_fields.back().second;
  while (value.size > 0 && (p.m_head.m_raw[value.at + value.size - 1] == ' ' ||
                            p.m_head.m_raw[value.at + value.size - 1] == '\t')) {
    --value.size;
  }
  return 0;
}

int RequestParser::on_headers_complete(llhttp_t* parser) {
  auto& p = self(parser);
  auto& head = p.m_head;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (!is_token(head.name(i))) {
      return -1;  // llhttp's HPE_CB_HEADERS_COMPLETE: 400
    }
  }
  p.m_header_done = true;
  head.m_version = parser->http_major * 10 + parser->http_minor;
  head.m_keep_alive = llhttp_should_keep_alive(parser) != 0;
  head.m_upgrade = parser->upgrade != 0;
  p.m_chunked = (parser->flags & F_CHUNKED) != 0;
  if ((parser->flags & F_CONTENT_LENGTH) != 0) {
    p.m_content_length = parser->content_length;
  }
  bool body = p.m_chunked || (parser->flags & F_TRANSFER_ENCODING) != 0 ||
              p.m_content_length.value_or(0) > 0;
  p.m_done = !body;
  // Beast's rule, which the session relies on: a declared length over the limit is refused
  // with the head, before any of the body is read.
  p.m_over_limit = p.m_content_length.value_or(0) > p.m_body_limit;
  return HPE_PAUSED;  // the session judges the head before any body is parsed
}

int RequestParser::on_body(llhttp_t* parser, const char* at, std::size_t length) {
  auto& p = self(parser);
  p.m_body_read += length;
  if (p.m_body_read > p.m_body_limit) {
    p.m_over_limit = true;
    return HPE_USER;
  }
  p.m_head.body.append(at, length);
  return 0;
}

int RequestParser::on_message_complete(llhttp_t* parser) {
  self(parser).m_done = true;
  return HPE_PAUSED;  // a pipelined request stays in the session's buffer
}

}  // namespace server
