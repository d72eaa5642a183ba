// WebCrypto operations on keys made by op_crypto_keys.cpp: digest, HMAC, signatures,
// ciphers and key derivation, for src/runtime/js/web/subtle.js. The work is synchronous
// (the JavaScript half wraps each result in a promise, as Deno does); failures throw a
// plain Error that JavaScript turns into the spec's OperationError.
#include "runtime/api/crypto_key.hpp"
#include "runtime/api/openssl_handles.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace runtime::api {
namespace {

using crypto::digest_named;
using crypto::Key;
using crypto::key_of;
using crypto::throw_openssl_error;

using Bytes = std::vector<unsigned char>;

// A copy of a BufferSource argument (JavaScript may run before we are done with it only
// through getters, which the JS half has already read, but a copy keeps this simple).
Bytes bytes_arg(const v8::FunctionCallbackInfo<v8::Value>& info, int index) {
  auto view = buffer_source_bytes(info[index]);
  if (!view) {
    return {};
  }
  return Bytes(view->begin(), view->end());
}

void return_bytes(const v8::FunctionCallbackInfo<v8::Value>& info, const Bytes& bytes,
                  std::size_t size) {
  v8::Local<v8::ArrayBuffer> out;
  if (crypto::bytes_to_buffer(info.GetIsolate(), bytes.data(), size).ToLocal(&out)) {
    info.GetReturnValue().Set(out);
  }
}

const EVP_MD* digest_arg(const v8::FunctionCallbackInfo<v8::Value>& info, int index) {
  const EVP_MD* md = digest_named(to_utf8(info.GetIsolate(), info[index]));
  if (md == nullptr) {
    throw_error(info.GetIsolate(), "unsupported hash");
  }
  return md;
}

Key* secret_arg(const v8::FunctionCallbackInfo<v8::Value>& info, int index) {
  Key* key = key_of(info.GetIsolate(), info[index]);
  if (key != nullptr && key->pkey != nullptr) {
    throw_type_error(info.GetIsolate(), "not a secret key");
    return nullptr;
  }
  return key;
}

Key* pkey_arg(const v8::FunctionCallbackInfo<v8::Value>& info, int index) {
  Key* key = key_of(info.GetIsolate(), info[index]);
  if (key != nullptr && key->pkey == nullptr) {
    throw_type_error(info.GetIsolate(), "not an asymmetric key");
    return nullptr;
  }
  return key;
}

// crypto_digest(hash, data) -> ArrayBuffer. Hashes the caller's bytes in place: no copy
// of a large input.
void digest(const v8::FunctionCallbackInfo<v8::Value>& info) {
  const EVP_MD* md = digest_arg(info, 0);
  auto data = buffer_source_bytes(info[1]);
  if (md == nullptr || !data) {
    return;
  }
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (EVP_Digest(data->data(), data->size(), out.data(), &size, md, nullptr) != 1) {
    throw_openssl_error(info.GetIsolate(), "digest failed");
    return;
  }
  return_bytes(info, out, size);
}

bool hmac_of(const v8::FunctionCallbackInfo<v8::Value>& info, Bytes& out, unsigned int& size) {
  const EVP_MD* md = digest_arg(info, 0);
  Key* key = md != nullptr ? secret_arg(info, 1) : nullptr;
  auto data = buffer_source_bytes(info[2]);
  if (key == nullptr || !data) {
    return false;
  }
  out.resize(EVP_MAX_MD_SIZE);
  // HMAC() with a null key pointer would use a static buffer: pass a real (empty) one.
  static const unsigned char empty = 0;
  if (HMAC(md, key->secret != nullptr ? key->secret : &empty, static_cast<int>(key->secret_size),
           reinterpret_cast<const unsigned char*>(data->data()), data->size(), out.data(),
           &size) == nullptr) {
    throw_openssl_error(info.GetIsolate(), "HMAC failed");
    return false;
  }
  return true;
}

// crypto_hmac_sign(hash, handle, data) -> ArrayBuffer.
void hmac_sign(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Bytes out;
  unsigned int size = 0;
  if (hmac_of(info, out, size)) {
    return_bytes(info, out, size);
  }
}

// crypto_hmac_verify(hash, handle, data, signature) -> boolean, in constant time.
void hmac_verify(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Bytes out;
  unsigned int size = 0;
  auto signature = bytes_arg(info, 3);
  if (hmac_of(info, out, size)) {
    info.GetReturnValue().Set(signature.size() == size &&
                              CRYPTO_memcmp(out.data(), signature.data(), size) == 0);
  }
}

// Sets up RSA padding (and PSS salt length) on a signing or verifying context.
bool set_rsa_options(EVP_PKEY_CTX* ctx, std::string_view algorithm, int salt_length) {
  if (algorithm == "RSA-PSS") {
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, salt_length) == 1;
  }
  if (algorithm == "RSASSA-PKCS1-v1_5") {
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
  }
  return true;
}

// The size in bytes of one coordinate of an EC key (r and s of its signatures).
int coordinate_size(EVP_PKEY* pkey) {
  return (EVP_PKEY_get_bits(pkey) + 7) / 8;
}

// What sign and verify both take first: the algorithm, the key and (but for Ed25519)
// the hash. False, with a JavaScript exception pending, when one is unusable.
struct SignatureKey {
  std::string algorithm;
  Key* key = nullptr;
  const EVP_MD* md = nullptr;
};
bool signature_key(const v8::FunctionCallbackInfo<v8::Value>& info, SignatureKey& out) {
  out.algorithm = to_utf8(info.GetIsolate(), info[0]);
  out.key = pkey_arg(info, 1);
  if (out.key == nullptr) {
    return false;
  }
  return out.algorithm == "Ed25519" || (out.md = digest_arg(info, 2)) != nullptr;
}

// crypto_sign(algorithm, handle, hash, data, saltLength) -> ArrayBuffer. Algorithms:
// "RSASSA-PKCS1-v1_5", "RSA-PSS", "ECDSA" (the signature is r || s, as WebCrypto
// wants, not DER), "Ed25519" (hash ignored).
void sign(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  SignatureKey signing;
  if (!signature_key(info, signing)) {
    return;
  }
  const auto& [algorithm, key, md] = signing;
  auto data = bytes_arg(info, 3);
  int salt = static_cast<int>(uint32_arg(info, 4));
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key->pkey) != 1 ||
      !set_rsa_options(pctx, algorithm, salt) ||
      EVP_DigestSign(ctx.get(), nullptr, &size, data.data(), data.size()) != 1) {
    throw_openssl_error(isolate, "signing failed");
    return;
  }
  Bytes out(size);
  if (EVP_DigestSign(ctx.get(), out.data(), &size, data.data(), data.size()) != 1) {
    throw_openssl_error(isolate, "signing failed");
    return;
  }
  if (algorithm == "ECDSA") {
    const unsigned char* cursor = out.data();
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(size));
    if (sig == nullptr) {
      throw_openssl_error(isolate, "signing failed");
      return;
    }
    int n = coordinate_size(key->pkey);
    Bytes raw(static_cast<std::size_t>(n) * 2);
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw.data(), n);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw.data() + n, n);
    ECDSA_SIG_free(sig);
    return_bytes(info, raw, raw.size());
    return;
  }
  return_bytes(info, out, size);
}

// crypto_verify(algorithm, handle, hash, data, signature, saltLength) -> boolean.
void verify(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  SignatureKey signing;
  if (!signature_key(info, signing)) {
    return;
  }
  const auto& [algorithm, key, md] = signing;
  auto data = bytes_arg(info, 3);
  auto signature = bytes_arg(info, 4);
  int salt = static_cast<int>(uint32_arg(info, 5));
  if (algorithm == "ECDSA") {
    // r || s back to the DER OpenSSL verifies; a signature of the wrong size is just false.
    auto n = static_cast<std::size_t>(coordinate_size(key->pkey));
    if (signature.size() != n * 2) {
      info.GetReturnValue().Set(false);
      return;
    }
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(signature.data(), static_cast<int>(n), nullptr);
    BIGNUM* s = BN_bin2bn(signature.data() + n, static_cast<int>(n), nullptr);
    ECDSA_SIG_set0(sig, r, s);
    unsigned char* der = nullptr;
    int length = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    signature.assign(der, der + (length > 0 ? length : 0));
    OPENSSL_free(der);
  }
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key->pkey) != 1 ||
      !set_rsa_options(pctx, algorithm, salt)) {
    throw_openssl_error(isolate, "verification failed");
    return;
  }
  int result =
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size());
  ERR_clear_error();  // a bad signature is an answer, not an error
  info.GetReturnValue().Set(result == 1);
}

// crypto_rsa_oaep(encrypt, handle, hash, label, data) -> ArrayBuffer.
void rsa_oaep(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  bool encrypt = info[0]->BooleanValue(isolate);
  Key* key = pkey_arg(info, 1);
  const EVP_MD* md = key != nullptr ? digest_arg(info, 2) : nullptr;
  if (md == nullptr) {
    return;
  }
  auto label = bytes_arg(info, 3);
  auto data = bytes_arg(info, 4);
  PkeyCtx ctx(EVP_PKEY_CTX_new(key->pkey, nullptr));
  bool ok = ctx &&
            (encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get())) == 1 &&
            EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) == 1 &&
            EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), md) == 1 &&
            EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md) == 1;
  if (ok && !label.empty()) {
    // OpenSSL takes ownership of the label.
    auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(label.data(), label.size()));
    ok = copy != nullptr &&
         EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), copy, static_cast<int>(label.size())) == 1;
  }
  std::size_t size = 0;
  auto run = [&](unsigned char* out) {
    return encrypt ? EVP_PKEY_encrypt(ctx.get(), out, &size, data.data(), data.size())
                   : EVP_PKEY_decrypt(ctx.get(), out, &size, data.data(), data.size());
  };
  if (!ok || run(nullptr) != 1) {
    throw_openssl_error(isolate, encrypt ? "encryption failed" : "decryption failed");
    return;
  }
  Bytes out(size);
  if (run(out.data()) != 1) {
    throw_openssl_error(isolate, encrypt ? "encryption failed" : "decryption failed");
    return;
  }
  return_bytes(info, out, size);
}

const EVP_CIPHER* aes_cipher(std::string_view mode, std::size_t key_size) {
  if (mode == "AES-GCM") {
    return key_size == 16   ? EVP_aes_128_gcm()
           : key_size == 24 ? EVP_aes_192_gcm()
                            : EVP_aes_256_gcm();
  }
  if (mode == "AES-CBC") {
    return key_size == 16   ? EVP_aes_128_cbc()
           : key_size == 24 ? EVP_aes_192_cbc()
                            : EVP_aes_256_cbc();
  }
  if (mode == "AES-KW") {
    return key_size == 16   ? EVP_aes_128_wrap()
           : key_size == 24 ? EVP_aes_192_wrap()
                            : EVP_aes_256_wrap();
  }
  return key_size == 16   ? EVP_aes_128_ecb()
         : key_size == 24 ? EVP_aes_192_ecb()
                          : EVP_aes_256_ecb();
}

// AES-CTR with WebCrypto's counter: only the rightmost `length` bits of the block count,
// wrapping within them (OpenSSL's CTR mode carries into the whole block). The keystream is
// AES-ECB over the counter blocks.
bool aes_ctr(const EVP_CIPHER* ecb, const Key& key, const Bytes& counter, unsigned length,
             const Bytes& data, Bytes& out) {
  std::size_t blocks = (data.size() + 15) / 16;
  if (length < 128 && blocks > (std::size_t{1} << std::min(length, 63U))) {
    return false;  // the counter would repeat
  }
  Bytes stream(blocks * 16);
  Bytes block(counter);
  for (std::size_t b = 0; b < blocks; ++b) {
    std::copy(block.begin(), block.end(), stream.begin() + static_cast<std::ptrdiff_t>(b * 16));
    // Increment the low `length` bits, big-endian.
    unsigned remaining = length;
    for (int i = 15; i >= 0 && remaining > 0; --i) {
      unsigned bits = std::min(remaining, 8U);
      unsigned mask = bits == 8 ? 0xFF : (1U << bits) - 1;
      unsigned value = (block[static_cast<std::size_t>(i)] & mask) + 1;
      block[static_cast<std::size_t>(i)] =
          static_cast<unsigned char>((block[static_cast<std::size_t>(i)] & ~mask) | (value & mask));
      if ((value & mask) != 0) {
        break;  // no carry
      }
      remaining -= bits;
    }
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int size = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), ecb, nullptr, key.secret, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), stream.data(), &size, stream.data(),
                        static_cast<int>(stream.size())) != 1) {
    return false;
  }
  out.resize(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    out[i] = data[i] ^ stream[i];
  }
  return true;
}

// crypto_aes(mode, encrypt, handle, iv, data, additionalData, tagBits, counterLength) ->
// ArrayBuffer. Modes: "AES-GCM" (the tag follows the ciphertext), "AES-CBC" (PKCS#7
// padding), "AES-CTR" (iv is the counter block), "AES-KW" (RFC 3394; iv unused).
void aes(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto mode = to_utf8(isolate, info[0]);
  bool encrypt = info[1]->BooleanValue(isolate);
  Key* key = secret_arg(info, 2);
  if (key == nullptr) {
    return;
  }
  auto iv = bytes_arg(info, 3);
  auto data = bytes_arg(info, 4);
  auto aad = bytes_arg(info, 5);
  int tag_size = static_cast<int>(uint32_arg(info, 6)) / 8;
  const EVP_CIPHER* cipher = aes_cipher(mode, key->secret_size);
  const char* failure = encrypt ? "encryption failed" : "decryption failed";
  Bytes out;
  if (mode == "AES-CTR") {
    if (!aes_ctr(cipher, *key, iv, uint32_arg(info, 7), data, out)) {
      throw_openssl_error(isolate, failure);
      return;
    }
    return_bytes(info, out, out.size());
    return;
  }
  Bytes tag;
  if (mode == "AES-GCM" && !encrypt) {
    if (data.size() < static_cast<std::size_t>(tag_size)) {
      throw_error(isolate, "decryption failed (the data is shorter than the tag)");
      return;
    }
    tag.assign(data.end() - tag_size, data.end());
    data.resize(data.size() - static_cast<std::size_t>(tag_size));
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  bool ok = ctx != nullptr;
  if (ok && mode == "AES-KW") {
    EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  }
  ok = ok && EVP_CipherInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr, encrypt ? 1 : 0) == 1;
  if (ok && mode == "AES-GCM") {
    ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()),
                             nullptr) == 1;
  }
  ok = ok && EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key->secret,
                               mode == "AES-KW" ? nullptr : iv.data(), -1) == 1;
  int size = 0;
  if (ok && mode == "AES-GCM" && !aad.empty()) {
    ok = EVP_CipherUpdate(ctx.get(), nullptr, &size, aad.data(), static_cast<int>(aad.size())) == 1;
  }
  out.resize(data.size() + 32);
  int total = 0;
  if (ok) {
    ok = EVP_CipherUpdate(ctx.get(), out.data(), &size, data.data(),
                          static_cast<int>(data.size())) == 1;
    total = size;
  }
  if (ok && mode == "AES-GCM" && !encrypt) {
    ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_size, tag.data()) == 1;
  }
  if (ok) {
    ok = EVP_CipherFinal_ex(ctx.get(), out.data() + total, &size) == 1;
    total += size;
  }
  if (ok && mode == "AES-GCM" && encrypt) {
    out.resize(static_cast<std::size_t>(total + tag_size));
    ok = EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_size, out.data() + total) == 1;
    total += tag_size;
  }
  if (!ok) {
    throw_openssl_error(isolate, failure);
    return;
  }
  return_bytes(info, out, static_cast<std::size_t>(total));
}

// crypto_derive_shared(privateHandle, publicHandle) -> ArrayBuffer: the whole ECDH or
// X25519 shared secret (JS truncates it to the bits asked for).
void derive_shared(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  Key* mine = pkey_arg(info, 0);
  Key* theirs = mine != nullptr ? pkey_arg(info, 1) : nullptr;
  if (theirs == nullptr) {
    return;
  }
  PkeyCtx ctx(EVP_PKEY_CTX_new(mine->pkey, nullptr));
  std::size_t size = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), theirs->pkey) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &size) != 1) {
    throw_openssl_error(isolate, "key agreement failed");
    return;
  }
  Bytes out(size);
  if (EVP_PKEY_derive(ctx.get(), out.data(), &size) != 1) {
    throw_openssl_error(isolate, "key agreement failed");
    return;
  }
  return_bytes(info, out, size);
  OPENSSL_cleanse(out.data(), out.size());
}

// crypto_pbkdf2(handle, hash, salt, iterations, bits) -> ArrayBuffer. The output's size
// comes from the function, so it is derived straight into a budget-charged buffer.
void pbkdf2(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  Key* key = secret_arg(info, 0);
  const EVP_MD* md = key != nullptr ? digest_arg(info, 1) : nullptr;
  if (md == nullptr) {
    return;
  }
  auto salt = bytes_arg(info, 2);
  std::size_t size = uint32_arg(info, 4) / 8;
  v8::Local<v8::ArrayBuffer> out;
  if (!new_array_buffer(isolate, size).ToLocal(&out)) {
    return;
  }
  static const char empty = 0;
  if (PKCS5_PBKDF2_HMAC(
          key->secret != nullptr ? reinterpret_cast<const char*>(key->secret) : &empty,
          static_cast<int>(key->secret_size), salt.data(), static_cast<int>(salt.size()),
          static_cast<int>(uint32_arg(info, 3)), md, static_cast<int>(size),
          static_cast<unsigned char*>(out->Data())) != 1) {
    throw_openssl_error(isolate, "PBKDF2 failed");
    return;
  }
  info.GetReturnValue().Set(out);
}

// crypto_hkdf(handle, hash, salt, info, bits) -> ArrayBuffer.
void hkdf(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  Key* key = secret_arg(info, 0);
  const EVP_MD* md = key != nullptr ? digest_arg(info, 1) : nullptr;
  if (md == nullptr) {
    return;
  }
  auto salt = bytes_arg(info, 2);
  auto context_info = bytes_arg(info, 3);
  Bytes out(uint32_arg(info, 4) / 8);
  PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  static const unsigned char empty = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), md) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), salt.empty() ? &empty : salt.data(),
                                  static_cast<int>(salt.size())) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), key->secret != nullptr ? key->secret : &empty,
                                 static_cast<int>(key->secret_size)) != 1 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), context_info.data(),
                                  static_cast<int>(context_info.size())) != 1) {
    throw_openssl_error(isolate, "HKDF failed");
    return;
  }
  std::size_t size = out.size();
  if (EVP_PKEY_derive(ctx.get(), out.data(), &size) != 1) {
    throw_openssl_error(isolate, "HKDF failed");
    return;
  }
  return_bytes(info, out, size);
}

}  // namespace

std::vector<Op> crypto_ops() {
  return {{"crypto_digest", digest},
          {"crypto_hmac_sign", hmac_sign},
          {"crypto_hmac_verify", hmac_verify},
          {"crypto_sign", sign},
          {"crypto_verify", verify},
          {"crypto_rsa_oaep", rsa_oaep},
          {"crypto_aes", aes},
          {"crypto_derive_shared", derive_shared},
          {"crypto_pbkdf2", pbkdf2},
          {"crypto_hkdf", hkdf}};
}

}  // namespace runtime::api
