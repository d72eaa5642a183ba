#include "server/jwt.hpp"

#include "util/base64.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <limits>

namespace server {

namespace {

using Json = nlohmann::json;

constexpr std::string_view k_default_jwt_secret =
    "super-secret-jwt-token-with-at-least-32-characters-long";

// Bodies of the CLI's main service (templates/main.ts), which clients may match on.
constexpr std::string_view k_missing_header_body =
    R"({"msg":"Error: Missing authorization header"})";
constexpr std::string_view k_not_bearer_body =
    R"({"msg":"Error: Auth header is not 'Bearer {token}'"})";
constexpr std::string_view k_invalid_jwt_body = R"({"msg":"Invalid JWT"})";
constexpr int k_unauthorized = 401;

// Below this, jose (which the CLI uses) refuses RS256 keys; accepting them would make tokens
// pass here that fail in production.
constexpr int k_min_rsa_bits = 2048;

JwtCheck fail(std::string reason) {
  return JwtCheck{false, std::move(reason)};
}

// Parses one base64url JSON segment; null when it is not a JSON object.
std::optional<Json> decode_json_object(std::string_view segment) {
  const auto bytes = util::base64url_decode(segment);
  if (!bytes) {
    return std::nullopt;
  }
  Json value = Json::parse(*bytes, nullptr, false);
  if (!value.is_object()) {
    return std::nullopt;
  }
  return value;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) {
      return false;
    }
  }
  return true;
}

// The JWK readers below throw the bare problem; the constructor adds which key it was.

// Reads the optional string member `name` of a JWK; a present non-string is an error.
std::optional<std::string> optional_string(const Json& jwk, const char* name) {
  const auto found = jwk.find(name);
  if (found == jwk.end()) {
    return std::nullopt;
  }
  if (!found->is_string()) {
    throw util::Error(std::string("\"") + name + "\" must be a string");
  }
  return found->get<std::string>();
}

// Reads the required base64url member `name` of a JWK as raw bytes.
std::string required_bytes(const Json& jwk, const char* name) {
  const auto text = optional_string(jwk, name);
  if (!text) {
    throw util::Error(std::string("missing \"") + name + "\"");
  }
  auto bytes = util::base64url_decode(*text);
  if (!bytes || bytes->empty()) {
    throw util::Error(std::string("\"") + name + "\" is not base64url");
  }
  return std::move(*bytes);
}

// Imports the public key of one JWK, or returns nullopt for a key we cannot verify with.
// Those are legitimately present in real key sets (the CLI adds the legacy secret as `oct`,
// third-party issuers may publish P-384 or encryption keys), so they are skipped, not errors.
std::optional<util::PublicKey> import_public_key(const Json& jwk) {
  const auto kty = optional_string(jwk, "kty");
  if (!kty) {
    throw util::Error("missing \"kty\"");
  }
  const auto use = optional_string(jwk, "use");
  if (use && *use != "sig") {
    return std::nullopt;
  }
  if (*kty == "EC") {
    const auto crv = optional_string(jwk, "crv");
    if (!crv) {
      throw util::Error("missing \"crv\"");
    }
    if (*crv != "P-256") {
      return std::nullopt;
    }
    return util::PublicKey::ec_p256(required_bytes(jwk, "x"), required_bytes(jwk, "y"));
  }
  if (*kty == "RSA") {
    auto key = util::PublicKey::rsa(required_bytes(jwk, "n"), required_bytes(jwk, "e"));
    if (key.bits() < k_min_rsa_bits) {
      throw util::Error("RSA key has " + std::to_string(key.bits()) + " bits, at least " +
                        std::to_string(k_min_rsa_bits) + " are required");
    }
    return key;
  }
  return std::nullopt;
}

// Reads a NumericDate claim: absent is fine, a non-number is not.
bool read_time_claim(const Json& payload, const char* name, std::optional<double>& out) {
  const auto found = payload.find(name);
  if (found == payload.end()) {
    return true;
  }
  if (!found->is_number()) {
    return false;
  }
  out = found->get<double>();
  return true;
}

}  // namespace

std::string default_jwt_secret() {
  return std::string(k_default_jwt_secret);
}

JwtVerifier::JwtVerifier(std::string hs256_secret, std::optional<std::string> jwks_json)
    : m_secret(std::move(hs256_secret)) {
  if (!jwks_json) {
    return;
  }
  const Json jwks = Json::parse(*jwks_json, nullptr, false);
  if (jwks.is_discarded()) {
    throw util::Error("invalid JWKS: not valid JSON");
  }
  if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) {
    throw util::Error(R"(invalid JWKS: expected an object with a "keys" array)");
  }
  const Json& keys = jwks["keys"];
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const Json& jwk = keys[i];
    std::string where = "key " + std::to_string(i);
    try {
      if (!jwk.is_object()) {
        throw util::Error("not an object");
      }
      auto kid = optional_string(jwk, "kid");
      if (kid) {
        where += " (kid \"" + *kid + "\")";
      }
      auto alg = optional_string(jwk, "alg");
      if (auto key = import_public_key(jwk)) {
        m_keys.push_back(Jwk{std::move(kid), std::move(alg), std::move(*key)});
      }
    } catch (const util::Error& error) {
      throw util::Error("invalid JWKS: " + where + ": " + error.what());
    }
  }
}

JwtCheck JwtVerifier::verify(std::string_view token, std::int64_t now_unix) const {
  {
    std::lock_guard lock(m_cache_mutex);
    if (const auto found = m_cache.find(token); found != m_cache.end()) {
      if (static_cast<double>(now_unix) < found->second) {
        return JwtCheck{true, "cached"};
      }
      // Past its `exp`: forget it and let the full check give the real reason.
      m_cache.erase(found);
    }
  }
  double expires_at = 0;
  JwtCheck check = verify_uncached(token, now_unix, expires_at);
  if (check.ok) {
    remember(token, expires_at, now_unix);
  }
  return check;
}

void JwtVerifier::remember(std::string_view token, double expires_at, std::int64_t now_unix) const {
  std::lock_guard lock(m_cache_mutex);
  if (m_cache.size() >= k_cache_capacity) {
    std::erase_if(m_cache, [now_unix](const auto& entry) {
      return static_cast<double>(now_unix) >= entry.second;
    });
  }
  if (m_cache.size() >= k_cache_capacity) {
    // Any victim will do: a miss only costs one signature check.
    m_cache.erase(m_cache.begin());
  }
  m_cache.emplace(std::string(token), expires_at);
}

std::size_t JwtVerifier::cached_token_count() const {
  std::lock_guard lock(m_cache_mutex);
  return m_cache.size();
}

JwtCheck JwtVerifier::verify_uncached(std::string_view token, std::int64_t now_unix,
                                      double& expires_at) const {
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return fail("malformed token: expected 3 segments");
  }
  const std::string_view header_segment = token.substr(0, first_dot);
  const std::string_view payload_segment = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_segment = token.substr(second_dot + 1);
  const std::string_view signing_input = token.substr(0, second_dot);

  const auto header = decode_json_object(header_segment);
  if (!header) {
    return fail("malformed header");
  }
  const auto alg_member = header->find("alg");
  if (alg_member == header->end() || !alg_member->is_string()) {
    return fail("malformed header: missing alg");
  }
  const std::string alg = alg_member->get<std::string>();
  if (iequals(alg, "none")) {
    return fail("alg none rejected");
  }
  // RFC 7515 §4.1.11: extensions we do not understand must not be ignored.
  if (header->contains("crit")) {
    return fail("unsupported crit header");
  }
  std::optional<std::string> kid;
  if (const auto kid_member = header->find("kid"); kid_member != header->end()) {
    if (!kid_member->is_string()) {
      return fail("malformed header: kid is not a string");
    }
    kid = kid_member->get<std::string>();
  }
  const auto signature = util::base64url_decode(signature_segment);
  if (!signature) {
    return fail("malformed signature");
  }

  // Signature before claims, so a forged token never learns whether its claims would pass.
  if (alg == "HS256") {
    if (m_secret.empty()) {
      return fail("no JWT secret configured");
    }
    if (!util::constant_time_equal(util::hmac_sha256(m_secret, signing_input), *signature)) {
      return fail("bad signature");
    }
  } else if (alg == "ES256") {
    const auto der = util::ecdsa_p256_raw_to_der(*signature);
    if (!der) {
      return fail("bad signature");
    }
    JwtCheck check = verify_with_jwks(util::PublicKey::Kind::EcP256, alg, kid, signing_input, *der);
    if (!check.ok) {
      return check;
    }
  } else if (alg == "RS256") {
    JwtCheck check =
        verify_with_jwks(util::PublicKey::Kind::Rsa, alg, kid, signing_input, *signature);
    if (!check.ok) {
      return check;
    }
  } else {
    // The reason goes to the log: name the alg only when it is a short, plain word.
    const bool plain = alg.size() <= 16 && std::all_of(alg.begin(), alg.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) != 0;
                       });
    return fail(plain ? "unsupported alg " + alg : std::string("unsupported alg"));
  }

  const auto payload = decode_json_object(payload_segment);
  if (!payload) {
    return fail("malformed payload");
  }
  std::optional<double> exp;
  std::optional<double> nbf;
  if (!read_time_claim(*payload, "exp", exp)) {
    return fail("invalid exp claim");
  }
  if (!read_time_claim(*payload, "nbf", nbf)) {
    return fail("invalid nbf claim");
  }
  const auto now = static_cast<double>(now_unix);
  if (exp && now >= *exp) {
    return fail("expired");
  }
  if (nbf && now < *nbf) {
    return fail("not yet valid");
  }
  expires_at = exp ? *exp : std::numeric_limits<double>::infinity();
  return JwtCheck{true, "ok"};
}

JwtCheck JwtVerifier::verify_with_jwks(util::PublicKey::Kind kind, const std::string& alg,
                                       const std::optional<std::string>& kid,
                                       std::string_view signing_input,
                                       std::string_view signature) const {
  bool any_candidate = false;
  for (const Jwk& jwk : m_keys) {
    if (jwk.key.kind() != kind || (jwk.alg && *jwk.alg != alg) || (kid && jwk.kid != kid)) {
      continue;
    }
    any_candidate = true;
    if (jwk.key.verify_sha256(signing_input, signature)) {
      return JwtCheck{true, "ok"};
    }
  }
  if (!any_candidate) {
    return fail(kid ? "unknown kid" : "no JWKS key for " + alg);
  }
  return fail("bad signature");
}

AuthOutcome JwtVerifier::check_authorization(std::optional<std::string_view> authorization_header,
                                             std::int64_t now_unix) const {
  // The CLI tests `!authHeader`, so an empty header counts as missing.
  if (!authorization_header || authorization_header->empty()) {
    return AuthOutcome{k_unauthorized, std::string(k_missing_header_body),
                       "missing Authorization header"};
  }
  const std::string_view header = *authorization_header;
  const std::size_t space = header.find(' ');
  const std::string_view scheme = header.substr(0, space);
  const std::string_view token =
      space == std::string_view::npos ? std::string_view() : header.substr(space + 1);
  // Two find() calls, each one memchr over the token: find_first_of runs a memchr per
  // character, and a loop by hand costs ~6 instructions a character (a JWT has ~170).
  const bool has_blank =
      token.find(' ') != std::string_view::npos || token.find('\t') != std::string_view::npos;
  if (!iequals(scheme, "bearer") || token.empty() || has_blank) {
    return AuthOutcome{k_unauthorized, std::string(k_not_bearer_body),
                       "Authorization is not 'Bearer <token>'"};
  }
  if (auto check = verify(token, now_unix); !check.ok) {
    return AuthOutcome{k_unauthorized, std::string(k_invalid_jwt_body),
                       "invalid JWT: " + check.reason};
  }
  return AuthOutcome{};
}

}  // namespace server
