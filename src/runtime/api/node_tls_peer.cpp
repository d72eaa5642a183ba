#include "runtime/api/node_tls_peer.hpp"

#include "runtime/api/openssl_handles.hpp"
#include "runtime/v8_util.hpp"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <memory>
#include <string>

namespace runtime::api {
namespace {

// Node's codes for OpenSSL's verify results: the X509_V_ERR_ names without the prefix.
const char* verify_code(long result) {
  switch (result) {
#define SBFN_CODE(name)   \
  case X509_V_ERR_##name: \
    return #name;
    SBFN_CODE(UNABLE_TO_GET_ISSUER_CERT)
    SBFN_CODE(UNABLE_TO_GET_CRL)
    SBFN_CODE(UNABLE_TO_DECRYPT_CERT_SIGNATURE)
    SBFN_CODE(UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY)
    SBFN_CODE(CERT_SIGNATURE_FAILURE)
    SBFN_CODE(CERT_NOT_YET_VALID)
    SBFN_CODE(CERT_HAS_EXPIRED)
    SBFN_CODE(ERROR_IN_CERT_NOT_BEFORE_FIELD)
    SBFN_CODE(ERROR_IN_CERT_NOT_AFTER_FIELD)
    SBFN_CODE(DEPTH_ZERO_SELF_SIGNED_CERT)
    SBFN_CODE(SELF_SIGNED_CERT_IN_CHAIN)
    SBFN_CODE(UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
    SBFN_CODE(UNABLE_TO_VERIFY_LEAF_SIGNATURE)
    SBFN_CODE(CERT_CHAIN_TOO_LONG)
    SBFN_CODE(CERT_REVOKED)
    SBFN_CODE(INVALID_CA)
    SBFN_CODE(PATH_LENGTH_EXCEEDED)
    SBFN_CODE(INVALID_PURPOSE)
    SBFN_CODE(CERT_UNTRUSTED)
    SBFN_CODE(CERT_REJECTED)
    SBFN_CODE(HOSTNAME_MISMATCH)
#undef SBFN_CODE
    default:
      return "UNSPECIFIED";
  }
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  auto size = BIO_get_mem_data(bio, &data);
  return std::string(data, size > 0 ? static_cast<std::size_t>(size) : 0);
}

// [[shortName, value]...] in the name's order.
v8::Local<v8::Value> name_entries(v8::Isolate* isolate, const X509_NAME* name) {
  auto context = isolate->GetCurrentContext();
  auto out = v8::Array::New(isolate);
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const auto* entry = X509_NAME_get_entry(name, i);
    auto nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    unsigned char* utf8 = nullptr;
    auto length = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    if (length < 0) {
      continue;
    }
    const char* key = nid == NID_undef ? "UNDEF" : OBJ_nid2sn(nid);
    v8::Local<v8::Value> pair[] = {
        v8_str(isolate, key), v8_str(isolate, std::string(reinterpret_cast<char*>(utf8), length))};
    OPENSSL_free(utf8);
    std::ignore = out->Set(context, out->Length(), v8::Array::New(isolate, pair, 2));
  }
  return out;
}

// "DNS:localhost, IP Address:127.0.0.1", as Node's subjectaltname reads.
std::string alt_names(X509* cert) {
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) {
    return "";
  }
  Bio bio(BIO_new(BIO_s_mem()));
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    if (i > 0) {
      BIO_puts(bio.get(), ", ");
    }
    GENERAL_NAME_print(bio.get(), sk_GENERAL_NAME_value(names, i));
  }
  GENERAL_NAMES_free(names);
  return bio_text(bio.get());
}

// "Jan  1 00:00:00 2026 GMT"
std::string time_text(const ASN1_TIME* time) {
  Bio bio(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(bio.get(), time);
  return bio_text(bio.get());
}

std::string serial_hex(X509* cert) {
  auto* number = ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr);
  if (number == nullptr) {
    return "";
  }
  char* hex = BN_bn2hex(number);
  std::string text = hex == nullptr ? "" : hex;
  OPENSSL_free(hex);
  BN_free(number);
  return text;
}

v8::Local<v8::Value> certificate(v8::Isolate* isolate, X509* cert) {
  auto length = i2d_X509(cert, nullptr);
  auto raw = v8::ArrayBuffer::New(isolate, length > 0 ? length : 0);
  if (length > 0) {
    auto* out = static_cast<unsigned char*>(raw->GetBackingStore()->Data());
    i2d_X509(cert, &out);
  }
  v8::Local<v8::Value> items[] = {name_entries(isolate, X509_get_subject_name(cert)),
                                  name_entries(isolate, X509_get_issuer_name(cert)),
                                  v8_str(isolate, alt_names(cert)),
                                  v8_str(isolate, time_text(X509_get0_notBefore(cert))),
                                  v8_str(isolate, time_text(X509_get0_notAfter(cert))),
                                  v8_str(isolate, serial_hex(cert)),
                                  raw};
  return v8::Array::New(isolate, items, std::size(items));
}

}  // namespace

v8::Local<v8::Value> node_tls_peer(v8::Isolate* isolate, SSL* ssl) {
  v8::Local<v8::Value> error = v8::Null(isolate);
  auto result = SSL_get_verify_result(ssl);
  if (result != X509_V_OK) {
    v8::Local<v8::Value> pair[] = {v8_str(isolate, verify_code(result)),
                                   v8_str(isolate, X509_verify_cert_error_string(result))};
    error = v8::Array::New(isolate, pair, 2);
  }
  v8::Local<v8::Value> cert = v8::Undefined(isolate);
  if (auto* peer = SSL_get1_peer_certificate(ssl)) {
    cert = certificate(isolate, peer);
    X509_free(peer);
  }
  v8::Local<v8::Value> alpn = v8::Null(isolate);
  const unsigned char* chosen = nullptr;
  unsigned length = 0;
  SSL_get0_alpn_selected(ssl, &chosen, &length);
  if (chosen != nullptr && length > 0) {
    alpn = v8_str(isolate, std::string(reinterpret_cast<const char*>(chosen), length));
  }
  v8::Local<v8::Value> cipher = v8::Null(isolate);
  if (const auto* current = SSL_get_current_cipher(ssl)) {
    v8::Local<v8::Value> parts[] = {v8_str(isolate, SSL_CIPHER_get_name(current)),
                                    v8_str(isolate, SSL_CIPHER_standard_name(current)),
                                    v8_str(isolate, SSL_CIPHER_get_version(current))};
    cipher = v8::Array::New(isolate, parts, std::size(parts));
  }
  v8::Local<v8::Value> items[] = {error, cert, alpn, v8_str(isolate, SSL_get_version(ssl)), cipher};
  return v8::Array::New(isolate, items, std::size(items));
}

}  // namespace runtime::api
