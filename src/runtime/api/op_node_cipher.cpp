// node:crypto's ciphers (createCipheriv/createDecipheriv: any cipher OpenSSL knows by
// name, with GCM/CCM/OCB/ChaCha20-Poly1305 tags and AAD) and key derivations (pbkdf2,
// scrypt, hkdf), over OpenSSL. A cipher in progress lives here behind an opaque handle
// (crypto_key.hpp's new_handle, four bytes) that js/node/crypto_cipher.js passes back.
#include "runtime/api/crypto_key.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace runtime::api {
namespace {

struct CipherState {
  // What the handle's ArrayBuffer points at; four bytes, unlike keys, hashes and zlib.
  unsigned char anchor[4] = {0, 0, 0, 0};
  EVP_CIPHER_CTX* ctx = nullptr;
  bool encrypt = true;
  bool aead = false;
  int tag_length = 16;
};

void free_cipher(void* /*data*/, std::size_t /*length*/, void* owner) {
  auto* state = static_cast<CipherState*>(owner);
  EVP_CIPHER_CTX_free(state->ctx);
  delete state;
}

CipherState* cipher_of(v8::Isolate* isolate, v8::Local<v8::Value> handle) {
  static_assert(offsetof(CipherState, anchor) == 0);
  return static_cast<CipherState*>(crypto::handle_anchor(isolate, handle, 4, "cipher"));
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

using crypto::digest_by_name;

void return_buffer(const v8::FunctionCallbackInfo<v8::Value>& info, const unsigned char* bytes,
                   std::size_t size) {
  v8::Local<v8::ArrayBuffer> out;
  if (crypto::bytes_to_buffer(info.GetIsolate(), bytes, size).ToLocal(&out)) {
    info.GetReturnValue().Set(v8::Uint8Array::New(out, 0, size));
  }
}

// node_cipher_new(name, key, iv | null, encrypt, authTagLength) -> handle, or a string
// naming what is wrong: "unknown" (no such cipher), "keylen", "iv", "taglen".
void cipher_new(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  const EVP_CIPHER* cipher = EVP_get_cipherbyname(lower(to_utf8(isolate, info[0])).c_str());
  if (cipher == nullptr) {
    info.GetReturnValue().Set(v8_str(isolate, "unknown"));
    return;
  }
  auto key_view = buffer_source_bytes(info[1]);
  std::string key = key_view ? std::string(*key_view) : std::string();
  auto iv_view = buffer_source_bytes(info[2]);
  std::string iv = iv_view ? std::string(*iv_view) : std::string();
  bool has_iv = static_cast<bool>(iv_view);
  auto* state = new CipherState;
  state->encrypt = info[3]->BooleanValue(isolate);
  auto flags = EVP_CIPHER_get_flags(cipher);
  state->aead = (flags & EVP_CIPH_FLAG_AEAD_CIPHER) != 0;
  int mode = EVP_CIPHER_get_mode(cipher);
  int tag_length = static_cast<int>(uint32_arg(info, 4));
  if (tag_length > 0) {
    state->tag_length = tag_length;
  }
  auto fail = [&](const char* what) {
    free_cipher(nullptr, 0, state);
    ERR_clear_error();
    info.GetReturnValue().Set(v8_str(isolate, what));
  };
  if (static_cast<int>(key.size()) != EVP_CIPHER_get_key_length(cipher) &&
      (flags & EVP_CIPH_VARIABLE_LENGTH) == 0) {
    fail("keylen");
    return;
  }
  int expected_iv = EVP_CIPHER_get_iv_length(cipher);
  bool iv_ok = state->aead
                   ? has_iv && !iv.empty()
                   : (expected_iv == 0 ? !has_iv || iv.empty()
                                       : has_iv && static_cast<int>(iv.size()) == expected_iv);
  if (!iv_ok) {
    fail("iv");
    return;
  }
  if (state->aead && mode == EVP_CIPH_GCM_MODE && tag_length != 0 &&
      (tag_length < 4 || tag_length > 16 ||
       (tag_length < 12 && tag_length != 4 && tag_length != 8))) {
    fail("taglen");
    return;
  }
  state->ctx = EVP_CIPHER_CTX_new();
  bool ok = state->ctx != nullptr && EVP_CipherInit_ex(state->ctx, cipher, nullptr, nullptr,
                                                       nullptr, state->encrypt ? 1 : 0) == 1;
  if (ok && state->aead) {
    ok = EVP_CIPHER_CTX_ctrl(state->ctx, EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(iv.size()),
                             nullptr) == 1;
    if (!ok) {
      fail("iv");
      return;
    }
    // CCM and OCB fix the tag length before the key; GCM takes it at the end.
    if (mode == EVP_CIPH_CCM_MODE || mode == EVP_CIPH_OCB_MODE) {
      ok = EVP_CIPHER_CTX_ctrl(state->ctx, EVP_CTRL_AEAD_SET_TAG, state->tag_length, nullptr) == 1;
    }
  }
  if (ok && (flags & EVP_CIPH_VARIABLE_LENGTH) != 0) {
    ok = EVP_CIPHER_CTX_set_key_length(state->ctx, static_cast<int>(key.size())) == 1;
  }
  ok = ok && EVP_CipherInit_ex(
                 state->ctx, nullptr, nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                 has_iv ? reinterpret_cast<const unsigned char*>(iv.data()) : nullptr, -1) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) {
    free_cipher(nullptr, 0, state);
    crypto::throw_openssl_error(isolate, "cipher initialisation failed");
    return;
  }
  info.GetReturnValue().Set(crypto::new_handle(isolate, state->anchor, 4, free_cipher, state));
}

// node_cipher_update(handle, data) -> Uint8Array.
void cipher_update(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto* state = cipher_of(isolate, info[0]);
  auto data = buffer_source_bytes(info[1]);
  if (state == nullptr || !data) {
    return;
  }
  std::vector<unsigned char> out(data->size() + EVP_MAX_BLOCK_LENGTH);
  int size = 0;
  if (EVP_CipherUpdate(state->ctx, out.data(), &size,
                       reinterpret_cast<const unsigned char*>(data->data()),
                       static_cast<int>(data->size())) != 1) {
    ERR_clear_error();
    info.GetReturnValue().SetNull();  // CCM's failed authentication shows here
    return;
  }
  return_buffer(info, out.data(), static_cast<std::size_t>(size));
}

// node_cipher_final(handle) -> Uint8Array, or null when decryption fails (bad padding or
// an authentication tag that does not match).
void cipher_final(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto* state = cipher_of(isolate, info[0]);
  if (state == nullptr) {
    return;
  }
  unsigned char out[EVP_MAX_BLOCK_LENGTH];
  int size = 0;
  if (EVP_CipherFinal_ex(state->ctx, out, &size) != 1) {
    ERR_clear_error();
    info.GetReturnValue().SetNull();
    return;
  }
  return_buffer(info, out, static_cast<std::size_t>(size));
}

// node_cipher_set_aad(handle, aad, plaintextLength) -> success.
void cipher_set_aad(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto* state = cipher_of(isolate, info[0]);
  auto aad = buffer_source_bytes(info[1]);
  if (state == nullptr || !aad) {
    return;
  }
  int size = 0;
  bool ok = true;
  if (EVP_CIPHER_CTX_get_mode(state->ctx) == EVP_CIPH_CCM_MODE) {
    // CCM must be told the message's length before any AAD.
    ok = EVP_CipherUpdate(state->ctx, nullptr, &size, nullptr,
                          static_cast<int>(uint32_arg(info, 2))) == 1;
  }
  ok = ok && EVP_CipherUpdate(state->ctx, nullptr, &size,
                              reinterpret_cast<const unsigned char*>(aad->data()),
                              static_cast<int>(aad->size())) == 1;
  ERR_clear_error();
  info.GetReturnValue().Set(ok);
}

// node_cipher_get_tag(handle) -> Uint8Array (after final, encryption only).
void cipher_get_tag(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* state = cipher_of(info.GetIsolate(), info[0]);
  if (state == nullptr) {
    return;
  }
  unsigned char tag[16];
  if (EVP_CIPHER_CTX_ctrl(state->ctx, EVP_CTRL_AEAD_GET_TAG, state->tag_length, tag) != 1) {
    crypto::throw_openssl_error(info.GetIsolate(), "getting the authentication tag failed");
    return;
  }
  return_buffer(info, tag, static_cast<std::size_t>(state->tag_length));
}

// node_cipher_set_tag(handle, tag) -> success (decryption only, before final).
void cipher_set_tag(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* state = cipher_of(info.GetIsolate(), info[0]);
  auto tag = buffer_source_bytes(info[1]);
  if (state == nullptr || !tag) {
    return;
  }
  std::string copy(*tag);
  bool ok = EVP_CIPHER_CTX_ctrl(state->ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(copy.size()),
                                copy.data()) == 1;
  ERR_clear_error();
  info.GetReturnValue().Set(ok);
}

// node_cipher_set_padding(handle, on).
void cipher_set_padding(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* state = cipher_of(info.GetIsolate(), info[0]);
  if (state != nullptr) {
    info.GetReturnValue().Set(
        EVP_CIPHER_CTX_set_padding(state->ctx, info[1]->BooleanValue(info.GetIsolate()) ? 1 : 0) ==
        1);
  }
}

// node_cipher_info(name) -> { name, nid, blockSize, ivLength, keyLength, mode } or undefined.
void cipher_info(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  const EVP_CIPHER* cipher = EVP_get_cipherbyname(lower(to_utf8(isolate, info[0])).c_str());
  if (cipher == nullptr) {
    return;
  }
  auto out = v8::Object::New(isolate);
  auto set = [&](const char* name, v8::Local<v8::Value> value) {
    std::ignore = out->Set(context, v8_str(isolate, name), value);
  };
  set("name", v8_str(isolate, lower(OBJ_nid2sn(EVP_CIPHER_get_nid(cipher)))));
  set("nid", v8::Integer::New(isolate, EVP_CIPHER_get_nid(cipher)));
  set("blockSize", v8::Integer::New(isolate, EVP_CIPHER_get_block_size(cipher)));
  set("ivLength", v8::Integer::New(isolate, EVP_CIPHER_get_iv_length(cipher)));
  set("keyLength", v8::Integer::New(isolate, EVP_CIPHER_get_key_length(cipher)));
  const char* modes[] = {"stream", "ecb", "cbc", "cfb",  "ofb", "ctr",
                         "gcm",    "ccm", "xts", "wrap", "ocb"};
  auto mode = static_cast<std::size_t>(EVP_CIPHER_get_mode(cipher));
  set("mode", v8_str(isolate, mode < std::size(modes) ? modes[mode] : "stream"));
  info.GetReturnValue().Set(out);
}

void return_names(const v8::FunctionCallbackInfo<v8::Value>& info,
                  const std::vector<std::string>& names) {
  auto* isolate = info.GetIsolate();
  std::vector<v8::Local<v8::Value>> values;
  for (const auto& name : names) {
    values.push_back(v8_str(isolate, name));
  }
  info.GetReturnValue().Set(v8::Array::New(isolate, values.data(), values.size()));
}

// node_cipher_names() -> the cipher names OpenSSL knows, lower case (crypto.getCiphers()).
void cipher_names(const v8::FunctionCallbackInfo<v8::Value>& info) {
  std::vector<std::string> names;
  OBJ_NAME_do_all_sorted(
      OBJ_NAME_TYPE_CIPHER_METH,
      [](const OBJ_NAME* name, void* out) {
        auto& list = *static_cast<std::vector<std::string>*>(out);
        std::string text = lower(name->name);
        if (std::find(list.begin(), list.end(), text) == list.end()) {
          list.push_back(text);
        }
      },
      &names);
  std::sort(names.begin(), names.end());
  return_names(info, names);
}

// node_curve_names() -> OpenSSL's built-in elliptic curves (crypto.getCurves()).
void curve_names(const v8::FunctionCallbackInfo<v8::Value>& info) {
  std::size_t count = EC_get_builtin_curves(nullptr, 0);
  std::vector<EC_builtin_curve> curves(count);
  EC_get_builtin_curves(curves.data(), count);
  std::vector<std::string> names;
  for (const auto& curve : curves) {
    names.emplace_back(OBJ_nid2sn(curve.nid));
  }
  std::sort(names.begin(), names.end());
  return_names(info, names);
}

std::string bytes_of(v8::Local<v8::Value> value) {
  auto view = buffer_source_bytes(value);
  return view ? std::string(*view) : std::string();
}

// A derived key straight into a budget-charged buffer (its size is the caller's choice).
unsigned char* output_buffer(const v8::FunctionCallbackInfo<v8::Value>& info, std::size_t size,
                             v8::Local<v8::ArrayBuffer>& out) {
  if (!new_array_buffer(info.GetIsolate(), size).ToLocal(&out)) {
    return nullptr;
  }
  static unsigned char empty = 0;
  return size == 0 ? &empty : static_cast<unsigned char*>(out->Data());
}

// node_pbkdf2(password, salt, iterations, keylen, digest) -> ArrayBuffer; null for an
// unknown digest.
void pbkdf2(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  const EVP_MD* md = digest_by_name(to_utf8(isolate, info[4]));
  if (md == nullptr) {
    info.GetReturnValue().SetNull();
    return;
  }
  auto password = bytes_of(info[0]);
  auto salt = bytes_of(info[1]);
  v8::Local<v8::ArrayBuffer> out;
  auto* target = output_buffer(info, uint32_arg(info, 3), out);
  if (target == nullptr) {
    return;
  }
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), static_cast<int>(uint32_arg(info, 2)), md,
                        static_cast<int>(uint32_arg(info, 3)), target) != 1) {
    crypto::throw_openssl_error(isolate, "PBKDF2 failed");
    return;
  }
  info.GetReturnValue().Set(out);
}

// node_scrypt(password, salt, keylen, N, r, p, maxmem) -> ArrayBuffer; null when OpenSSL
// refuses the parameters (N not a power of two, memory past maxmem). OpenSSL's working
// memory (128·N·r bytes) is bounded by `maxmem` (Node's default: 32 MiB).
void scrypt(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto password = bytes_of(info[0]);
  auto salt = bytes_of(info[1]);
  auto n = static_cast<uint64_t>(info[3]->NumberValue(context).FromMaybe(0));
  auto r = static_cast<uint64_t>(info[4]->NumberValue(context).FromMaybe(0));
  auto p = static_cast<uint64_t>(info[5]->NumberValue(context).FromMaybe(0));
  auto maxmem = static_cast<uint64_t>(info[6]->NumberValue(context).FromMaybe(0));
  v8::Local<v8::ArrayBuffer> out;
  std::size_t size = uint32_arg(info, 2);
  auto* target = output_buffer(info, size, out);
  if (target == nullptr) {
    return;
  }
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), n, r, p,
                     maxmem, target, size) != 1) {
    ERR_clear_error();
    info.GetReturnValue().SetNull();
    return;
  }
  info.GetReturnValue().Set(out);
}

// node_hkdf(digest, ikm, salt, info, keylen) -> ArrayBuffer; null for an unknown digest.
void hkdf(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  const EVP_MD* md = digest_by_name(to_utf8(isolate, info[0]));
  if (md == nullptr) {
    info.GetReturnValue().SetNull();
    return;
  }
  auto ikm = bytes_of(info[1]);
  auto salt = bytes_of(info[2]);
  auto context_info = bytes_of(info[3]);
  std::size_t size = uint32_arg(info, 4);
  v8::Local<v8::ArrayBuffer> out;
  auto* target = output_buffer(info, size, out);
  if (target == nullptr) {
    return;
  }
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr);
  static const unsigned char empty = 0;
  auto u8 = [](const std::string& s) {
    return s.empty() ? &empty : reinterpret_cast<const unsigned char*>(s.data());
  };
  bool ok =
      ctx != nullptr && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_CTX_set_hkdf_md(ctx, md) == 1 &&
      EVP_PKEY_CTX_set1_hkdf_salt(ctx, u8(salt), static_cast<int>(salt.size())) == 1 &&
      EVP_PKEY_CTX_set1_hkdf_key(ctx, u8(ikm), static_cast<int>(ikm.size())) == 1 &&
      EVP_PKEY_CTX_add1_hkdf_info(ctx, u8(context_info), static_cast<int>(context_info.size())) ==
          1 &&
      EVP_PKEY_derive(ctx, target, &size) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) {
    crypto::throw_openssl_error(isolate, "HKDF failed");
    return;
  }
  info.GetReturnValue().Set(out);
}

// Runs `derive` (which makes no V8 call) on the offload pool into `size` bytes and returns
// a promise of them as an ArrayBuffer, rejected with an Error when `derive` fails. The
// size is checked against the memory budget first: the bytes are made outside the heap.
void offload_derivation(const v8::FunctionCallbackInfo<v8::Value>& info, std::size_t size,
                        std::function<bool(unsigned char*)> derive) {
  auto* isolate = info.GetIsolate();
  auto& host = OpHost::of(isolate);
  if (size > host.memory_remaining()) {
    throw_range_error(isolate, "Array buffer allocation failed");
    return;
  }
  auto promise = host.offload([size, derive = std::move(derive)]() -> OpHost::Settle {
    auto out = std::make_shared<std::vector<unsigned char>>(size);
    bool ok = derive(out->data());
    ERR_clear_error();
    return [out, ok](v8::Local<v8::Context> context, v8::Local<v8::Promise::Resolver> resolver) {
      auto* isolate = context->GetIsolate();
      v8::TryCatch try_catch(isolate);
      v8::Local<v8::ArrayBuffer> buffer;
      if (!ok) {
        std::ignore =
            resolver->Reject(context, v8::Exception::Error(v8_str(isolate, "derivation failed")));
      } else if (crypto::bytes_to_buffer(isolate, out->data(), out->size()).ToLocal(&buffer)) {
        std::ignore = resolver->Resolve(context, buffer);
      } else if (try_catch.HasCaught() && !try_catch.HasTerminated()) {
        auto exception = try_catch.Exception();
        try_catch.Reset();
        std::ignore = resolver->Reject(context, exception);
      }
      OPENSSL_cleanse(out->data(), out->size());
    };
  });
  if (!promise.IsEmpty()) {
    info.GetReturnValue().Set(promise);
  }
}

// node_pbkdf2_async(password, salt, iterations, keylen, digest) -> promise of an
// ArrayBuffer (JavaScript has checked the digest).
void pbkdf2_async(const v8::FunctionCallbackInfo<v8::Value>& info) {
  const EVP_MD* md = digest_by_name(to_utf8(info.GetIsolate(), info[4]));
  if (md == nullptr) {
    throw_type_error(info.GetIsolate(), "Invalid digest");
    return;
  }
  auto size = uint32_arg(info, 3);
  offload_derivation(info, size,
                     [password = bytes_of(info[0]), salt = bytes_of(info[1]),
                      iterations = uint32_arg(info, 2), md, size](unsigned char* out) {
                       return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                                                reinterpret_cast<const unsigned char*>(salt.data()),
                                                static_cast<int>(salt.size()),
                                                static_cast<int>(iterations), md,
                                                static_cast<int>(size), out) == 1;
                     });
}

// node_scrypt_async(password, salt, keylen, N, r, p, maxmem) -> promise of an ArrayBuffer,
// rejected when OpenSSL refuses the parameters.
void scrypt_async(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto context = info.GetIsolate()->GetCurrentContext();
  auto number = [&](int index) {
    return static_cast<uint64_t>(info[index]->NumberValue(context).FromMaybe(0));
  };
  std::size_t size = uint32_arg(info, 2);
  offload_derivation(info, size,
                     [password = bytes_of(info[0]), salt = bytes_of(info[1]), size, n = number(3),
                      r = number(4), p = number(5), maxmem = number(6)](unsigned char* out) {
                       return EVP_PBE_scrypt(password.data(), password.size(),
                                             reinterpret_cast<const unsigned char*>(salt.data()),
                                             salt.size(), n, r, p, maxmem, out, size) == 1;
                     });
}

// node_digest_size(name) -> the digest's size in bytes, or 0 when OpenSSL has no such one.
void digest_size(const v8::FunctionCallbackInfo<v8::Value>& info) {
  const EVP_MD* md = digest_by_name(to_utf8(info.GetIsolate(), info[0]));
  info.GetReturnValue().Set(md != nullptr ? EVP_MD_get_size(md) : 0);
}

// node_timing_safe_equal(a, b) -> CRYPTO_memcmp of two buffers of the same length.
void timing_safe_equal(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto a = buffer_source_bytes(info[0]);
  auto b = buffer_source_bytes(info[1]);
  info.GetReturnValue().Set(a && b && a->size() == b->size() &&
                            CRYPTO_memcmp(a->data(), b->data(), a->size()) == 0);
}

}  // namespace

std::vector<Op> node_cipher_ops() {
  return {{"node_cipher_new", cipher_new},
          {"node_cipher_update", cipher_update},
          {"node_cipher_final", cipher_final},
          {"node_cipher_set_aad", cipher_set_aad},
          {"node_cipher_get_tag", cipher_get_tag},
          {"node_cipher_set_tag", cipher_set_tag},
          {"node_cipher_set_padding", cipher_set_padding},
          {"node_cipher_info", cipher_info},
          {"node_cipher_names", cipher_names},
          {"node_curve_names", curve_names},
          {"node_pbkdf2", pbkdf2},
          {"node_scrypt", scrypt},
          {"node_pbkdf2_async", pbkdf2_async},
          {"node_scrypt_async", scrypt_async},
          {"node_hkdf", hkdf},
          {"node_digest_size", digest_size},
          {"node_timing_safe_equal", timing_safe_equal}};
}

}  // namespace runtime::api
