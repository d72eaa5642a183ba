#include "util/trusted_roots.hpp"

#include "util/files.hpp"

#include <cstdlib>

namespace util {

const std::string& trusted_roots_from_env() {
  static const std::string roots = [] {
    std::string extra;
    for (const char* name : {"DENO_CERT", "SSL_CERT_FILE"}) {
      if (const char* file = std::getenv(name); file && *file) {
        if (auto text = try_read_file(file)) {
          extra += *text + "\n";
        }
      }
    }
    if (extra.empty()) {
      return extra;
    }
    for (const char* file :
         {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"}) {
      if (auto text = try_read_file(file)) {
        return *text + "\n" + extra;
      }
    }
    return extra;
  }();
  return roots;
}

}  // namespace util
