#pragma once

#include <openssl/ssl.h>
#include <v8.h>

namespace runtime::api {

// What node:tls reports about a finished handshake, for the JS side of TLSSocket:
// [authorizationError, peerCertificate, alpnProtocol, protocol, cipher].
// authorizationError is null when the chain verified, else [code, message] as Node names
// them ("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate").
// peerCertificate is undefined without one,
// else [subject, issuer, subjectaltname, valid_from, valid_to, serialNumber, raw DER]
// with subject and issuer as [[shortName, value]...]. alpnProtocol is the protocol the
// server chose, or null; protocol the TLS version ("TLSv1.3"); cipher [OpenSSL's name,
// the standard name, the version it came with]. The name check is left to
// tls.checkServerIdentity in JS, as Node does.
v8::Local<v8::Value> node_tls_peer(v8::Isolate* isolate, SSL* ssl);

}  // namespace runtime::api
