#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace util {

// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// Lower-case hex of raw bytes.
std::string hex(std::string_view raw);

// SHA-256 over data given in pieces (a layer streamed through it while it is written).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  // Lowercase hex of everything given so far; the hasher must not be updated afterwards.
  std::string hex_digest();

 private:
  struct Context;
  std::unique_ptr<Context> m_context;
};

}  // namespace util
