#include "bundler/artifact/binary_io.hpp"

#include "util/error.hpp"

#include <openssl/evp.h>

#include <limits>

namespace bundler::artifact_io {

std::string sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1 ||
      length != k_checksum_size) {
    throw util::Error("SHA-256 is not available from OpenSSL");
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

namespace {

void append_u32(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) {
    out += static_cast<char>((value >> shift) & 0xff);
  }
}

}  // namespace

std::uint32_t ByteWriter::checked(std::size_t value, std::string_view what) const {
  if (value > std::numeric_limits<std::uint32_t>::max()) {
    throw util::Error(m_context + ": " + std::string(what) +
                      " is 4 GiB or more, more than the format's 32-bit lengths hold");
  }
  return static_cast<std::uint32_t>(value);
}

void ByteWriter::u32(std::size_t value, std::string_view what) {
  append_u32(m_out, checked(value, what));
}

void ByteWriter::bytes(std::string_view data, std::string_view what) {
  u32(data.size(), what);
  m_out.append(data);
}

void ByteWriter::patch_u32(std::size_t offset, std::size_t value, std::string_view what) {
  std::string encoded;
  append_u32(encoded, checked(value, what));
  m_out.replace(offset, encoded.size(), encoded);
}

std::uint32_t load_u32(std::string_view data, std::size_t offset) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(data[offset + static_cast<std::size_t>(i)]);
  }
  return value;
}

std::string printable(std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  static constexpr std::size_t k_max = 80;
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < k_max; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  if (text.size() > k_max) {
    out += "...";
  }
  return out;
}

std::string_view ByteReader::raw(std::size_t count, std::string_view what) {
  // Compared as "count > what is left", so no addition can wrap.
  if (count > m_data.size() - m_position) {
    fail(std::string(what) + " at byte " + std::to_string(file_offset()) +
         " runs past the end of " + m_where);
  }
  auto out = m_data.substr(m_position, count);
  m_position += count;
  return out;
}

std::uint32_t ByteReader::u32(std::string_view what) {
  auto data = raw(4, what);
  return load_u32(data, 0);
}

std::string_view ByteReader::bytes(std::string_view what) {
  auto start = file_offset();
  auto length = u32(what);
  if (length > m_data.size() - m_position) {
    fail(std::string(what) + " at byte " + std::to_string(start) + " (" + std::to_string(length) +
         " bytes) runs past the end of " + m_where);
  }
  return raw(length, what);
}

void ByteReader::fail(const std::string& problem) const {
  throw util::Error(m_file_name + ": corrupt: " + problem);
}

}  // namespace bundler::artifact_io
