// glibc's /etc/ld.so.cache, new format (elf/dl-cache.h: struct cache_file_new): a 48-byte
// header, then 24-byte entries whose key (soname) and value (path) are offsets from the
// start of the file.
#include "deploy/elf.hpp"
#include "util/files.hpp"

#include <cstdint>
#include <cstring>

namespace deploy {
namespace {

constexpr std::string_view k_magic = "glibc-ld.so.cache1.1";
constexpr std::size_t k_header_size = 48;
constexpr std::size_t k_entry_size = 24;
constexpr std::uint32_t k_flag_elf_libc6 = 0x0003;  // FLAG_ELF_LIBC6
constexpr std::uint32_t k_flag_x86_64 = 0x0300;     // FLAG_X8664_LIB64
constexpr std::uint32_t k_flag_type_mask = 0x00ff;
constexpr std::uint32_t k_flag_required_mask = 0xff00;

std::uint32_t u32_at(const std::string& bytes, std::size_t offset) {
  std::uint32_t value = 0;
  std::memcpy(&value, bytes.data() + offset, sizeof value);  // little-endian, as the host
  return value;
}

}  // namespace

std::map<std::string, std::filesystem::path> read_ld_so_cache(const std::filesystem::path& file) {
  std::map<std::string, std::filesystem::path> out;
  auto bytes = util::try_read_file(file);
  if (!bytes || bytes->size() < k_header_size || !bytes->starts_with(k_magic)) {
    return out;
  }
  auto count = u32_at(*bytes, 20);
  if (count > (bytes->size() - k_header_size) / k_entry_size) {
    return out;  // a damaged cache: ld.so would ignore it too
  }
  auto string_at = [&](std::uint32_t offset) -> std::string {
    if (offset >= bytes->size()) {
      return {};
    }
    return std::string(bytes->c_str() + offset);
  };
  for (std::uint32_t i = 0; i < count; ++i) {
    auto at = k_header_size + i * k_entry_size;
    auto flags = u32_at(*bytes, at);
    if ((flags & k_flag_type_mask) != k_flag_elf_libc6 ||
        (flags & k_flag_required_mask) != k_flag_x86_64) {
      continue;
    }
    auto soname = string_at(u32_at(*bytes, at + 4));
    auto path = string_at(u32_at(*bytes, at + 8));
    if (!soname.empty() && !path.empty()) {
      out.try_emplace(soname, path);
    }
  }
  return out;
}

}  // namespace deploy
