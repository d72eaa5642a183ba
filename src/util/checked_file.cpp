#include "util/checked_file.hpp"

#include "util/files.hpp"
#include "util/hash.hpp"

namespace util {
namespace {

constexpr std::string_view k_prefix = "\n//sbfn-sha256:";
constexpr std::size_t k_trailer_size = k_prefix.size() + 64 + 1;  // hex digest, newline

}  // namespace

void write_checked_file(const std::filesystem::path& path, std::string_view content) {
  std::string text;
  text.reserve(content.size() + k_trailer_size);
  text.append(content).append(k_prefix).append(sha256_hex(content)).append("\n");
  write_file_atomic(path, text);
}

std::optional<std::string> read_checked_file(const std::filesystem::path& path) {
  auto text = try_read_file(path);
  if (!text || text->size() < k_trailer_size || text->back() != '\n') {
    return std::nullopt;
  }
  auto body_size = text->size() - k_trailer_size;
  std::string_view trailer(text->data() + body_size, k_trailer_size);
  if (!trailer.starts_with(k_prefix) || trailer.substr(k_prefix.size(), 64) !=
                                            sha256_hex(std::string_view(text->data(), body_size))) {
    return std::nullopt;
  }
  text->resize(body_size);
  return text;
}

}  // namespace util
