#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

// Kept opaque so that including this header does not pull in OpenSSL.
struct evp_pkey_st;

namespace util {

// HMAC-SHA256 of `data` under `key`; returns the 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// Compares without an early exit, so the time taken does not reveal how long a prefix of a
// forged MAC was right.
bool constant_time_equal(std::string_view a, std::string_view b);

// Converts a JOSE ECDSA P-256 signature (raw r||s, 32 bytes each) to the DER ECDSA-Sig-Value
// that OpenSSL verifies. Returns nullopt unless `raw` is exactly 64 bytes.
std::optional<std::string> ecdsa_p256_raw_to_der(std::string_view raw);

// A public key that can check SHA-256 signatures. Immutable once built, so one instance may
// be used from several threads at once.
class PublicKey {
 public:
  enum class Kind { EcP256, Rsa };

  // Builds a P-256 key from the big-endian affine coordinates `x` and `y` (32 bytes each).
  // Throws util::Error if they are the wrong size or not a point on the curve.
  static PublicKey ec_p256(std::string_view x, std::string_view y);

  // Builds an RSA key from the big-endian modulus `n` and public exponent `e`.
  // Throws util::Error if either is empty or OpenSSL rejects the pair.
  static PublicKey rsa(std::string_view n, std::string_view e);

  Kind kind() const { return m_kind; }

  // Size of the key in bits (the modulus for RSA, the curve order for EC).
  int bits() const;

  // Checks `signature` over SHA-256(`data`): DER ECDSA-Sig-Value for EC keys, PKCS #1 v1.5
  // for RSA keys. Any failure, including a garbled signature, is just `false`.
  bool verify_sha256(std::string_view data, std::string_view signature) const;

 private:
  struct Deleter {
    void operator()(evp_pkey_st* key) const;
  };

  PublicKey(Kind kind, evp_pkey_st* key);

  Kind m_kind;
  // Shared so that copies of a key (e.g. in a copied JWKS) cost a reference count, not a
  // re-import.
  std::shared_ptr<evp_pkey_st> m_key;
};

}  // namespace util
