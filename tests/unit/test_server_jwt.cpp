#include "project/local_stack.hpp"
#include "server/jwt.hpp"

#include "util/base64.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>
#include <thread>

namespace {

using util::base64url_encode;

constexpr std::int64_t k_now = 1'700'000'000;
constexpr std::string_view k_secret = "test-secret-with-at-least-32-characters!!";

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string bignum_param(EVP_PKEY* key, const char* name) {
  BIGNUM* value = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(key, name, &value) == 1);
  std::string out(static_cast<std::size_t>(BN_num_bytes(value)), '\0');
  BN_bn2bin(value, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(value);
  return out;
}

// DER-encoded signature of SHA-256(`data`) by `key`, as OpenSSL produces it.
std::string der_sign(EVP_PKEY* key, std::string_view data) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  REQUIRE(EVP_DigestSignInit_ex(context, nullptr, "SHA256", nullptr, nullptr, key, nullptr) == 1);
  std::size_t size = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  REQUIRE(EVP_DigestSign(context, nullptr, &size, bytes, data.size()) == 1);
  std::string signature(size, '\0');
  REQUIRE(EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &size, bytes,
                         data.size()) == 1);
  EVP_MD_CTX_free(context);
  signature.resize(size);
  return signature;
}

// An ES256 signer whose JWK is built from the generated key's own parameters.
struct EcKey {
  PkeyPtr key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};

  nlohmann::json jwk(const std::string& kid) const {
    unsigned char point[65];
    std::size_t size = 0;
    REQUIRE(EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, point,
                                            sizeof(point), &size) == 1);
    REQUIRE(size == 65);
    const std::string_view bytes(reinterpret_cast<const char*>(point), size);
    nlohmann::json out = {{"kty", "EC"},
                          {"crv", "P-256"},
                          {"x", base64url_encode(bytes.substr(1, 32))},
                          {"y", base64url_encode(bytes.substr(33, 32))}};
    if (!kid.empty()) {
      out["kid"] = kid;
    }
    return out;
  }

  // JOSE wants r||s, not DER.
  std::string sign(std::string_view data) const {
    const std::string der = der_sign(key.get(), data);
    const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
    ECDSA_SIG* signature = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size()));
    REQUIRE(signature != nullptr);
    std::string raw(64, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    BN_bn2binpad(ECDSA_SIG_get0_r(signature), out, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(signature), out + 32, 32);
    ECDSA_SIG_free(signature);
    return raw;
  }
};

struct RsaKey {
  PkeyPtr key;

  explicit RsaKey(std::size_t bits) : key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits)) {}

  nlohmann::json jwk(const std::string& kid) const {
    nlohmann::json out = {{"kty", "RSA"},
                          {"n", base64url_encode(bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_N))},
                          {"e", base64url_encode(bignum_param(key.get(), OSSL_PKEY_PARAM_RSA_E))}};
    if (!kid.empty()) {
      out["kid"] = kid;
    }
    return out;
  }

  std::string sign(std::string_view data) const { return der_sign(key.get(), data); }
};

// Key generation is the slow part of these tests, so each key is made once.
const EcKey& ec_key() {
  static const EcKey key;
  return key;
}

const EcKey& other_ec_key() {
  static const EcKey key;
  return key;
}

const RsaKey& rsa_key() {
  static const RsaKey key(2048);
  return key;
}

template <typename Sign>
std::string make_token(const nlohmann::json& header, const nlohmann::json& payload, Sign sign) {
  const std::string signing_input =
      base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  return signing_input + "." + base64url_encode(sign(signing_input));
}

std::string hs256_token(const nlohmann::json& payload, std::string_view secret = k_secret) {
  return make_token({{"alg", "HS256"}, {"typ", "JWT"}}, payload,
                    [secret](std::string_view data) { return util::hmac_sha256(secret, data); });
}

std::string es256_token(const EcKey& key, const nlohmann::json& payload,
                        const std::string& kid = "") {
  nlohmann::json header = {{"alg", "ES256"}, {"typ", "JWT"}};
  if (!kid.empty()) {
    header["kid"] = kid;
  }
  return make_token(header, payload, [&key](std::string_view data) { return key.sign(data); });
}

std::string rs256_token(const nlohmann::json& payload, const std::string& kid = "") {
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!kid.empty()) {
    header["kid"] = kid;
  }
  return make_token(header, payload, [](std::string_view data) { return rsa_key().sign(data); });
}

std::string jwks_of(std::initializer_list<nlohmann::json> keys) {
  return nlohmann::json{{"keys", nlohmann::json::array_t(keys)}}.dump();
}

const nlohmann::json k_valid_claims = {{"role", "anon"}, {"exp", k_now + 3600}};

std::string reason(const server::JwtVerifier& verifier, std::string_view token,
                   std::int64_t now = k_now) {
  const server::JwtCheck check = verifier.verify(token, now);
  return check.ok ? "ok" : check.reason;
}

std::string jwks_error(const std::string& jwks) {
  try {
    server::JwtVerifier verifier("", jwks);
  } catch (const util::Error& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

// The JOSE building blocks in util/ are checked here, next to their only user so far.
TEST_SUITE_BEGIN("util");

TEST_CASE("util::base64url_encode and base64url_decode") {
  // RFC 4648 §10 vectors, without padding.
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}};
  for (const auto& [bytes, text] : vectors) {
    CHECK(base64url_encode(bytes) == text);
    CHECK(util::base64url_decode(text) == bytes);
  }
  CHECK_FALSE(util::base64url_decode("Zg=="));
  CHECK_FALSE(util::base64url_decode("+/8"));
  CHECK_FALSE(util::base64url_decode("Zm9vY"));
  // "Zh" spells "f" with non-zero spare bits.
  CHECK_FALSE(util::base64url_decode("Zh"));
}

TEST_CASE("util::hmac_sha256 and constant_time_equal") {
  const auto hex = [](std::string_view bytes) {
    std::string out;
    for (const unsigned char c : bytes) {
      out += "0123456789abcdef"[c >> 4];
      out += "0123456789abcdef"[c & 0xf];
    }
    return out;
  };
  // RFC 4231 test case 2.
  CHECK(hex(util::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hex(util::hmac_sha256("", "")) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  CHECK(util::constant_time_equal("abc", "abc"));
  CHECK_FALSE(util::constant_time_equal("abc", "abd"));
  CHECK_FALSE(util::constant_time_equal("abc", "abcd"));
}

TEST_CASE("util::ecdsa_p256_raw_to_der") {
  // r has its top bit set (needs a zero pad byte); s is 1 (leading zeros dropped).
  std::string raw(64, '\0');
  raw[0] = '\x80';
  raw[63] = '\x01';
  std::string expected = "\x30\x26\x02\x21";
  expected += std::string(1, '\0') + raw.substr(0, 32) + "\x02\x01\x01";
  CHECK(util::ecdsa_p256_raw_to_der(raw) == expected);
  CHECK_FALSE(util::ecdsa_p256_raw_to_der(raw.substr(1)));
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("server");

TEST_CASE("server::JwtVerifier accepts the documented demo keys with the default secret") {
  const server::JwtVerifier verifier(server::default_jwt_secret(), std::nullopt);
  CHECK(server::default_jwt_secret() == "super-secret-jwt-token-with-at-least-32-characters-long");
  CHECK(reason(verifier, project::demo_anon_key()) == "ok");
  CHECK(reason(verifier, project::demo_service_role_key()) == "ok");
  // Both expire at 1983812996 (2032-11-12).
  CHECK(reason(verifier, project::demo_anon_key(), 1983812996) == "expired");

  const server::JwtVerifier other("another-secret-another-secret-another", std::nullopt);
  CHECK(reason(other, project::demo_anon_key()) == "bad signature");
}

TEST_CASE("server::JwtVerifier HS256 signature checks") {
  const server::JwtVerifier verifier(std::string(k_secret), std::nullopt);
  const std::string good = hs256_token(k_valid_claims);
  CHECK(reason(verifier, good) == "ok");
  CHECK(reason(verifier, hs256_token(k_valid_claims, "wrong-secret")) == "bad signature");

  // Same signature, different payload.
  const std::string forged_payload = base64url_encode(R"({"role":"service_role"})");
  const std::size_t first = good.find('.');
  const std::size_t second = good.find('.', first + 1);
  const std::string tampered = good.substr(0, first + 1) + forged_payload + good.substr(second);
  CHECK(reason(verifier, tampered) == "bad signature");

  const server::JwtVerifier no_secret("", std::nullopt);
  CHECK(reason(no_secret, good) == "no JWT secret configured");
}

TEST_CASE("server::JwtVerifier enforces exp and nbf") {
  const server::JwtVerifier verifier(std::string(k_secret), std::nullopt);
  const std::string expiring = hs256_token({{"exp", k_now}});
  CHECK(reason(verifier, expiring, k_now - 1) == "ok");
  CHECK(reason(verifier, expiring, k_now) == "expired");
  CHECK(reason(verifier, expiring, k_now + 1) == "expired");

  const std::string later = hs256_token({{"nbf", k_now}, {"exp", k_now + 10}});
  CHECK(reason(verifier, later, k_now - 1) == "not yet valid");
  CHECK(reason(verifier, later, k_now) == "ok");

  CHECK(reason(verifier, hs256_token({{"exp", k_now + 0.5}})) == "ok");
  CHECK(reason(verifier, hs256_token({{"exp", std::to_string(k_now + 10)}})) ==
        "invalid exp claim");
  CHECK(reason(verifier, hs256_token({{"nbf", "soon"}})) == "invalid nbf claim");
  CHECK(reason(verifier, hs256_token({{"role", "no-time-claims"}})) == "ok");
}

TEST_CASE("server::JwtVerifier rejects alg none, unknown algs and malformed tokens") {
  const server::JwtVerifier verifier(std::string(k_secret), std::nullopt);
  const std::string payload = base64url_encode(nlohmann::json(k_valid_claims).dump());
  CHECK(reason(verifier, base64url_encode(R"({"alg":"none"})") + "." + payload + ".") ==
        "alg none rejected");
  CHECK(reason(verifier, base64url_encode(R"({"alg":"None"})") + "." + payload + ".") ==
        "alg none rejected");
  CHECK(reason(verifier, make_token({{"alg", "HS512"}}, k_valid_claims, [](std::string_view data) {
                 return util::hmac_sha256(k_secret, data);
               })) == "unsupported alg HS512");
  CHECK(reason(verifier, make_token({{"alg", "HS256"}, {"crit", {"exp"}}}, k_valid_claims,
                                    [](std::string_view data) {
                                      return util::hmac_sha256(k_secret, data);
                                    })) == "unsupported crit header");

  const std::string good = hs256_token(k_valid_claims);
  CHECK(reason(verifier, "") == "malformed token: expected 3 segments");
  CHECK(reason(verifier, "abc.def") == "malformed token: expected 3 segments");
  CHECK(reason(verifier, good + ".extra") == "malformed token: expected 3 segments");
  CHECK(reason(verifier, "!!!." + payload + ".sig") == "malformed header");
  CHECK(reason(verifier, base64url_encode("not json") + "." + payload + ".sig") ==
        "malformed header");
  CHECK(reason(verifier, base64url_encode("[1]") + "." + payload + ".sig") == "malformed header");
  CHECK(reason(verifier, base64url_encode(R"({"typ":"JWT"})") + "." + payload + ".sig") ==
        "malformed header: missing alg");
  CHECK(reason(verifier, base64url_encode(R"({"alg":"HS256","kid":7})") + "." + payload + ".sig") ==
        "malformed header: kid is not a string");
  CHECK(reason(verifier, good.substr(0, good.rfind('.')) + ".a+b/") == "malformed signature");
  CHECK(reason(verifier, make_token({{"alg", "HS256"}}, nlohmann::json::array({1, 2}),
                                    [](std::string_view data) {
                                      return util::hmac_sha256(k_secret, data);
                                    })) == "malformed payload");
}

TEST_CASE("server::JwtVerifier ES256 against a JWKS") {
  const server::JwtVerifier verifier("",
                                     jwks_of({ec_key().jwk("ec-1"), other_ec_key().jwk("ec-2")}));
  CHECK(reason(verifier, es256_token(ec_key(), k_valid_claims, "ec-1")) == "ok");
  CHECK(reason(verifier, es256_token(other_ec_key(), k_valid_claims, "ec-2")) == "ok");
  // Without a kid, every EC key is tried.
  CHECK(reason(verifier, es256_token(other_ec_key(), k_valid_claims)) == "ok");
  // Signed by one key but claiming the other's kid.
  CHECK(reason(verifier, es256_token(other_ec_key(), k_valid_claims, "ec-1")) == "bad signature");
  CHECK(reason(verifier, es256_token(ec_key(), k_valid_claims, "ec-9")) == "unknown kid");
  CHECK(reason(verifier, es256_token(ec_key(), {{"exp", k_now}}, "ec-1")) == "expired");

  // A flipped bit in s, and a signature of the wrong length.
  const std::string good = es256_token(ec_key(), k_valid_claims, "ec-1");
  const std::string signing_input = good.substr(0, good.rfind('.'));
  std::string raw = *util::base64url_decode(good.substr(good.rfind('.') + 1));
  raw[40] = static_cast<char>(raw[40] ^ 0x01);
  CHECK(reason(verifier, signing_input + "." + base64url_encode(raw)) == "bad signature");
  CHECK(reason(verifier, signing_input + "." + base64url_encode(raw.substr(0, 63))) ==
        "bad signature");

  // No JWKS at all, or one without EC keys.
  const server::JwtVerifier secret_only(std::string(k_secret), std::nullopt);
  CHECK(reason(secret_only, es256_token(ec_key(), k_valid_claims)) == "no JWKS key for ES256");
  CHECK(reason(secret_only, good) == "unknown kid");
  const server::JwtVerifier rsa_only("", jwks_of({rsa_key().jwk("rsa-1")}));
  CHECK(reason(rsa_only, es256_token(ec_key(), k_valid_claims)) == "no JWKS key for ES256");
}

TEST_CASE("server::JwtVerifier RS256 against a JWKS") {
  const server::JwtVerifier verifier(std::string(k_secret),
                                     jwks_of({ec_key().jwk("ec-1"), rsa_key().jwk("rsa-1")}));
  CHECK(reason(verifier, rs256_token(k_valid_claims, "rsa-1")) == "ok");
  CHECK(reason(verifier, rs256_token(k_valid_claims)) == "ok");
  CHECK(reason(verifier, rs256_token(k_valid_claims, "rsa-2")) == "unknown kid");
  // The kid exists, but for the other key type.
  CHECK(reason(verifier, rs256_token(k_valid_claims, "ec-1")) == "unknown kid");
  // HS256 still works alongside a JWKS.
  CHECK(reason(verifier, hs256_token(k_valid_claims)) == "ok");

  const std::string good = rs256_token(k_valid_claims, "rsa-1");
  std::string raw = *util::base64url_decode(good.substr(good.rfind('.') + 1));
  raw[10] = static_cast<char>(raw[10] ^ 0x01);
  CHECK(reason(verifier, good.substr(0, good.rfind('.') + 1) + base64url_encode(raw)) ==
        "bad signature");
}

TEST_CASE("server::JwtVerifier honours a JWK's alg and skips keys it cannot use") {
  nlohmann::json restricted = ec_key().jwk("ec-1");
  restricted["alg"] = "ES384";
  nlohmann::json encryption = other_ec_key().jwk("ec-2");
  encryption["use"] = "enc";
  const nlohmann::json p384 = {{"kty", "EC"}, {"crv", "P-384"}, {"x", "AA"}, {"y", "AA"}};
  const nlohmann::json oct = {{"kty", "oct"}, {"k", "c2VjcmV0"}};
  const server::JwtVerifier verifier("", jwks_of({restricted, encryption, p384, oct}));
  CHECK(reason(verifier, es256_token(ec_key(), k_valid_claims, "ec-1")) == "unknown kid");
  CHECK(reason(verifier, es256_token(other_ec_key(), k_valid_claims)) == "no JWKS key for ES256");

  nlohmann::json matching = ec_key().jwk("ec-1");
  matching["alg"] = "ES256";
  matching["use"] = "sig";
  const server::JwtVerifier accepting("", jwks_of({matching}));
  CHECK(reason(accepting, es256_token(ec_key(), k_valid_claims, "ec-1")) == "ok");
}

TEST_CASE("server::JwtVerifier rejects a malformed JWKS") {
  CHECK(jwks_error("not json") == "invalid JWKS: not valid JSON");
  CHECK(jwks_error("[]") == R"(invalid JWKS: expected an object with a "keys" array)");
  CHECK(jwks_error(R"({"keys":{}})") == R"(invalid JWKS: expected an object with a "keys" array)");
  CHECK(jwks_error(R"({"keys":[1]})") == "invalid JWKS: key 0: not an object");
  CHECK(jwks_error(R"({"keys":[{"kid":"a"}]})") ==
        R"(invalid JWKS: key 0 (kid "a"): missing "kty")");
  CHECK(jwks_error(R"({"keys":[{"kty":"EC","kid":5}]})") ==
        R"(invalid JWKS: key 0: "kid" must be a string)");
  CHECK(jwks_error(R"({"keys":[{"kty":"EC","x":"AA","y":"AA"}]})") ==
        R"(invalid JWKS: key 0: missing "crv")");

  nlohmann::json no_y = ec_key().jwk("k");
  no_y.erase("y");
  CHECK(jwks_error(jwks_of({no_y})) == R"(invalid JWKS: key 0 (kid "k"): missing "y")");

  nlohmann::json bad_x = ec_key().jwk("k");
  bad_x["x"] = "not base64!";
  CHECK(jwks_error(jwks_of({ec_key().jwk(""), bad_x})) ==
        R"(invalid JWKS: key 1 (kid "k"): "x" is not base64url)");

  nlohmann::json short_x = ec_key().jwk("");
  short_x["x"] = base64url_encode("short");
  CHECK(jwks_error(jwks_of({short_x})) ==
        "invalid JWKS: key 0: P-256 coordinates must be 32 bytes each, got 5 and 32");

  // Swapping x and y almost surely leaves the curve.
  nlohmann::json off_curve = ec_key().jwk("");
  off_curve["x"] = ec_key().jwk("")["y"];
  off_curve["y"] = ec_key().jwk("")["x"];
  const std::string off_curve_error = jwks_error(jwks_of({off_curve}));
  CHECK(off_curve_error.rfind("invalid JWKS: key 0: cannot import EC key: ", 0) == 0);
  CHECK(off_curve_error.find("point is not on curve") != std::string::npos);

  nlohmann::json rsa_no_e = rsa_key().jwk("r");
  rsa_no_e.erase("e");
  CHECK(jwks_error(jwks_of({rsa_no_e})) == R"(invalid JWKS: key 0 (kid "r"): missing "e")");

  const RsaKey weak(1024);
  CHECK(jwks_error(jwks_of({weak.jwk("weak")})) ==
        R"(invalid JWKS: key 0 (kid "weak"): RSA key has 1024 bits, at least 2048 are required)");

  CHECK(jwks_error(R"({"keys":[]})") == "(no error)");
}

TEST_CASE("server::JwtVerifier::check_authorization answers like the CLI's main service") {
  const server::JwtVerifier verifier(std::string(k_secret), std::nullopt);
  const std::string token = hs256_token(k_valid_claims);
  const auto outcome = [&verifier](std::optional<std::string_view> header) {
    const server::AuthOutcome result = verifier.check_authorization(header, k_now);
    return std::to_string(result.status) + " " + result.body;
  };
  const std::string missing = R"(401 {"msg":"Error: Missing authorization header"})";
  const std::string not_bearer = R"(401 {"msg":"Error: Auth header is not 'Bearer {token}'"})";
  const std::string invalid = R"(401 {"msg":"Invalid JWT"})";

  CHECK(outcome(std::nullopt) == missing);
  CHECK(outcome("") == missing);
  CHECK(outcome("Basic dXNlcjpwYXNz") == not_bearer);
  CHECK(outcome("Bearer") == not_bearer);
  CHECK(outcome("Bearer ") == not_bearer);
  CHECK(outcome("Bearer  " + token) == not_bearer);
  CHECK(outcome("Bearer " + token + " extra") == not_bearer);
  CHECK(outcome(token) == not_bearer);
  CHECK(outcome("Bearer not-a-jwt") == invalid);
  CHECK(outcome("Bearer " + hs256_token(k_valid_claims, "wrong-secret")) == invalid);
  CHECK(outcome("Bearer " + hs256_token({{"exp", k_now}})) == invalid);
  CHECK(outcome("Bearer " + token) == "0 ");
  CHECK(outcome("bearer " + token) == "0 ");
  CHECK(outcome("BEARER " + token) == "0 ");
}

TEST_CASE("server::JwtVerifier caches successes but never past exp") {
  const server::JwtVerifier verifier(std::string(k_secret), std::nullopt);
  const std::string token = hs256_token({{"exp", k_now + 60}});
  CHECK(verifier.verify(token, k_now).reason == "ok");
  CHECK(verifier.cached_token_count() == 1);
  CHECK(verifier.verify(token, k_now + 59).reason == "cached");
  CHECK(verifier.verify(token, k_now + 60).reason == "expired");
  CHECK(verifier.cached_token_count() == 0);
  CHECK(verifier.verify(token, k_now + 61).reason == "expired");

  // Failures are never remembered.
  CHECK(reason(verifier, hs256_token(k_valid_claims, "wrong-secret")) == "bad signature");
  CHECK(verifier.cached_token_count() == 0);

  // Tokens without exp stay cached; nbf cannot turn false again as time moves on.
  const std::string forever = hs256_token({{"role", "anon"}});
  CHECK(verifier.verify(forever, k_now).reason == "ok");
  CHECK(verifier.verify(forever, k_now + 1'000'000'000).reason == "cached");
}

TEST_CASE("server::JwtVerifier cache stays bounded") {
  const server::JwtVerifier verifier(std::string(k_secret), std::nullopt);
  const std::size_t extra = 100;
  for (std::size_t i = 0; i < server::JwtVerifier::k_cache_capacity + extra; ++i) {
    // Half expire soon, so eviction can first drop the dead ones.
    const std::int64_t exp = i % 2 == 0 ? k_now + 10 : k_now + 3600;
    REQUIRE(verifier.verify(hs256_token({{"n", i}, {"exp", exp}}), k_now).ok);
  }
  CHECK(verifier.cached_token_count() == server::JwtVerifier::k_cache_capacity);
  REQUIRE(verifier.verify(hs256_token({{"n", "late"}, {"exp", k_now + 3600}}), k_now + 20).ok);
  CHECK(verifier.cached_token_count() <= server::JwtVerifier::k_cache_capacity / 2 + extra);
}

TEST_CASE("server::JwtVerifier is safe to use from several threads") {
  const server::JwtVerifier verifier(std::string(k_secret),
                                     jwks_of({ec_key().jwk("ec-1"), rsa_key().jwk("rsa-1")}));
  const std::vector<std::string> tokens = {hs256_token(k_valid_claims),
                                           es256_token(ec_key(), k_valid_claims, "ec-1"),
                                           rs256_token(k_valid_claims, "rsa-1")};
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string& token = tokens[static_cast<std::size_t>(i + t) % tokens.size()];
        // Alternate fresh and repeated tokens so cache inserts race with lookups.
        const std::string unique = hs256_token({{"t", t}, {"i", i}, {"exp", k_now + 5}});
        if (!verifier.verify(token, k_now).ok || !verifier.verify(unique, k_now).ok) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(failures == 0);
}

TEST_SUITE_END();
