#pragma once

#include "util/crypto.hpp"

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace server {

// The result of checking one token; `reason` is for logs only, never for the client.
struct JwtCheck {
  bool ok = false;
  std::string reason;
};

// What the gateway does with a request: `status` 0 lets it through, anything else is the HTTP
// status to answer with `body` (JSON), matching the Supabase CLI's main service byte for byte.
struct AuthOutcome {
  int status = 0;
  std::string body;
  std::string reason;  // why it was refused, for the server log (never holds the token)
};

// The local-development JWT secret of the Supabase CLI, so the documented demo keys verify.
std::string default_jwt_secret();

// Verifies bearer tokens the way the Supabase CLI's main service does: HS256 against the
// legacy JWT secret, ES256/RS256 against a JWKS, signature plus `exp`/`nbf` only (no `aud`,
// `iss` or role checks). Safe to call from several threads at once.
class JwtVerifier {
 public:
  // Successful verifications remembered at most, so a flood of distinct tokens cannot grow
  // memory without bound.
  static constexpr std::size_t k_cache_capacity = 1024;

  // `jwks_json` is a JWK Set (`{"keys":[...]}`). EC P-256 and RSA keys are used; keys of other
  // types or curves (e.g. the `oct` entry the CLI adds for the legacy secret) and keys whose
  // `use` is not "sig" are ignored. Throws util::Error naming the key on malformed JSON, a
  // missing or non-base64url member, an off-curve point or an RSA key under 2048 bits.
  JwtVerifier(std::string hs256_secret, std::optional<std::string> jwks_json);

  JwtVerifier(const JwtVerifier&) = delete;
  JwtVerifier& operator=(const JwtVerifier&) = delete;

  // Checks `token` at time `now_unix` (seconds). ES256/RS256 tokens with a `kid` are checked
  // only against keys with that `kid`; without one, against every key of the right type.
  JwtCheck verify(std::string_view token, std::int64_t now_unix) const;

  // Applies the whole `Authorization` rule: missing header, `Bearer <token>` shape, token.
  AuthOutcome check_authorization(std::optional<std::string_view> authorization_header,
                                  std::int64_t now_unix) const;

  // Number of tokens currently remembered as valid; exposed for tests and metrics.
  std::size_t cached_token_count() const;

 private:
  struct Jwk {
    std::optional<std::string> kid;
    // When set, the key may only verify tokens of this `alg`.
    std::optional<std::string> alg;
    util::PublicKey key;
  };

  // Lets the cache be probed with the request's string_view without building a std::string.
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  // On success, `expires_at` receives the token's `exp` (infinity when it has none).
  JwtCheck verify_uncached(std::string_view token, std::int64_t now_unix, double& expires_at) const;
  JwtCheck verify_with_jwks(util::PublicKey::Kind kind, const std::string& alg,
                            const std::optional<std::string>& kid, std::string_view signing_input,
                            std::string_view signature) const;
  void remember(std::string_view token, double expires_at, std::int64_t now_unix) const;

  std::string m_secret;
  std::vector<Jwk> m_keys;

  mutable std::mutex m_cache_mutex;
  // Token → `exp`. Honoured only while now < exp, so caching never outlives a token.
  mutable std::unordered_map<std::string, double, TransparentHash, std::equal_to<>> m_cache;
};

}  // namespace server
