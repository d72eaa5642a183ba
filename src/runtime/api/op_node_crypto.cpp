// node:crypto's incremental hashes and HMACs (createHash, createHmac), synchronous as in
// Node, over OpenSSL. A hash in progress lives here; JavaScript holds an opaque handle (a
// two-byte ArrayBuffer whose backing-store deleter frees the OpenSSL context, the way
// crypto_key.cpp keeps keys) and passes it back to update, copy and digest.
#include "runtime/api/crypto_key.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace runtime::api {
namespace {

struct HashState {
  // What the handle's ArrayBuffer points at; two bytes, so a hash handle is never taken
  // for a CryptoKey's (one byte).
  unsigned char anchor[2] = {0, 0};
  EVP_MD_CTX* md = nullptr;    // createHash
  EVP_MAC_CTX* mac = nullptr;  // createHmac
  bool finished = false;
};

// Runs when V8 frees the handle's backing store (GC or isolate teardown); no V8 calls.
void free_state(void* /*data*/, std::size_t /*length*/, void* owner) {
  auto* state = static_cast<HashState*>(owner);
  EVP_MD_CTX_free(state->md);
  EVP_MAC_CTX_free(state->mac);
  delete state;
}

HashState* state_of(v8::Isolate* isolate, v8::Local<v8::Value> handle) {
  static_assert(offsetof(HashState, anchor) == 0);
  return static_cast<HashState*>(crypto::handle_anchor(isolate, handle, 2, "hash"));
}

// Hands `state` to JavaScript as a handle when `ok`, else frees it and throws.
void return_state(const v8::FunctionCallbackInfo<v8::Value>& info, HashState* state, bool ok,
                  std::string_view failure) {
  auto* isolate = info.GetIsolate();
  if (!ok) {
    free_state(nullptr, 0, state);
    crypto::throw_openssl_error(isolate, failure);
    return;
  }
  info.GetReturnValue().Set(crypto::new_handle(isolate, state->anchor, 2, free_state, state));
}

using crypto::digest_by_name;

// node_hash_new(algorithm, key | undefined) -> handle; null when OpenSSL has no such
// digest (JavaScript throws Node's error for it). With a key it is an HMAC.
void hash_new(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  const EVP_MD* md = digest_by_name(to_utf8(isolate, info[0]));
  if (md == nullptr) {
    info.GetReturnValue().SetNull();
    return;
  }
  auto* state = new HashState;
  bool ok = false;
  if (info[1]->IsUndefined()) {
    state->md = EVP_MD_CTX_new();
    ok = state->md != nullptr && EVP_DigestInit_ex(state->md, md, nullptr) == 1;
  } else {
    auto key = buffer_source_bytes(info[1]);
    EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    state->mac = hmac != nullptr ? EVP_MAC_CTX_new(hmac) : nullptr;
    EVP_MAC_free(hmac);  // the context keeps its own reference
    std::string digest_name = EVP_MD_get0_name(md);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name.data(), 0),
        OSSL_PARAM_construct_end()};
    static const unsigned char empty = 0;
    ok = state->mac != nullptr && key &&
         EVP_MAC_init(state->mac,
                      key->empty() ? &empty : reinterpret_cast<const unsigned char*>(key->data()),
                      key->size(), params) == 1;
  }
  return_state(info, state, ok, "hash initialisation failed");
}

// node_hash_update(handle, bytes)
void hash_update(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto* state = state_of(isolate, info[0]);
  auto data = buffer_source_bytes(info[1]);
  if (state == nullptr || !data || state->finished) {
    return;
  }
  int ok = state->md != nullptr
               ? EVP_DigestUpdate(state->md, data->data(), data->size())
               : EVP_MAC_update(state->mac, reinterpret_cast<const unsigned char*>(data->data()),
                                data->size());
  if (ok != 1) {
    crypto::throw_openssl_error(isolate, "hash update failed");
  }
}

// node_hash_digest(handle) -> ArrayBuffer; the hash is finished afterwards.
void hash_digest(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto* state = state_of(isolate, info[0]);
  if (state == nullptr || state->finished) {
    return;
  }
  state->finished = true;
  std::vector<unsigned char> out(EVP_MAX_MD_SIZE);
  std::size_t size = 0;
  int ok = 0;
  if (state->md != nullptr) {
    unsigned int md_size = 0;
    ok = EVP_DigestFinal_ex(state->md, out.data(), &md_size);
    size = md_size;
  } else {
    ok = EVP_MAC_final(state->mac, out.data(), &size, out.size());
  }
  if (ok != 1) {
    crypto::throw_openssl_error(isolate, "hash digest failed");
    return;
  }
  v8::Local<v8::ArrayBuffer> buffer;
  if (crypto::bytes_to_buffer(isolate, out.data(), size).ToLocal(&buffer)) {
    info.GetReturnValue().Set(buffer);
  }
}

// node_hash_copy(handle) -> a new handle in the same state (hash.copy()).
void hash_copy(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto* state = state_of(isolate, info[0]);
  if (state == nullptr) {
    return;
  }
  auto* copy = new HashState;
  bool ok = false;
  if (state->md != nullptr) {
    copy->md = EVP_MD_CTX_new();
    ok = copy->md != nullptr && EVP_MD_CTX_copy_ex(copy->md, state->md) == 1;
  } else {
    copy->mac = EVP_MAC_CTX_dup(state->mac);
    ok = copy->mac != nullptr;
  }
  return_state(info, copy, ok, "hash copy failed");
}

// node_hash_names() -> the digest names OpenSSL knows (crypto.getHashes()).
void hash_names(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  std::vector<std::string> names;
  OBJ_NAME_do_all_sorted(
      OBJ_NAME_TYPE_MD_METH,
      [](const OBJ_NAME* name, void* out) {
        static_cast<std::vector<std::string>*>(out)->emplace_back(name->name);
      },
      &names);
  std::vector<v8::Local<v8::Value>> values;
  for (const auto& name : names) {
    values.push_back(v8_str(isolate, name));
  }
  info.GetReturnValue().Set(v8::Array::New(isolate, values.data(), values.size()));
}

}  // namespace

std::vector<Op> node_crypto_ops() {
  std::vector<Op> ops = {{"node_hash_new", hash_new},
                         {"node_hash_update", hash_update},
                         {"node_hash_digest", hash_digest},
                         {"node_hash_copy", hash_copy},
                         {"node_hash_names", hash_names}};
  // The rest of node:crypto: ciphers and KDFs (op_node_cipher.cpp), keys and signatures
  // (op_node_keys.cpp).
  for (const auto& more : {node_cipher_ops(), node_key_ops()}) {
    ops.insert(ops.end(), more.begin(), more.end());
  }
  return ops;
}

}  // namespace runtime::api
