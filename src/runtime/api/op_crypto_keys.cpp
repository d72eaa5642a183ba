// WebCrypto key management: generate, import and export keys, and describe them, for
// src/runtime/js/web/subtle.js. Validation of algorithms and usages is the JavaScript
// half's job; these ops check only what needs the key material itself.
#include "runtime/api/crypto_key.hpp"
#include "runtime/api/openssl_handles.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runtime::api {
namespace {

using crypto::bytes_to_buffer;
using crypto::Key;
using crypto::key_of;
using crypto::new_pkey_handle;
using crypto::throw_openssl_error;

std::string bytes_arg(const v8::FunctionCallbackInfo<v8::Value>& info, int index) {
  auto bytes = buffer_source_bytes(info[index]);
  return bytes ? std::string(*bytes) : std::string();
}

const unsigned char* u8(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// OpenSSL's group name for a WebCrypto named curve; null for any other name.
const char* group_named(std::string_view curve) {
  if (curve == "P-256") {
    return "prime256v1";
  }
  if (curve == "P-384") {
    return "secp384r1";
  }
  if (curve == "P-521") {
    return "secp521r1";
  }
  return nullptr;
}

const char* curve_of(EVP_PKEY* pkey) {
  char group[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &length) != 1) {
    return "";
  }
  std::string_view name(group, length);
  if (name == "prime256v1") {
    return "P-256";
  }
  if (name == "secp384r1") {
    return "P-384";
  }
  if (name == "secp521r1") {
    return "P-521";
  }
  return "";
}

using crypto::public_copy;

void return_pair(const v8::FunctionCallbackInfo<v8::Value>& info, EVP_PKEY* pkey) {
  auto* isolate = info.GetIsolate();
  EVP_PKEY* pub = public_copy(pkey);
  if (pub == nullptr) {
    EVP_PKEY_free(pkey);
    throw_openssl_error(isolate, "key generation failed");
    return;
  }
  v8::Local<v8::Value> pair[] = {new_pkey_handle(isolate, pkey, true),
                                 new_pkey_handle(isolate, pub, false)};
  info.GetReturnValue().Set(v8::Array::New(isolate, pair, 2));
}

// crypto_secret_generate(bytes) -> handle of a random secret.
void secret_generate(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Local<v8::Value> handle;
  if (crypto::new_secret_handle(info.GetIsolate(), nullptr, uint32_arg(info, 0)).ToLocal(&handle)) {
    info.GetReturnValue().Set(handle);
  }
}

// crypto_secret_import(bytes) -> handle holding a copy.
void secret_import(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto bytes = buffer_source_bytes(info[0]);
  if (!bytes) {
    throw_type_error(info.GetIsolate(), "key data is not a BufferSource");
    return;
  }
  v8::Local<v8::Value> handle;
  if (crypto::new_secret_handle(
          info.GetIsolate(), reinterpret_cast<const unsigned char*>(bytes->data()), bytes->size())
          .ToLocal(&handle)) {
    info.GetReturnValue().Set(handle);
  }
}

// crypto_secret_export(handle) -> ArrayBuffer (only for extractable keys: JS checks).
void secret_export(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  Key* key = key_of(isolate, info[0]);
  if (key == nullptr) {
    return;
  }
  v8::Local<v8::ArrayBuffer> out;
  if (bytes_to_buffer(isolate, key->secret, key->secret_size).ToLocal(&out)) {
    info.GetReturnValue().Set(out);
  }
}

// crypto_secret_length(handle) -> length in bytes.
void secret_length(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Key* key = key_of(info.GetIsolate(), info[0]);
  if (key != nullptr) {
    info.GetReturnValue().Set(static_cast<double>(key->secret_size));
  }
}

// crypto_pkey_generate(kind, a, b) -> [private handle, public handle]. `kind` is "RSA"
// (a: modulus bits, b: public exponent bytes), "EC" (a: curve name), "Ed25519" or "X25519".
void pkey_generate(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto kind = to_utf8(isolate, info[0]);
  EVP_PKEY* pkey = nullptr;
  if (kind == "RSA") {
    auto exponent = bytes_arg(info, 2);
    PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr));
    Bn e(BN_bin2bn(u8(exponent), static_cast<int>(exponent.size()), nullptr));
    if (!ctx || !e || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(uint32_arg(info, 1))) != 1 ||
        EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()) != 1 ||
        EVP_PKEY_keygen(ctx.get(), &pkey) != 1) {
      throw_openssl_error(isolate, "RSA key generation failed");
      return;
    }
  } else if (kind == "EC") {
    const char* group = group_named(to_utf8(isolate, info[1]));
    if (group == nullptr) {
      throw_error(isolate, "unsupported named curve");
      return;
    }
    pkey = EVP_EC_gen(group);
  } else if (kind == "Ed25519" || kind == "X25519") {
    pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, kind == "Ed25519" ? "ED25519" : "X25519");
  }
  if (pkey == nullptr) {
    throw_openssl_error(isolate, "key generation failed");
    return;
  }
  return_pair(info, pkey);
}

// crypto_pkey_import(format, data, param) -> handle. Formats: "spki", "pkcs8",
// "raw-ec" (param: curve; an uncompressed or compressed point), "raw-okp" (param:
// "Ed25519" or "X25519"; a raw public key).
void pkey_import(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto format = to_utf8(isolate, info[0]);
  auto data = bytes_arg(info, 1);
  auto param = to_utf8(isolate, info[2]);
  EVP_PKEY* pkey = nullptr;
  bool is_private = false;
  const unsigned char* cursor = u8(data);
  if (format == "spki") {
    pkey = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(data.size()));
  } else if (format == "pkcs8") {
    PKCS8_PRIV_KEY_INFO* p8 =
        d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(data.size()));
    if (p8 != nullptr) {
      pkey = EVP_PKCS82PKEY(p8);
      PKCS8_PRIV_KEY_INFO_free(p8);
    }
    is_private = true;
  } else if (format == "raw-ec") {
    const char* group = group_named(param);
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                         const_cast<char*>(group != nullptr ? group : ""), 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, data.data(), data.size()),
        OSSL_PARAM_construct_end()};
    if (group != nullptr && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1) {
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params);
    }
  } else if (format == "raw-okp") {
    pkey = EVP_PKEY_new_raw_public_key(param == "Ed25519" ? EVP_PKEY_ED25519 : EVP_PKEY_X25519,
                                       nullptr, u8(data), data.size());
  }
  // DER with trailing bytes is not one key.
  if (pkey != nullptr && (format == "spki" || format == "pkcs8") &&
      cursor != u8(data) + data.size()) {
    EVP_PKEY_free(pkey);
    pkey = nullptr;
  }
  if (pkey != nullptr && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
    // A point off the curve is not a key.
    PkeyCtx check(EVP_PKEY_CTX_new(pkey, nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
      EVP_PKEY_free(pkey);
      pkey = nullptr;
    }
  }
  if (pkey == nullptr) {
    throw_openssl_error(isolate, "invalid key data");
    return;
  }
  info.GetReturnValue().Set(new_pkey_handle(isolate, pkey, is_private));
}

// Reads JWK member `name` of `fields` (already base64url-decoded to an ArrayBuffer by JS).
std::optional<std::string> field(v8::Isolate* isolate, v8::Local<v8::Object> fields,
                                 const char* name) {
  v8::Local<v8::Value> value;
  if (!fields->Get(isolate->GetCurrentContext(), v8_str(isolate, name)).ToLocal(&value)) {
    return std::nullopt;
  }
  auto bytes = buffer_source_bytes(value);
  return bytes ? std::optional<std::string>(std::string(*bytes)) : std::nullopt;
}

// crypto_pkey_import_jwk(kty, fields, param) -> handle. `fields` holds the key's members as
// ArrayBuffers: RSA n e [d p q dp dq qi]; EC x y [d] (param: curve); OKP x [d] (param:
// "Ed25519"/"X25519").
void pkey_import_jwk(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto kty = to_utf8(isolate, info[0]);
  if (!info[1]->IsObject()) {
    throw_type_error(isolate, "JWK fields must be an object");
    return;
  }
  auto fields = info[1].As<v8::Object>();
  auto param = to_utf8(isolate, info[2]);
  EVP_PKEY* pkey = nullptr;
  bool is_private = false;
  if (kty == "OKP") {
    auto x = field(isolate, fields, "x");
    auto d = field(isolate, fields, "d");
    int type = param == "Ed25519" ? EVP_PKEY_ED25519 : EVP_PKEY_X25519;
    if (d) {
      pkey = EVP_PKEY_new_raw_private_key(type, nullptr, u8(*d), d->size());
      is_private = true;
      // The public member must be the private key's own public key.
      unsigned char pub[32];
      std::size_t pub_size = sizeof pub;
      if (pkey != nullptr && x &&
          (EVP_PKEY_get_raw_public_key(pkey, pub, &pub_size) != 1 || pub_size != x->size() ||
           std::memcmp(pub, x->data(), pub_size) != 0)) {
        EVP_PKEY_free(pkey);
        pkey = nullptr;
      }
    } else if (x) {
      pkey = EVP_PKEY_new_raw_public_key(type, nullptr, u8(*x), x->size());
    }
  } else {
    std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(OSSL_PARAM_BLD_new(),
                                                                          OSSL_PARAM_BLD_free);
    std::vector<Bn> numbers;  // must outlive the built params
    auto push_bn = [&](const char* key, const std::string& bytes) {
      numbers.emplace_back(BN_bin2bn(u8(bytes), static_cast<int>(bytes.size()), nullptr));
      return numbers.back() && OSSL_PARAM_BLD_push_BN(build.get(), key, numbers.back().get()) == 1;
    };
    bool ok = build != nullptr;
    std::string point;
    const char* type = "RSA";
    if (kty == "RSA") {
      auto n = field(isolate, fields, "n");
      auto e = field(isolate, fields, "e");
      auto d = field(isolate, fields, "d");
      ok = ok && n && e && push_bn(OSSL_PKEY_PARAM_RSA_N, *n) && push_bn(OSSL_PKEY_PARAM_RSA_E, *e);
      if (d) {
        is_private = true;
        ok = ok && push_bn(OSSL_PKEY_PARAM_RSA_D, *d);
        const char* names[][2] = {{"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
                                  {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
                                  {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
                                  {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
                                  {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
        for (auto& [member, key] : names) {
          auto value = field(isolate, fields, member);
          ok = ok && value && push_bn(key, *value);
        }
      }
    } else if (kty == "EC") {
      type = "EC";
      const char* group = group_named(param);
      auto x = field(isolate, fields, "x");
      auto y = field(isolate, fields, "y");
      auto d = field(isolate, fields, "d");
      ok = ok && group != nullptr && x && y && x->size() == y->size();
      if (ok) {
        point = "\x04" + *x + *y;
        ok = OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ==
                 1 &&
             OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                              point.size()) == 1;
      }
      if (d) {
        is_private = true;
        ok = ok && push_bn(OSSL_PKEY_PARAM_PRIV_KEY, *d);
      }
    } else {
      ok = false;
    }
    OSSL_PARAM* params = ok ? OSSL_PARAM_BLD_to_param(build.get()) : nullptr;
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    if (params != nullptr && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1) {
      EVP_PKEY_fromdata(ctx.get(), &pkey, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params);
    }
    OSSL_PARAM_free(params);
    if (pkey != nullptr) {
      PkeyCtx check(EVP_PKEY_CTX_new(pkey, nullptr));
      int valid = !check                      ? 0
                  : is_private && kty == "EC" ? EVP_PKEY_pairwise_check(check.get())
                  : kty == "EC"               ? EVP_PKEY_public_check(check.get())
                                              : 1;
      if (valid != 1) {
        EVP_PKEY_free(pkey);
        pkey = nullptr;
      }
    }
  }
  if (pkey == nullptr) {
    throw_openssl_error(isolate, "invalid JWK key data");
    return;
  }
  info.GetReturnValue().Set(new_pkey_handle(isolate, pkey, is_private));
}

// crypto_pkey_info(handle) -> { type: "RSA" | "EC" | "Ed25519" | "X25519", private,
// modulusLength, publicExponent (Uint8Array), namedCurve }.
void pkey_info(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  Key* key = key_of(isolate, info[0]);
  if (key == nullptr || key->pkey == nullptr) {
    if (key != nullptr) {
      throw_type_error(isolate, "not an asymmetric key");
    }
    return;
  }
  auto out = v8::Object::New(isolate);
  auto set = [&](const char* name, v8::Local<v8::Value> value) {
    std::ignore = out->Set(context, v8_str(isolate, name), value);
  };
  int id = EVP_PKEY_get_base_id(key->pkey);
  const char* type = id == EVP_PKEY_RSA       ? "RSA"
                     : id == EVP_PKEY_EC      ? "EC"
                     : id == EVP_PKEY_ED25519 ? "Ed25519"
                     : id == EVP_PKEY_X25519  ? "X25519"
                                              : "other";
  set("type", v8_str(isolate, type));
  set("private", v8::Boolean::New(isolate, key->is_private));
  if (id == EVP_PKEY_RSA) {
    set("modulusLength", v8::Number::New(isolate, EVP_PKEY_get_bits(key->pkey)));
    BIGNUM* e = nullptr;
    if (EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1) {
      std::vector<unsigned char> bytes(static_cast<std::size_t>(BN_num_bytes(e)));
      BN_bn2bin(e, bytes.data());
      BN_free(e);
      v8::Local<v8::ArrayBuffer> buffer;
      if (!bytes_to_buffer(isolate, bytes.data(), bytes.size()).ToLocal(&buffer)) {
        return;
      }
      set("publicExponent", v8::Uint8Array::New(buffer, 0, bytes.size()));
    }
  } else if (id == EVP_PKEY_EC) {
    set("namedCurve", v8_str(isolate, curve_of(key->pkey)));
  }
  info.GetReturnValue().Set(out);
}

void return_bytes(const v8::FunctionCallbackInfo<v8::Value>& info, const unsigned char* bytes,
                  std::size_t size) {
  v8::Local<v8::ArrayBuffer> out;
  if (bytes_to_buffer(info.GetIsolate(), bytes, size).ToLocal(&out)) {
    info.GetReturnValue().Set(out);
  }
}

// crypto_pkey_export(handle, format) -> ArrayBuffer; format "spki", "pkcs8" or "raw"
// (an EC key's uncompressed point, an OKP key's raw public key).
void pkey_export(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  Key* key = key_of(isolate, info[0]);
  if (key == nullptr || key->pkey == nullptr) {
    return;
  }
  auto format = to_utf8(isolate, info[1]);
  if (format == "spki") {
    unsigned char* der = nullptr;
    int length = i2d_PUBKEY(key->pkey, &der);
    if (length > 0) {
      return_bytes(info, der, static_cast<std::size_t>(length));
      OPENSSL_free(der);
      return;
    }
  } else if (format == "pkcs8") {
    PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(key->pkey);
    unsigned char* der = nullptr;
    int length = p8 != nullptr ? i2d_PKCS8_PRIV_KEY_INFO(p8, &der) : 0;
    PKCS8_PRIV_KEY_INFO_free(p8);
    if (length > 0) {
      return_bytes(info, der, static_cast<std::size_t>(length));
      OPENSSL_clear_free(der, static_cast<std::size_t>(length));
      return;
    }
  } else if (format == "raw") {
    unsigned char buffer[160];
    std::size_t length = sizeof buffer;
    int id = EVP_PKEY_get_base_id(key->pkey);
    bool ok = id == EVP_PKEY_EC
                  ? EVP_PKEY_get_octet_string_param(key->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
                                                    buffer, sizeof buffer, &length) == 1
                  : EVP_PKEY_get_raw_public_key(key->pkey, buffer, &length) == 1;
    if (ok) {
      return_bytes(info, buffer, length);
      return;
    }
  }
  throw_openssl_error(isolate, "key export failed");
}

// The big-endian bytes of `pkey`'s number `name`, left-padded to `pad` bytes when given.
std::optional<std::vector<unsigned char>> bn_param(EVP_PKEY* pkey, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) {
    return std::nullopt;
  }
  int size = pad > 0 ? pad : BN_num_bytes(bn);
  std::vector<unsigned char> out(static_cast<std::size_t>(size));
  BN_bn2binpad(bn, out.data(), size);
  BN_clear_free(bn);
  return out;
}

// crypto_pkey_export_jwk(handle) -> { member: ArrayBuffer } with the key's JWK members
// (RSA n e d p q dp dq qi; EC x y d; OKP x d), private ones only for private keys.
void pkey_export_jwk(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  Key* key = key_of(isolate, info[0]);
  if (key == nullptr || key->pkey == nullptr) {
    return;
  }
  auto out = v8::Object::New(isolate);
  bool failed = false;
  auto set = [&](const char* name, const std::optional<std::vector<unsigned char>>& bytes) {
    v8::Local<v8::ArrayBuffer> buffer;
    if (!bytes || !bytes_to_buffer(isolate, bytes->data(), bytes->size()).ToLocal(&buffer)) {
      failed = true;
      return;
    }
    std::ignore = out->Set(context, v8_str(isolate, name), buffer);
  };
  int id = EVP_PKEY_get_base_id(key->pkey);
  if (id == EVP_PKEY_RSA) {
    set("n", bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_N));
    set("e", bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_E));
    if (key->is_private) {
      set("d", bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_D));
      set("p", bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_FACTOR1));
      set("q", bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_FACTOR2));
      set("dp", bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_EXPONENT1));
      set("dq", bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_EXPONENT2));
      set("qi", bn_param(key->pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1));
    }
  } else if (id == EVP_PKEY_EC) {
    int size = (EVP_PKEY_get_bits(key->pkey) + 7) / 8;
    set("x", bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, size));
    set("y", bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, size));
    if (key->is_private) {
      set("d", bn_param(key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, size));
    }
  } else {
    std::vector<unsigned char> bytes(32);
    std::size_t length = bytes.size();
    set("x", EVP_PKEY_get_raw_public_key(key->pkey, bytes.data(), &length) == 1
                 ? std::optional(bytes)
                 : std::nullopt);
    if (key->is_private) {
      length = bytes.size();
      set("d", EVP_PKEY_get_raw_private_key(key->pkey, bytes.data(), &length) == 1
                   ? std::optional(bytes)
                   : std::nullopt);
    }
    OPENSSL_cleanse(bytes.data(), bytes.size());
  }
  if (failed) {
    throw_openssl_error(isolate, "key export failed");
    return;
  }
  info.GetReturnValue().Set(out);
}

}  // namespace

std::vector<Op> crypto_key_ops() {
  return {{"crypto_secret_generate", secret_generate}, {"crypto_secret_import", secret_import},
          {"crypto_secret_export", secret_export},     {"crypto_secret_length", secret_length},
          {"crypto_pkey_generate", pkey_generate},     {"crypto_pkey_import", pkey_import},
          {"crypto_pkey_import_jwk", pkey_import_jwk}, {"crypto_pkey_info", pkey_info},
          {"crypto_pkey_export", pkey_export},         {"crypto_pkey_export_jwk", pkey_export_jwk}};
}

}  // namespace runtime::api
