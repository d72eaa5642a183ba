#pragma once

#include <openssl/evp.h>
#include <v8.h>

#include <cstddef>
#include <string_view>

// The native half of a WebCrypto CryptoKey (https://w3c.github.io/webcrypto/#cryptokey-interface).
// Key material lives here, never in JavaScript: the JS CryptoKey holds an opaque handle (a
// one-byte ArrayBuffer whose backing-store deleter frees the key when the handle is
// collected, or when the isolate is torn down) and passes it back to the crypto ops.
namespace runtime::api::crypto {

struct Key {
  // The byte the handle's ArrayBuffer points at: padding, never key material.
  unsigned char anchor = 0;
  // A secret key (HMAC, AES, PBKDF2, HKDF): bytes from the isolate's ArrayBuffer allocator,
  // so a large imported secret is charged to the worker's memory budget.
  unsigned char* secret = nullptr;
  std::size_t secret_size = 0;
  v8::ArrayBuffer::Allocator* allocator = nullptr;
  // An asymmetric key (RSA, EC, Ed25519, X25519); owned.
  EVP_PKEY* pkey = nullptr;
  bool is_private = false;
};

// A handle for a new secret key holding a copy of `bytes`; empty with a RangeError thrown
// when the memory budget refuses it. `bytes` may be null (then the secret is random).
v8::MaybeLocal<v8::Value> new_secret_handle(v8::Isolate* isolate, const unsigned char* bytes,
                                            std::size_t size);

// A handle owning `pkey` (freed with the handle).
v8::Local<v8::Value> new_pkey_handle(v8::Isolate* isolate, EVP_PKEY* pkey, bool is_private);

// The key behind a handle made by the functions above; null (with a TypeError thrown) for
// any other value.
Key* key_of(v8::Isolate* isolate, v8::Local<v8::Value> handle);

// An ArrayBuffer holding a copy of `bytes` (charged to the memory budget).
v8::MaybeLocal<v8::ArrayBuffer> bytes_to_buffer(v8::Isolate* isolate, const unsigned char* bytes,
                                                std::size_t size);

// Throws a plain `Error` whose message names what OpenSSL reported last (the JavaScript
// half turns it into the DOMException the spec asks for).
void throw_openssl_error(v8::Isolate* isolate, std::string_view what);

// Opaque handles for native state JavaScript holds (keys here, node:crypto's hashes): an
// ArrayBuffer of `size` bytes over `anchor` (the first bytes of the state) whose backing-
// store deleter `free` releases `owner` when the handle is collected or the isolate goes.
// Kinds of state differ in `size`, so one is never taken for another.
v8::Local<v8::Value> new_handle(v8::Isolate* isolate, void* anchor, std::size_t size,
                                v8::BackingStore::DeleterCallback free, void* owner);
// The anchor behind a handle new_handle made with `size`; null (with a TypeError naming
// `what` thrown) for any other value.
void* handle_anchor(v8::Isolate* isolate, v8::Local<v8::Value> handle, std::size_t size,
                    std::string_view what);

// The message digest for a WebCrypto hash name ("SHA-256"...); null for any other name.
const EVP_MD* digest_named(std::string_view name);

// The public half of `pkey` as a key of its own (a pair's publicKey, a private key's
// public export); null when OpenSSL cannot encode it.
EVP_PKEY* public_copy(EVP_PKEY* pkey);

// The message digest for one of OpenSSL's names in any case, as node:crypto takes them
// ("sha256", "SHA256", "RSA-SHA256"); null when OpenSSL has no such digest.
const EVP_MD* digest_by_name(std::string name);

}  // namespace runtime::api::crypto
