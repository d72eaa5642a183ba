// node:crypto's asymmetric keys over the runtime's own key handles (crypto_key.hpp, the
// ones crypto.subtle's CryptoKeys hold), so a KeyObject and a CryptoKey share one native
// key: PEM/DER import and export (OpenSSL's decoders and encoders, with passphrases),
// key generation by OpenSSL's names, Node's key details, sign/verify with Node's options
// (RSA padding and salt length, ECDSA's DER or IEEE P1363 signatures), RSA encryption
// with Node's paddings, and EC points for createECDH.
#include "runtime/api/crypto_key.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/openssl_handles.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <vector>

namespace runtime::api {
namespace {

using crypto::Key;

std::string bytes_of(v8::Local<v8::Value> value) {
  auto view = buffer_source_bytes(value);
  return view ? std::string(*view) : std::string();
}

const unsigned char* u8(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void return_bytes(const v8::FunctionCallbackInfo<v8::Value>& info, const unsigned char* bytes,
                  std::size_t size) {
  v8::Local<v8::ArrayBuffer> out;
  if (crypto::bytes_to_buffer(info.GetIsolate(), bytes, size).ToLocal(&out)) {
    info.GetReturnValue().Set(v8::Uint8Array::New(out, 0, size));
  }
}

Key* pkey_arg(const v8::FunctionCallbackInfo<v8::Value>& info, int index) {
  Key* key = crypto::key_of(info.GetIsolate(), info[index]);
  if (key != nullptr && key->pkey == nullptr) {
    throw_type_error(info.GetIsolate(), "not an asymmetric key");
    return nullptr;
  }
  return key;
}

using crypto::public_copy;

// OpenSSL's decoders over `data` (PEM or DER) for `selection`; null when nothing decodes.
EVP_PKEY* decode(const std::string& data, const char* input, const char* structure, int selection,
                 const std::string* passphrase) {
  EVP_PKEY* pkey = nullptr;
  OSSL_DECODER_CTX* ctx =
      OSSL_DECODER_CTX_new_for_pkey(&pkey, input, structure, nullptr, selection, nullptr, nullptr);
  if (ctx == nullptr) {
    return nullptr;
  }
  if (passphrase != nullptr) {
    OSSL_DECODER_CTX_set_passphrase(ctx, u8(*passphrase), passphrase->size());
  }
  const unsigned char* cursor = u8(data);
  std::size_t left = data.size();
  if (OSSL_DECODER_from_data(ctx, &cursor, &left) != 1) {
    EVP_PKEY_free(pkey);
    pkey = nullptr;
  }
  OSSL_DECODER_CTX_free(ctx);
  return pkey;
}

// The key in a PEM certificate's SubjectPublicKeyInfo (createPublicKey takes certificates).
EVP_PKEY* certificate_key(const std::string& data) {
  BIO* bio = BIO_new_mem_buf(data.data(), static_cast<int>(data.size()));
  X509* cert = bio != nullptr ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  EVP_PKEY* pkey = cert != nullptr ? X509_get_pubkey(cert) : nullptr;
  X509_free(cert);
  return pkey;
}

// Answers an import: a handle owning `pkey`, or "invalid" (JavaScript throws Node's error
// for the format) when OpenSSL made no key of the input. Clears OpenSSL's error queue.
void return_key(const v8::FunctionCallbackInfo<v8::Value>& info, EVP_PKEY* pkey, bool is_private) {
  auto* isolate = info.GetIsolate();
  ERR_clear_error();
  info.GetReturnValue().Set(pkey == nullptr ? v8::Local<v8::Value>(v8_str(isolate, "invalid"))
                                            : crypto::new_pkey_handle(isolate, pkey, is_private));
}

// node_key_parse(private, format, type, data, passphrase | undefined) -> handle, or a
// string: "passphrase" (an encrypted key and no or a wrong passphrase), "invalid".
// `format` is "pem" or "der"; `type` "spki", "pkcs1", "pkcs8", "sec1" or "" (any). A
// public key asked of a private one (createPublicKey(privatePem)) is its public half.
void key_parse(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  bool want_private = info[0]->BooleanValue(isolate);
  auto format = to_utf8(isolate, info[1]);
  auto type = to_utf8(isolate, info[2]);
  auto data = bytes_of(info[3]);
  std::string passphrase;
  bool has_passphrase = !info[4]->IsUndefined() && !info[4]->IsNull();
  if (has_passphrase) {
    passphrase = bytes_of(info[4]);
  }
  const char* input = format == "der" ? "DER" : "PEM";
  const char* structure = nullptr;
  if (format == "der") {
    structure = type == "spki"    ? "SubjectPublicKeyInfo"
                : type == "pkcs8" ? nullptr  // plain or encrypted PrivateKeyInfo
                : type == "pkcs1" ? "type-specific"
                : type == "sec1"  ? "type-specific"
                                  : nullptr;
  }
  EVP_PKEY* pkey = nullptr;
  bool is_private = false;
  if (!want_private) {
    pkey = decode(data, input, structure, EVP_PKEY_PUBLIC_KEY, nullptr);
    if (pkey == nullptr && format == "der" && type == "pkcs1") {
      const unsigned char* cursor = u8(data);
      pkey = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(data.size()));
    }
    if (pkey == nullptr && format == "pem") {
      pkey = certificate_key(data);
    }
  }
  if (pkey == nullptr) {
    ERR_clear_error();
    EVP_PKEY* full =
        decode(data, input, structure, EVP_PKEY_KEYPAIR, has_passphrase ? &passphrase : nullptr);
    if (full == nullptr && format == "der" && type == "sec1") {
      const unsigned char* cursor = u8(data);
      full = d2i_PrivateKey(EVP_PKEY_EC, nullptr, &cursor, static_cast<long>(data.size()));
    }
    if (full == nullptr && format == "der" && type == "pkcs1") {
      const unsigned char* cursor = u8(data);
      full = d2i_PrivateKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(data.size()));
    }
    if (full == nullptr) {
      bool encrypted = data.find("ENCRYPTED") != std::string::npos ||
                       data.find("Proc-Type: 4,ENCRYPTED") != std::string::npos;
      ERR_clear_error();
      info.GetReturnValue().Set(
          v8_str(isolate, encrypted || (format == "der" && type == "pkcs8" && has_passphrase)
                              ? "passphrase"
                              : "invalid"));
      return;
    }
    if (want_private) {
      pkey = full;
      is_private = true;
    } else {
      pkey = public_copy(full);
      EVP_PKEY_free(full);
    }
  }
  return_key(info, pkey, is_private);
}

// node_key_export(handle, format, type, cipher | undefined, passphrase | undefined) ->
// Uint8Array (PEM text or DER). `type`: "spki", "pkcs1", "pkcs8" or "sec1"; a private
// key's public half for "spki" (and "pkcs1" of a public key).
void key_export(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  Key* key = pkey_arg(info, 0);
  if (key == nullptr) {
    return;
  }
  auto format = to_utf8(isolate, info[1]);
  auto type = to_utf8(isolate, info[2]);
  bool public_part = type == "spki" || !key->is_private;
  int selection = public_part ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR;
  bool has_cipher = !info[3]->IsUndefined() && !info[3]->IsNull();
  const char* structure = type == "spki" ? "SubjectPublicKeyInfo"
                          : type == "pkcs8"
                              ? (has_cipher ? "EncryptedPrivateKeyInfo" : "PrivateKeyInfo")
                              : "type-specific";
  OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(
      key->pkey, selection, format == "der" ? "DER" : "PEM", structure, nullptr);
  bool ok = ctx != nullptr && OSSL_ENCODER_CTX_get_num_encoders(ctx) > 0;
  if (ok && has_cipher) {
    auto cipher = to_utf8(isolate, info[3]);
    auto passphrase = bytes_of(info[4]);
    ok = OSSL_ENCODER_CTX_set_cipher(ctx, cipher.c_str(), nullptr) == 1 &&
         OSSL_ENCODER_CTX_set_passphrase(ctx, u8(passphrase), passphrase.size()) == 1;
  }
  unsigned char* out = nullptr;
  std::size_t size = 0;
  ok = ok && OSSL_ENCODER_to_data(ctx, &out, &size) == 1;
  OSSL_ENCODER_CTX_free(ctx);
  if (!ok) {
    crypto::throw_openssl_error(isolate, "key export failed");
    return;
  }
  return_bytes(info, out, size);
  OPENSSL_clear_free(out, size);
}

// What a key generation is asked for: `kind` "RSA" (bits, exponent), "EC" (curve: an
// OpenSSL curve name or its NIST alias) or a type OpenSSL generates without parameters
// ("ED25519", "X25519", "ED448", "X448").
struct KeySpec {
  std::string kind;
  std::string curve;
  unsigned bits = 0;
  std::string exponent;  // big-endian bytes
};

KeySpec key_spec(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  KeySpec spec;
  spec.kind = to_utf8(isolate, info[0]);
  if (spec.kind == "RSA") {
    spec.bits = uint32_arg(info, 1);
    spec.exponent = bytes_of(info[2]);
  } else {
    spec.curve = to_utf8(isolate, info[1]);
  }
  return spec;
}

// The generated key (owned by the caller), or null with OpenSSL's error queue cleared and
// `error` set. Makes no V8 call: it runs on the offload pool too.
EVP_PKEY* generate(const KeySpec& spec, std::string& error) {
  EVP_PKEY* pkey = nullptr;
  if (spec.kind == "RSA") {
    PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr));
    BIGNUM* e = BN_bin2bn(u8(spec.exponent), static_cast<int>(spec.exponent.size()), nullptr);
    if (!ctx || e == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(spec.bits)) != 1 ||
        EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e) != 1 ||
        EVP_PKEY_keygen(ctx.get(), &pkey) != 1) {
      pkey = nullptr;
    }
    BN_free(e);
  } else if (spec.kind == "EC") {
    int nid = EC_curve_nist2nid(spec.curve.c_str());
    if (nid == NID_undef) {
      nid = OBJ_sn2nid(spec.curve.c_str());
    }
    if (nid == NID_undef) {
      nid = OBJ_ln2nid(spec.curve.c_str());
    }
    if (nid != NID_undef) {
      pkey = EVP_EC_gen(OBJ_nid2sn(nid));
    }
  } else {
    pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, spec.kind.c_str());
  }
  if (pkey == nullptr) {
    char reason[256] = "key generation failed";
    if (auto code = ERR_peek_last_error(); code != 0) {
      ERR_error_string_n(code, reason, sizeof reason);
    }
    error = reason;
  }
  ERR_clear_error();
  return pkey;
}

// [private handle, public handle] for a generated key (taking ownership of `pkey`); empty
// with an exception pending when the public half cannot be made.
v8::MaybeLocal<v8::Array> key_pair(v8::Isolate* isolate, EVP_PKEY* pkey) {
  EVP_PKEY* pub = public_copy(pkey);
  if (pub == nullptr) {
    EVP_PKEY_free(pkey);
    crypto::throw_openssl_error(isolate, "key generation failed");
    return {};
  }
  v8::Local<v8::Value> pair[] = {crypto::new_pkey_handle(isolate, pkey, true),
                                 crypto::new_pkey_handle(isolate, pub, false)};
  return v8::Array::New(isolate, pair, 2);
}

// node_key_generate(kind, a, b) -> [private handle, public handle]: "RSA" (a: modulus
// bits, b: public exponent bytes), "EC" (a: curve name), "ED25519", "X25519", ... .
void key_generate(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  std::string error;
  EVP_PKEY* pkey = generate(key_spec(info), error);
  if (pkey == nullptr) {
    throw_error(isolate, error);
    return;
  }
  v8::Local<v8::Array> pair;
  if (key_pair(isolate, pkey).ToLocal(&pair)) {
    info.GetReturnValue().Set(pair);
  }
}

// node_key_generate_async(kind, a, b) -> a promise of what node_key_generate returns, the
// key made on the offload pool (an RSA key takes long enough to hold the loop).
void key_generate_async(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto promise = OpHost::of(isolate).offload([spec = key_spec(info)]() -> OpHost::Settle {
    std::string error;
    // Shared so that a result nobody settles (the worker ended) is still freed.
    std::shared_ptr<EVP_PKEY> key(generate(spec, error), EVP_PKEY_free);
    return [key, error](v8::Local<v8::Context> context, v8::Local<v8::Promise::Resolver> resolver) {
      auto* isolate = context->GetIsolate();
      if (!key) {
        std::ignore = resolver->Reject(context, v8::Exception::Error(v8_str(isolate, error)));
        return;
      }
      v8::TryCatch try_catch(isolate);
      EVP_PKEY_up_ref(key.get());
      v8::Local<v8::Array> pair;
      if (key_pair(isolate, key.get()).ToLocal(&pair)) {
        std::ignore = resolver->Resolve(context, pair);
      } else if (try_catch.HasCaught() && !try_catch.HasTerminated()) {
        auto exception = try_catch.Exception();
        try_catch.Reset();
        std::ignore = resolver->Reject(context, exception);
      }
    };
  });
  if (!promise.IsEmpty()) {
    info.GetReturnValue().Set(promise);
  }
}

// node_key_details(handle) -> { type, private, modulusLength, publicExponent (hex),
// namedCurve, hashAlgorithm, ... } with Node's asymmetricKeyType names.
void key_details(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  Key* key = pkey_arg(info, 0);
  if (key == nullptr) {
    return;
  }
  auto out = v8::Object::New(isolate);
  auto set = [&](const char* name, v8::Local<v8::Value> value) {
    std::ignore = out->Set(context, v8_str(isolate, name), value);
  };
  EVP_PKEY* pkey = key->pkey;
  int id = EVP_PKEY_get_base_id(pkey);
  const char* type = id == EVP_PKEY_RSA       ? "rsa"
                     : id == EVP_PKEY_RSA_PSS ? "rsa-pss"
                     : id == EVP_PKEY_EC      ? "ec"
                     : id == EVP_PKEY_ED25519 ? "ed25519"
                     : id == EVP_PKEY_X25519  ? "x25519"
                     : id == EVP_PKEY_ED448   ? "ed448"
                     : id == EVP_PKEY_X448    ? "x448"
                     : id == EVP_PKEY_DSA     ? "dsa"
                     : id == EVP_PKEY_DH      ? "dh"
                                              : "unknown";
  set("type", v8_str(isolate, type));
  set("private", v8::Boolean::New(isolate, key->is_private));
  if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
    set("modulusLength", v8::Number::New(isolate, EVP_PKEY_get_bits(pkey)));
    BIGNUM* e = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1) {
      char* hex = BN_bn2hex(e);
      set("publicExponent", v8_str(isolate, hex != nullptr ? hex : "0"));
      OPENSSL_free(hex);
      BN_free(e);
    }
  } else if (id == EVP_PKEY_EC) {
    char group[80] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &length) == 1) {
      set("namedCurve", v8_str(isolate, std::string_view(group, length)));
    }
  }
  info.GetReturnValue().Set(out);
}

using crypto::digest_by_name;

// Node's RSA options on a signing, verifying or encrypting context.
bool set_padding(EVP_PKEY_CTX* ctx, int padding, int salt_length) {
  if (padding == 0) {
    return true;
  }
  if (EVP_PKEY_CTX_set_rsa_padding(ctx, padding) != 1) {
    return false;
  }
  return padding != RSA_PKCS1_PSS_PADDING ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, salt_length) == 1;
}

int coordinate_size(EVP_PKEY* pkey) {
  return (EVP_PKEY_get_bits(pkey) + 7) / 8;
}

// The digest a sign/verify call names, or null (the key's own, as Ed25519 has) when it
// names none; false with a TypeError thrown for a name OpenSSL does not know.
bool optional_digest(v8::Isolate* isolate, v8::Local<v8::Value> value, const EVP_MD*& md) {
  md = nullptr;
  if (value->IsNull() || value->IsUndefined()) {
    return true;
  }
  auto name = to_utf8(isolate, value);
  md = digest_by_name(name);
  if (md == nullptr) {
    throw_type_error(isolate, "Invalid digest: " + name);
  }
  return md != nullptr;
}

// node_sign(handle, digest | null, data, padding, saltLength, p1363) -> Uint8Array.
// `padding` 0 leaves the key's default; ECDSA signatures are DER unless `p1363` (r || s).
void sign(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  Key* key = pkey_arg(info, 0);
  if (key == nullptr) {
    return;
  }
  const EVP_MD* md = nullptr;
  if (!optional_digest(isolate, info[1], md)) {
    return;
  }
  auto data = bytes_of(info[2]);
  int padding = info[3]->Int32Value(context).FromMaybe(0);
  int salt = info[4]->Int32Value(context).FromMaybe(RSA_PSS_SALTLEN_MAX_SIGN);
  bool p1363 = info[5]->BooleanValue(isolate);
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, key->pkey) != 1 ||
      !set_padding(pctx, padding, salt) ||
      EVP_DigestSign(ctx.get(), nullptr, &size, u8(data), data.size()) != 1) {
    crypto::throw_openssl_error(isolate, "signing failed");
    return;
  }
  std::vector<unsigned char> out(size);
  if (EVP_DigestSign(ctx.get(), out.data(), &size, u8(data), data.size()) != 1) {
    crypto::throw_openssl_error(isolate, "signing failed");
    return;
  }
  out.resize(size);
  if (p1363 && EVP_PKEY_get_base_id(key->pkey) == EVP_PKEY_EC) {
    const unsigned char* cursor = out.data();
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(size));
    if (sig == nullptr) {
      crypto::throw_openssl_error(isolate, "signing failed");
      return;
    }
    int n = coordinate_size(key->pkey);
    std::vector<unsigned char> raw(static_cast<std::size_t>(n) * 2);
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw.data(), n);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw.data() + n, n);
    ECDSA_SIG_free(sig);
    out = raw;
  }
  return_bytes(info, out.data(), out.size());
}

// node_verify(handle, digest | null, data, signature, padding, saltLength, p1363) -> bool.
void verify(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  Key* key = pkey_arg(info, 0);
  if (key == nullptr) {
    return;
  }
  const EVP_MD* md = nullptr;
  if (!optional_digest(isolate, info[1], md)) {
    return;
  }
  auto data = bytes_of(info[2]);
  auto signature = bytes_of(info[3]);
  int padding = info[4]->Int32Value(context).FromMaybe(0);
  int salt = info[5]->Int32Value(context).FromMaybe(RSA_PSS_SALTLEN_AUTO);
  bool p1363 = info[6]->BooleanValue(isolate);
  if (p1363 && EVP_PKEY_get_base_id(key->pkey) == EVP_PKEY_EC) {
    auto n = static_cast<std::size_t>(coordinate_size(key->pkey));
    if (signature.size() != n * 2) {
      info.GetReturnValue().Set(false);
      return;
    }
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(u8(signature), static_cast<int>(n), nullptr),
                   BN_bin2bn(u8(signature) + n, static_cast<int>(n), nullptr));
    unsigned char* der = nullptr;
    int length = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    signature.assign(reinterpret_cast<char*>(der),
                     length > 0 ? static_cast<std::size_t>(length) : 0);
    OPENSSL_free(der);
  }
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key->pkey) != 1 ||
      !set_padding(pctx, padding, salt)) {
    crypto::throw_openssl_error(isolate, "verification failed");
    return;
  }
  int result = EVP_DigestVerify(ctx.get(), u8(signature), signature.size(), u8(data), data.size());
  ERR_clear_error();  // a bad signature is an answer, not an error
  info.GetReturnValue().Set(result == 1);
}

// node_rsa_crypt(operation, handle, data, padding, oaepHash, oaepLabel) -> Uint8Array.
// Operations: "publicEncrypt", "privateDecrypt", "privateEncrypt", "publicDecrypt".
void rsa_crypt(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto operation = to_utf8(isolate, info[0]);
  Key* key = pkey_arg(info, 1);
  if (key == nullptr) {
    return;
  }
  auto data = bytes_of(info[2]);
  int padding = static_cast<int>(uint32_arg(info, 3));
  PkeyCtx ctx(EVP_PKEY_CTX_new(key->pkey, nullptr));
  bool ok = ctx != nullptr;
  if (ok) {
    ok = (operation == "publicEncrypt"    ? EVP_PKEY_encrypt_init(ctx.get())
          : operation == "privateDecrypt" ? EVP_PKEY_decrypt_init(ctx.get())
          : operation == "privateEncrypt" ? EVP_PKEY_sign_init(ctx.get())
                                          : EVP_PKEY_verify_recover_init(ctx.get())) == 1;
  }
  ok = ok && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), padding) == 1;
  if (ok && padding == RSA_PKCS1_OAEP_PADDING) {
    auto hash = to_utf8(isolate, info[4]);
    const EVP_MD* md = digest_by_name(hash.empty() ? "sha1" : hash);
    ok = md != nullptr && EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), md) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), md) == 1;
    auto label = bytes_of(info[5]);
    if (ok && !label.empty()) {
      auto* copy = static_cast<unsigned char*>(OPENSSL_memdup(label.data(), label.size()));
      ok = copy != nullptr &&
           EVP_PKEY_CTX_set0_rsa_oaep_label(ctx.get(), copy, static_cast<int>(label.size())) == 1;
    }
  }
  std::size_t size = 0;
  auto run = [&](unsigned char* out) {
    if (operation == "publicEncrypt") {
      return EVP_PKEY_encrypt(ctx.get(), out, &size, u8(data), data.size());
    }
    if (operation == "privateDecrypt") {
      return EVP_PKEY_decrypt(ctx.get(), out, &size, u8(data), data.size());
    }
    if (operation == "privateEncrypt") {
      return EVP_PKEY_sign(ctx.get(), out, &size, u8(data), data.size());
    }
    return EVP_PKEY_verify_recover(ctx.get(), out, &size, u8(data), data.size());
  };
  std::vector<unsigned char> out;
  if (ok && run(nullptr) == 1) {
    out.resize(size);
    ok = run(out.data()) == 1;
  } else {
    ok = false;
  }
  if (!ok) {
    crypto::throw_openssl_error(isolate, operation + " failed");
    return;
  }
  return_bytes(info, out.data(), size);
}

// The group of an EC curve named as Node names them ("prime256v1", "P-256", "secp256k1").
int curve_nid(const std::string& curve) {
  int nid = EC_curve_nist2nid(curve.c_str());
  if (nid == NID_undef) {
    nid = OBJ_sn2nid(curve.c_str());
  }
  return nid;
}

// node_ec_key(curve, privateBytes | null, publicPoint | null) -> handle of an EC key from
// its raw parts (ECDH's setPrivateKey, a peer's public point); the public point is
// computed from the private key when not given. A string "curve" or "invalid" on failure.
void ec_key(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  int nid = curve_nid(to_utf8(isolate, info[0]));
  if (nid == NID_undef) {
    info.GetReturnValue().Set(v8_str(isolate, "curve"));
    return;
  }
  bool has_private = buffer_source_bytes(info[1]) ? true : false;
  auto private_bytes = bytes_of(info[1]);
  auto point = bytes_of(info[2]);
  EC_GROUP* group = EC_GROUP_new_by_curve_name(nid);
  BIGNUM* priv = has_private
                     ? BN_bin2bn(u8(private_bytes), static_cast<int>(private_bytes.size()), nullptr)
                     : nullptr;
  EC_POINT* pub = group != nullptr ? EC_POINT_new(group) : nullptr;
  bool ok = pub != nullptr;
  if (ok && has_private) {
    ok = priv != nullptr && !BN_is_zero(priv) && BN_cmp(priv, EC_GROUP_get0_order(group)) < 0 &&
         EC_POINT_mul(group, pub, priv, nullptr, nullptr, nullptr) == 1;
  } else if (ok) {
    ok = EC_POINT_oct2point(group, pub, u8(point), point.size(), nullptr) == 1;
  }
  std::vector<unsigned char> encoded;
  if (ok) {
    encoded.resize(
        EC_POINT_point2oct(group, pub, POINT_CONVERSION_UNCOMPRESSED, nullptr, 0, nullptr));
    ok = !encoded.empty() && EC_POINT_point2oct(group, pub, POINT_CONVERSION_UNCOMPRESSED,
                                                encoded.data(), encoded.size(), nullptr) != 0;
  }
  EVP_PKEY* pkey = nullptr;
  if (ok) {
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    const char* name = OBJ_nid2sn(nid);
    ok = build != nullptr &&
         OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, name, 0) == 1 &&
         OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, encoded.data(),
                                          encoded.size()) == 1 &&
         (!has_private || OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_PRIV_KEY, priv) == 1);
    OSSL_PARAM* params = ok ? OSSL_PARAM_BLD_to_param(build) : nullptr;
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    ok = params != nullptr && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
         EVP_PKEY_fromdata(ctx.get(), &pkey, has_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                           params) == 1;
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(build);
  }
  EC_POINT_free(pub);
  EC_GROUP_free(group);
  BN_clear_free(priv);
  if (!ok) {
    EVP_PKEY_free(pkey);
    pkey = nullptr;
  }
  return_key(info, pkey, has_private);
}

// node_ec_parts(handle) -> [public point (uncompressed), private scalar | null] of an EC
// key (JavaScript compresses the point when asked).
void ec_parts(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  Key* key = pkey_arg(info, 0);
  if (key == nullptr) {
    return;
  }
  unsigned char point[200];
  std::size_t point_size = 0;
  if (EVP_PKEY_get_octet_string_param(key->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                      sizeof point, &point_size) != 1) {
    crypto::throw_openssl_error(isolate, "EC key export failed");
    return;
  }
  v8::Local<v8::ArrayBuffer> point_buffer;
  if (!crypto::bytes_to_buffer(isolate, point, point_size).ToLocal(&point_buffer)) {
    return;
  }
  v8::Local<v8::Value> parts[] = {v8::Uint8Array::New(point_buffer, 0, point_size),
                                  v8::Null(isolate)};
  BIGNUM* priv = nullptr;
  if (key->is_private && EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &priv) == 1) {
    int size = coordinate_size(key->pkey);
    std::vector<unsigned char> bytes(static_cast<std::size_t>(size));
    BN_bn2binpad(priv, bytes.data(), size);
    BN_clear_free(priv);
    v8::Local<v8::ArrayBuffer> buffer;
    if (!crypto::bytes_to_buffer(isolate, bytes.data(), bytes.size()).ToLocal(&buffer)) {
      return;
    }
    parts[1] = v8::Uint8Array::New(buffer, 0, bytes.size());
    OPENSSL_cleanse(bytes.data(), bytes.size());
  }
  info.GetReturnValue().Set(v8::Array::New(isolate, parts, 2));
}

// node_key_equals(a, b) -> whether two asymmetric keys are the same key.
void key_equals(const v8::FunctionCallbackInfo<v8::Value>& info) {
  Key* a = pkey_arg(info, 0);
  Key* b = a != nullptr ? pkey_arg(info, 1) : nullptr;
  if (b != nullptr) {
    info.GetReturnValue().Set(EVP_PKEY_eq(a->pkey, b->pkey) == 1 && a->is_private == b->is_private);
    ERR_clear_error();
  }
}

}  // namespace

std::vector<Op> node_key_ops() {
  return {{"node_key_parse", key_parse},
          {"node_key_export", key_export},
          {"node_key_generate", key_generate},
          {"node_key_generate_async", key_generate_async},
          {"node_key_details", key_details},
          {"node_sign", sign},
          {"node_verify", verify},
          {"node_rsa_crypt", rsa_crypt},
          {"node_ec_key", ec_key},
          {"node_ec_parts", ec_parts},
          {"node_key_equals", key_equals}};
}

}  // namespace runtime::api
