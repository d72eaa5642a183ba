#pragma once

#include <string>

namespace util {

// The system's CA certificates plus those in the files DENO_CERT and SSL_CERT_FILE name,
// as PEM, read once per process; empty when neither variable is set (curl's own CA store
// then serves, cached across connections: a CA blob set on every handle costs ~20 ms per
// connection even for plain http). Shared by the bundler's downloads and registry pushes.
const std::string& trusted_roots_from_env();

}  // namespace util
