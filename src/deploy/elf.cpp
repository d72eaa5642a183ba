// The ELF reading ld.so does, for one file: program headers, PT_INTERP, PT_DYNAMIC and the
// dynamic string table (found through the PT_LOAD segment that maps it).
#include "deploy/elf.hpp"

#include "util/error.hpp"

#include <elf.h>

#include <cstring>
#include <fstream>

namespace deploy {
namespace {

namespace fs = std::filesystem;

class ElfFile {
 public:
  explicit ElfFile(const fs::path& path) : m_path(path), m_in(path, std::ios::binary) {
    if (!m_in) {
      throw util::Error("cannot read " + path.string());
    }
    m_in.seekg(0, std::ios::end);
    m_size = static_cast<std::uint64_t>(m_in.tellg());
  }

  // `count` bytes at `offset`, or a util::Error when they lie past the end.
  std::string read(std::uint64_t offset, std::uint64_t count) {
    if (offset > m_size || count > m_size - offset) {
      throw util::Error(m_path.string() + " is truncated or not a valid ELF file");
    }
    std::string out(count, '\0');
    m_in.seekg(static_cast<std::streamoff>(offset));
    m_in.read(out.data(), static_cast<std::streamsize>(count));
    return out;
  }

  template <typename T>
  T read_struct(std::uint64_t offset) {
    auto bytes = read(offset, sizeof(T));
    T value;
    std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
  }

 private:
  fs::path m_path;
  std::ifstream m_in;
  std::uint64_t m_size = 0;
};

bool header_is_x86_64(const Elf64_Ehdr& header) {
  return std::memcmp(header.e_ident, ELFMAG, SELFMAG) == 0 &&
         header.e_ident[EI_CLASS] == ELFCLASS64 && header.e_ident[EI_DATA] == ELFDATA2LSB &&
         header.e_machine == EM_X86_64;
}

std::vector<std::string> split_path_list(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(':', start);
    if (end == std::string::npos) {
      end = list.size();
    }
    if (end > start) {
      out.push_back(list.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

std::string c_string_at(const std::string& table, std::uint64_t offset, const fs::path& path) {
  if (offset >= table.size()) {
    throw util::Error(path.string() + ": a dynamic entry points past the string table");
  }
  return std::string(table.c_str() + offset);
}

}  // namespace

bool is_x86_64_elf(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  Elf64_Ehdr header{};
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header)) {
    return false;
  }
  return header_is_x86_64(header);
}

ElfDynamic read_elf_dynamic(const fs::path& path) {
  if (!is_x86_64_elf(path)) {  // also what is too short to hold an ELF header
    throw util::Error(path.string() + " is not a 64-bit x86-64 ELF file");
  }
  ElfFile file(path);
  auto header = file.read_struct<Elf64_Ehdr>(0);
  if (header.e_phentsize != sizeof(Elf64_Phdr)) {
    throw util::Error(path.string() + " has program headers of an unexpected size");
  }
  std::vector<Elf64_Phdr> segments;
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    segments.push_back(file.read_struct<Elf64_Phdr>(header.e_phoff + i * sizeof(Elf64_Phdr)));
  }

  ElfDynamic out;
  const Elf64_Phdr* dynamic = nullptr;
  for (const auto& segment : segments) {
    if (segment.p_type == PT_INTERP) {
      auto bytes = file.read(segment.p_offset, segment.p_filesz);
      out.interpreter = std::string(bytes.c_str());  // up to its NUL
    } else if (segment.p_type == PT_DYNAMIC) {
      dynamic = &segment;
    }
  }
  if (dynamic == nullptr) {
    return out;  // a static executable: nothing to load
  }

  std::vector<Elf64_Dyn> entries;
  for (std::uint64_t at = 0; at + sizeof(Elf64_Dyn) <= dynamic->p_filesz; at += sizeof(Elf64_Dyn)) {
    auto entry = file.read_struct<Elf64_Dyn>(dynamic->p_offset + at);
    if (entry.d_tag == DT_NULL) {
      break;
    }
    entries.push_back(entry);
  }
  std::uint64_t strtab_address = 0;
  std::uint64_t strtab_size = 0;
  for (const auto& entry : entries) {
    if (entry.d_tag == DT_STRTAB) {
      strtab_address = entry.d_un.d_ptr;
    } else if (entry.d_tag == DT_STRSZ) {
      strtab_size = entry.d_un.d_val;
    }
  }
  // DT_STRTAB is a virtual address: the PT_LOAD segment holding it says where it is in
  // the file.
  std::string strings;
  for (const auto& segment : segments) {
    if (segment.p_type == PT_LOAD && strtab_address >= segment.p_vaddr &&
        strtab_address - segment.p_vaddr < segment.p_filesz) {
      strings = file.read(segment.p_offset + (strtab_address - segment.p_vaddr), strtab_size);
      break;
    }
  }
  if (strings.empty() && !entries.empty()) {
    throw util::Error(path.string() + ": the dynamic string table is not in any loaded segment");
  }
  for (const auto& entry : entries) {
    switch (entry.d_tag) {
      case DT_NEEDED:
        out.needed.push_back(c_string_at(strings, entry.d_un.d_val, path));
        break;
      case DT_SONAME:
        out.soname = c_string_at(strings, entry.d_un.d_val, path);
        break;
      case DT_RPATH:
        out.rpath = split_path_list(c_string_at(strings, entry.d_un.d_val, path));
        break;
      case DT_RUNPATH:
        out.runpath = split_path_list(c_string_at(strings, entry.d_un.d_val, path));
        break;
      default:
        break;
    }
  }
  return out;
}

}  // namespace deploy
