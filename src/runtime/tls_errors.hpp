#pragma once

#include <openssl/ssl.h>

#include <string>

namespace runtime {

// Whether an OpenSSL error code (the value of asio's ssl error category) says the
// handshake failed because the peer's certificate was refused.
bool certificate_refused(unsigned long error);

// Why `ssl`'s handshake refused the peer's certificate, in rustls's words as Deno prints
// them after "invalid peer certificate: " ("UnknownIssuer", "Expired", "NotValidForName");
// OpenSSL's own words for what rustls has no name for.
std::string certificate_error(const SSL* ssl);

}  // namespace runtime
