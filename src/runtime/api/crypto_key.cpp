#include "runtime/api/crypto_key.hpp"

#include "runtime/v8_util.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace runtime::api::crypto {
namespace {

// Runs when V8 frees the handle's backing store: after the handle is collected, or when
// the isolate is disposed. It may run on a GC thread, so it makes no V8 call.
void free_key(void* /*data*/, std::size_t /*length*/, void* owner) {
  auto* key = static_cast<Key*>(owner);
  if (key->secret != nullptr) {
    OPENSSL_cleanse(key->secret, key->secret_size);
    key->allocator->Free(key->secret, key->secret_size);
  }
  EVP_PKEY_free(key->pkey);
  delete key;
}

v8::Local<v8::Value> wrap(v8::Isolate* isolate, Key* key) {
  return new_handle(isolate, &key->anchor, 1, free_key, key);
}

}  // namespace

v8::MaybeLocal<v8::Value> new_secret_handle(v8::Isolate* isolate, const unsigned char* bytes,
                                            std::size_t size) {
  auto* key = new Key;
  key->allocator = isolate->GetArrayBufferAllocator();
  if (size > 0) {
    key->secret = static_cast<unsigned char*>(key->allocator->AllocateUninitialized(size));
    if (key->secret == nullptr) {
      delete key;
      throw_range_error(isolate, "Array buffer allocation failed");
      return {};
    }
    key->secret_size = size;
    if (bytes != nullptr) {
      std::memcpy(key->secret, bytes, size);
    } else if (RAND_bytes(key->secret, static_cast<int>(size)) != 1) {
      free_key(nullptr, 0, key);
      throw_error(isolate, "the system's random number generator failed");
      return {};
    }
  }
  return wrap(isolate, key);
}

v8::Local<v8::Value> new_pkey_handle(v8::Isolate* isolate, EVP_PKEY* pkey, bool is_private) {
  auto* key = new Key;
  key->pkey = pkey;
  key->is_private = is_private;
  return wrap(isolate, key);
}

v8::Local<v8::Value> new_handle(v8::Isolate* isolate, void* anchor, std::size_t size,
                                v8::BackingStore::DeleterCallback free, void* owner) {
  auto store = v8::ArrayBuffer::NewBackingStore(anchor, size, free, owner);
  return v8::ArrayBuffer::New(isolate, std::move(store));
}

void* handle_anchor(v8::Isolate* isolate, v8::Local<v8::Value> handle, std::size_t size,
                    std::string_view what) {
  // SAFETY: handles only ever come from the runtime's own objects (private fields user
  // code cannot reach), so a buffer of this size here is one that new_handle made.
  std::shared_ptr<v8::BackingStore> store;
  if (handle->IsArrayBuffer()) {
    store = handle.As<v8::ArrayBuffer>()->GetBackingStore();
  }
  if (!store || store->ByteLength() != size || store->Data() == nullptr) {
    throw_type_error(isolate, std::string("not a ") + std::string(what) + " handle");
    return nullptr;
  }
  return store->Data();
}

Key* key_of(v8::Isolate* isolate, v8::Local<v8::Value> handle) {
  static_assert(offsetof(Key, anchor) == 0);
  return static_cast<Key*>(handle_anchor(isolate, handle, 1, "CryptoKey"));
}

v8::MaybeLocal<v8::ArrayBuffer> bytes_to_buffer(v8::Isolate* isolate, const unsigned char* bytes,
                                                std::size_t size) {
  v8::Local<v8::ArrayBuffer> buffer;
  if (!new_array_buffer(isolate, size).ToLocal(&buffer)) {
    return {};
  }
  if (size > 0) {
    std::memcpy(buffer->Data(), bytes, size);
  }
  return buffer;
}

void throw_openssl_error(v8::Isolate* isolate, std::string_view what) {
  std::string message(what);
  if (auto code = ERR_peek_last_error(); code != 0) {
    char reason[256];
    ERR_error_string_n(code, reason, sizeof reason);
    message += " (";
    message += reason;
    message += ")";
  }
  ERR_clear_error();
  throw_error(isolate, message);
}

EVP_PKEY* public_copy(EVP_PKEY* pkey) {
  unsigned char* der = nullptr;
  int length = i2d_PUBKEY(pkey, &der);
  if (length <= 0) {
    return nullptr;
  }
  const unsigned char* cursor = der;
  EVP_PKEY* out = d2i_PUBKEY(nullptr, &cursor, length);
  OPENSSL_free(der);
  return out;
}

const EVP_MD* digest_by_name(std::string name) {
  if (const EVP_MD* md = EVP_get_digestbyname(name.c_str())) {
    return md;
  }
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return EVP_get_digestbyname(name.c_str());
}

const EVP_MD* digest_named(std::string_view name) {
  if (name == "SHA-1") {
    return EVP_sha1();
  }
  if (name == "SHA-256") {
    return EVP_sha256();
  }
  if (name == "SHA-384") {
    return EVP_sha384();
  }
  if (name == "SHA-512") {
    return EVP_sha512();
  }
  return nullptr;
}

}  // namespace runtime::api::crypto
