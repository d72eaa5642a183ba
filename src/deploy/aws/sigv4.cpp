#include "deploy/aws/sigv4.hpp"

#include "util/crypto.hpp"
#include "util/hash.hpp"
#include "util/uri.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

namespace deploy::aws {
namespace {

// Headers no signer includes: hop-by-hop ones a proxy may rewrite, and the ones botocore
// and the JS SDK leave out (the union of both lists, so either side agrees with us).
bool is_unsignable(std::string_view name) {
  static constexpr std::string_view k_names[] = {
      "authorization", "cache-control",     "connection", "expect",     "from",
      "keep-alive",    "max-forwards",      "pragma",     "referer",    "te",
      "trailer",       "transfer-encoding", "upgrade",    "user-agent", "x-amzn-trace-id"};
  return std::find(std::begin(k_names), std::end(k_names), name) != std::end(k_names) ||
         name.starts_with("proxy-") || name.starts_with("sec-");
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Trims the value and folds every run of spaces, tabs and line breaks into one space.
std::string fold_whitespace(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    out += c;
  }
  return out;
}

// Non-S3 rule: drop empty, "." and ".." segments, then encode the (already encoded) path
// again, keeping the slashes and a trailing slash.
std::string canonical_path(std::string_view path) {
  if (path.empty()) {
    return "/";
  }
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    auto segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string normalized = path.front() == '/' ? "/" : "";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    normalized += (i ? "/" : "");
    normalized += segments[i];
  }
  if (!segments.empty() && path.back() == '/') {
    normalized += '/';
  }
  return util::percent_encode(normalized, true);
}

std::string canonical_query(const QueryParams& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(util::percent_encode(name), util::percent_encode(value));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    out += (out.empty() ? "" : "&") + name + "=" + value;
  }
  return out;
}

}  // namespace

std::string encode_query(const QueryParams& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    out +=
        (out.empty() ? "" : "&") + util::percent_encode(name) + "=" + util::percent_encode(value);
  }
  return out;
}

std::string amz_date(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[17];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

std::string signing_key(std::string_view secret, std::string_view date, const Scope& scope) {
  auto key = util::hmac_sha256("AWS4" + std::string(secret), date);
  key = util::hmac_sha256(key, scope.region);
  key = util::hmac_sha256(key, scope.service);
  return util::hmac_sha256(key, "aws4_request");
}

Signature sign(SignableRequest& request, const Credentials& credentials, const Scope& scope,
               std::chrono::system_clock::time_point when) {
  const auto date_time = amz_date(when);
  const auto date = date_time.substr(0, 8);
  // Replace what an earlier signature left, so that a retried request signs afresh.
  std::erase_if(request.headers, [](const auto& header) {
    auto name = lower(header.first);
    return name == "x-amz-date" || name == "x-amz-security-token" || name == "authorization";
  });
  request.headers.emplace_back("X-Amz-Date", date_time);
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }

  std::map<std::string, std::string> canonical_headers;
  std::string payload_hash;
  for (const auto& [name, value] : request.headers) {
    auto key = lower(name);
    if (key == "x-amz-content-sha256") {
      payload_hash = value;
    }
    if (is_unsignable(key)) {
      continue;
    }
    auto [it, fresh] = canonical_headers.try_emplace(key, fold_whitespace(value));
    if (!fresh) {
      it->second += "," + fold_whitespace(value);
    }
  }
  if (payload_hash.empty()) {
    payload_hash = util::sha256_hex(request.body);
  }
  std::string header_lines;
  std::string signed_headers;
  for (const auto& [name, value] : canonical_headers) {
    header_lines += name + ":" + value + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }

  Signature result;
  result.canonical_request = request.method + "\n" + canonical_path(request.path) + "\n" +
                             canonical_query(request.query) + "\n" + header_lines + "\n" +
                             signed_headers + "\n" + payload_hash;
  const auto credential_scope = date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  result.string_to_sign = "AWS4-HMAC-SHA256\n" + date_time + "\n" + credential_scope + "\n" +
                          util::sha256_hex(result.canonical_request);
  result.signature = util::hex(util::hmac_sha256(
      signing_key(credentials.secret_access_key, date, scope), result.string_to_sign));
  result.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
                         credential_scope + ", SignedHeaders=" + signed_headers +
                         ", Signature=" + result.signature;
  request.headers.emplace_back("Authorization", result.authorization);
  return result;
}

}  // namespace deploy::aws
