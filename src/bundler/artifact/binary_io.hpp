#pragma once

// The artifact's byte-level vocabulary (docs/artifact.md, "Layout"): the header's
// constants, little-endian u32s, length-prefixed byte strings, and a reader that checks
// every length against the end of its section before it touches a byte.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bundler::artifact_io {

inline constexpr std::string_view k_magic{"SBFNART\0", 8};
// magic, format version, total length
inline constexpr std::size_t k_header_size = 16;
inline constexpr std::size_t k_checksum_size = 32;
// Every section, in the order the file holds them.
inline constexpr std::string_view k_meta_tag = "META";
inline constexpr std::string_view k_modules_tag = "MODS";
inline constexpr std::string_view k_redirects_tag = "REDR";
inline constexpr std::string_view k_files_tag = "FILE";

// The 32 raw bytes of the SHA-256 of `data`.
std::string sha256(std::string_view data);

// Appends the format's primitives to one string. Lengths past what a u32 holds are a
// util::Error naming `what` (prefixed by `context`), never a silent wrap.
class ByteWriter {
 public:
  explicit ByteWriter(std::string context) : m_context(std::move(context)) {}
  void u32(std::size_t value, std::string_view what);
  // u32 length, then the bytes.
  void bytes(std::string_view data, std::string_view what);
  void raw(std::string_view data) { m_out.append(data); }
  void reserve(std::size_t size) { m_out.reserve(size); }
  // Overwrites the u32 at `offset` (a length known only once its body is written).
  void patch_u32(std::size_t offset, std::size_t value, std::string_view what);
  std::size_t size() const { return m_out.size(); }
  std::string take() { return std::move(m_out); }

 private:
  std::uint32_t checked(std::size_t value, std::string_view what) const;

  std::string m_context;
  std::string m_out;
};

// Reads a run of bytes: a section's body, or the run of sections. `base` is the run's
// offset in the file, so messages give file offsets; `where` names the run in them ("the
// MODS section"). Every failure is util::Error("<file>: corrupt: ...").
class ByteReader {
 public:
  ByteReader(std::string_view data, std::size_t base, std::string where,
             const std::string& file_name)
      : m_data(data), m_base(base), m_where(std::move(where)), m_file_name(file_name) {}
  std::uint32_t u32(std::string_view what);
  // u32 length, then the bytes.
  std::string_view bytes(std::string_view what);
  // `count` bytes with no length before them.
  std::string_view raw(std::size_t count, std::string_view what);
  // Everything not read yet.
  std::string_view rest() { return raw(m_data.size() - m_position, "the rest"); }
  bool at_end() const { return m_position == m_data.size(); }
  std::size_t file_offset() const { return m_base + m_position; }
  [[noreturn]] void fail(const std::string& problem) const;

 private:
  std::string_view m_data;
  std::size_t m_position = 0;
  std::size_t m_base;
  std::string m_where;
  const std::string& m_file_name;
};

// Little-endian u32 at `data[offset]`; the caller has checked the bounds.
std::uint32_t load_u32(std::string_view data, std::size_t offset);

// `text` with bytes outside printable ASCII as \xNN, clipped: for quoting what a corrupt
// file holds in a message.
std::string printable(std::string_view text);

}  // namespace bundler::artifact_io
