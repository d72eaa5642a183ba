#include "bundler/npm/digest.hpp"

#include <openssl/evp.h>

#include <memory>

namespace bundler::npm_digest {

std::string digest(Algorithm algorithm, std::string_view bytes) {
  const EVP_MD* md = algorithm == Algorithm::sha1 ? EVP_sha1() : EVP_sha512();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), out, &size, md, nullptr);
  return std::string(reinterpret_cast<const char*>(out), size);
}

}  // namespace bundler::npm_digest
