// Fuzzes server::JwtVerifier, which sees every bearer token sent to `sbfn serve`.
// An input starting with `{` is a JWKS handed to the constructor (SUPABASE_JWKS); any other
// input is an `Authorization` header value checked against a verifier with a fixed HS256
// secret and a fixed JWKS (one ES256 and one RS256 key), at a fixed time.
#include "server/jwt.hpp"

#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

constexpr std::int64_t k_now = 1'700'000'000;
constexpr std::string_view k_secret = "super-secret-jwt-token-with-at-least-32-characters-long";

// Public halves of keys generated once for the seed corpus (fuzz/corpus/jwt holds tokens
// they signed, so the fuzzer starts from inputs that reach the signature checks).
constexpr std::string_view k_jwks = R"({"keys":[
{"kty":"EC","crv":"P-256","kid":"ec-1","use":"sig","alg":"ES256",
 "x":"Hweva8HuL8YuUMhj3JKLcLSMJraOCfWJNk_Pzk3qdSM","y":"p0IRQX7UqE5IT8NYGviNOUhgeEOq87QwL1n2VI3Cj9k"},
{"kty":"RSA","kid":"rsa-1","use":"sig","alg":"RS256","e":"AQAB",
 "n":"veqVbUgOzcUJD3G6Py96IQ-IBPbUEnXUg1pCtSiR1UPlYeSoJ7UxEGuWKtMZ9VOukLBdXyNyhj-tpdcUONl_qIx76Uti8piABdeHDY-NaCi6ST-FJe6sNqCU80NHhln4Q9OyR5KgHAT8J4Z7B4SkG7znOhbexm01fUMkKUxI1jYiZ84C53axZvfSkAaxuhH3wN1hwyqwB-iLxc7J0ndOVEYwON_mijNp4KQLpl4nJMxYeq1qH9aJYFWhJ4V-BKzIFfOR0Dp1xQk0Fgwnring70V1jhvbN3D3olAzFsJrpwF5NFPPreYJBoseXl3XNmzwE1krbXY4vQ39US93ITCiRw"}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!input.empty() && input.front() == '{') {
    try {
      const server::JwtVerifier verifier{std::string(k_secret), std::string(input)};
    } catch (const util::Error&) {
      // A malformed JWKS is refused with util::Error; anything else escaping is a bug.
    }
    return 0;
  }
  // Built once: importing the RSA key per input would cut the rate a hundredfold. Its cache
  // of valid tokens can only ever hold the seed tokens (the fuzzer cannot forge signatures),
  // and a cached answer equals the uncached one, so results do not depend on input order.
  static const server::JwtVerifier verifier{std::string(k_secret), std::string(k_jwks)};
  verifier.check_authorization(input, k_now);
  // Also the bare token, as verify() is reached without the `Bearer ` prefix.
  verifier.verify(input, k_now);
  return 0;
}
