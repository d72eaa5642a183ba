#include "util/crypto.hpp"

#include "util/error.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

namespace util {

namespace {

constexpr std::size_t k_sha256_size = 32;
constexpr std::size_t k_p256_coordinate_size = 32;

template <typename T, void (*Free)(T*)>
struct OsslDeleter {
  void operator()(T* pointer) const { Free(pointer); }
};

using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, OsslDeleter<EVP_MAC_CTX, EVP_MAC_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OsslDeleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using ParamBldPtr =
    std::unique_ptr<OSSL_PARAM_BLD, OsslDeleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, OsslDeleter<OSSL_PARAM, OSSL_PARAM_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OsslDeleter<BIGNUM, BN_free>>;

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// The last OpenSSL error as text, and the queue cleared so that it cannot leak into an
// unrelated later failure message on this thread.
std::string take_openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return "unknown OpenSSL error";
  }
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

// Fetching an algorithm walks the provider tables; doing it once keeps HMAC cheap on the
// request path. The object is never freed on purpose: it lives as long as the process.
EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const k_mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (k_mac == nullptr) {
    throw Error("OpenSSL has no HMAC implementation: " + take_openssl_error());
  }
  return k_mac;
}

PkeyPtr key_from_params(const char* type_name, OSSL_PARAM_BLD* builder) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(builder));
  PkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, type_name, nullptr));
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) <= 0) {
    throw Error(std::string("cannot import ") + type_name + " key: " + take_openssl_error());
  }
  EVP_PKEY* raw_key = nullptr;
  if (EVP_PKEY_fromdata(context.get(), &raw_key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    throw Error(std::string("cannot import ") + type_name + " key: " + take_openssl_error());
  }
  PkeyPtr key(raw_key);
  // fromdata takes the numbers on trust; an off-curve EC point would otherwise only show up
  // as every signature failing, or worse, as an invalid-curve attack surface.
  PkeyCtxPtr check_context(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check_context || EVP_PKEY_public_check(check_context.get()) <= 0) {
    throw Error(std::string("invalid ") + type_name + " public key: " + take_openssl_error());
  }
  return key;
}

// Appends one DER INTEGER holding the unsigned big-endian `value`.
void append_der_integer(std::string& out, std::string_view value) {
  std::size_t start = 0;
  while (start + 1 < value.size() && value[start] == 0) {
    ++start;
  }
  value.remove_prefix(start);
  // DER integers are signed: a set top bit needs a zero byte in front to stay positive.
  const bool needs_pad = (static_cast<unsigned char>(value[0]) & 0x80) != 0;
  out += '\x02';
  out += static_cast<char>(value.size() + (needs_pad ? 1 : 0));
  if (needs_pad) {
    out += '\0';
  }
  out += value;
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  MacCtxPtr context(EVP_MAC_CTX_new(hmac_algorithm()));
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  // OpenSSL refuses a null key pointer even with length zero, and an empty HMAC key is legal.
  static const unsigned char k_empty = 0;
  const unsigned char* key_bytes = key.empty() ? &k_empty : bytes_of(key);
  std::string out(k_sha256_size, '\0');
  std::size_t out_size = 0;
  if (!context || EVP_MAC_init(context.get(), key_bytes, key.size(), params) <= 0 ||
      EVP_MAC_update(context.get(), bytes_of(data), data.size()) <= 0 ||
      EVP_MAC_final(context.get(), reinterpret_cast<unsigned char*>(out.data()), &out_size,
                    out.size()) <= 0) {
    throw Error("HMAC-SHA256 failed: " + take_openssl_error());
  }
  out.resize(out_size);
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> ecdsa_p256_raw_to_der(std::string_view raw) {
  if (raw.size() != 2 * k_p256_coordinate_size) {
    return std::nullopt;
  }
  std::string body;
  append_der_integer(body, raw.substr(0, k_p256_coordinate_size));
  append_der_integer(body, raw.substr(k_p256_coordinate_size));
  // Two integers of at most 33 bytes each keep the sequence under 128 bytes, so the short
  // length form always applies.
  std::string out = "\x30";
  out += static_cast<char>(body.size());
  out += body;
  return out;
}

void PublicKey::Deleter::operator()(evp_pkey_st* key) const {
  EVP_PKEY_free(key);
}

PublicKey::PublicKey(Kind kind, evp_pkey_st* key) : m_kind(kind), m_key(key, Deleter{}) {}

PublicKey PublicKey::ec_p256(std::string_view x, std::string_view y) {
  if (x.size() != k_p256_coordinate_size || y.size() != k_p256_coordinate_size) {
    throw Error("P-256 coordinates must be 32 bytes each, got " + std::to_string(x.size()) +
                " and " + std::to_string(y.size()));
  }
  // SEC 1 uncompressed point: 0x04 || x || y.
  std::string point = "\x04";
  point += x;
  point += y;
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) <= 0 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) <= 0) {
    throw Error("cannot import EC key: " + take_openssl_error());
  }
  return PublicKey(Kind::EcP256, key_from_params("EC", builder.get()).release());
}

PublicKey PublicKey::rsa(std::string_view n, std::string_view e) {
  if (n.empty() || e.empty()) {
    throw Error("RSA modulus and exponent must not be empty");
  }
  BignumPtr modulus(BN_bin2bn(bytes_of(n), static_cast<int>(n.size()), nullptr));
  BignumPtr exponent(BN_bin2bn(bytes_of(e), static_cast<int>(e.size()), nullptr));
  ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!modulus || !exponent || !builder ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) <= 0 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) <= 0) {
    throw Error("cannot import RSA key: " + take_openssl_error());
  }
  return PublicKey(Kind::Rsa, key_from_params("RSA", builder.get()).release());
}

int PublicKey::bits() const {
  return EVP_PKEY_get_bits(m_key.get());
}

bool PublicKey::verify_sha256(std::string_view data, std::string_view signature) const {
  MdCtxPtr context(EVP_MD_CTX_new());
  const bool ok = context &&
                  EVP_DigestVerifyInit_ex(context.get(), nullptr, "SHA256", nullptr, nullptr,
                                          m_key.get(), nullptr) > 0 &&
                  EVP_DigestVerify(context.get(), bytes_of(signature), signature.size(),
                                   bytes_of(data), data.size()) == 1;
  // A failed check leaves entries on the thread's error queue; they are expected here.
  ERR_clear_error();
  return ok;
}

}  // namespace util
