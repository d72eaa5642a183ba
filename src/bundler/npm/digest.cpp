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

std::string hex(std::string_view raw) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  auto size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                              reinterpret_cast<const unsigned char*>(bytes.data()),
                              static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(size));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string padded(text);
  while (padded.size() % 4 != 0) {
    padded += '=';
  }
  for (char c : padded) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
    if (!ok) {
      return std::nullopt;
    }
  }
  std::string out(3 * padded.size() / 4, '\0');
  auto size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                              reinterpret_cast<const unsigned char*>(padded.data()),
                              static_cast<int>(padded.size()));
  if (size < 0) {
    return std::nullopt;
  }
  // EVP_DecodeBlock counts the padding as zero bytes; drop them.
  auto padding = padded.size() - padded.find_last_not_of('=') - 1;
  out.resize(static_cast<std::size_t>(size) - padding);
  return out;
}

}  // namespace bundler::npm_digest
