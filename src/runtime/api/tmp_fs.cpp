#include "runtime/api/tmp_fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace runtime::api {
namespace fs = std::filesystem;
namespace {

// `inner` is `outer` or below it (both absolute and normal).
bool within(const fs::path& inner, const fs::path& outer) {
  auto [end, _] = std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return end == outer.end();
}

// Symlinks resolved as far as the path exists; the last component kept as is when
// `follow_last` is false.
fs::path real_path(const fs::path& path, bool follow_last) {
  std::error_code ec;
  if (follow_last || !path.has_parent_path() || path == path.root_path()) {
    auto out = fs::weakly_canonical(path, ec);
    return ec ? path : out;
  }
  auto parent = fs::weakly_canonical(path.parent_path(), ec);
  return ec ? path : parent / path.filename();
}

}  // namespace

TmpFs::TmpFs(fs::path function_root, std::uint64_t quota, std::vector<fs::path> extra_files,
             bool host_files)
    : m_quota(quota), m_extra_files(std::move(extra_files)), m_host_files(host_files) {
  for (auto& file : m_extra_files) {
    file = file.lexically_normal();
  }
  std::sort(m_extra_files.begin(), m_extra_files.end());
  std::error_code ec;
  if (!function_root.empty()) {
    auto canonical = fs::canonical(function_root, ec);
    m_root = ec ? function_root.lexically_normal() : canonical;
  }
}

TmpFs::~TmpFs() {
  for (auto& [rid, fd] : m_files) {
    ::close(fd);
  }
  if (!m_dir.empty()) {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
}

const fs::path& TmpFs::dir() {
  if (m_dir.empty()) {
    auto pattern = (fs::temp_directory_path() / "sbfn-tmp-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {  // mkdtemp makes it 0700
      throw std::system_error(errno, std::generic_category(), "mkdtemp");
    }
    m_dir = fs::canonical(pattern);
  }
  return m_dir;
}

TmpFs::Resolved TmpFs::resolve(const std::string& path, bool follow_last) {
  fs::path given(path);
  // A relative path is the function's folder's (Deno.cwd()), never /tmp: with the folder
  // itself under the real /tmp, "../x" must not land in the private one.
  bool relative = given.is_relative();
  if (relative) {
    given = (m_root.empty() ? fs::path("/") : m_root) / given;
  }
  auto normal = given.lexically_normal();
  if (normal.has_filename() == false && normal != normal.root_path()) {
    normal = normal.parent_path();  // "a/b/" -> "a/b"
  }
  // The function's folder first: it may itself lie below the real /tmp.
  if (!m_root.empty() && within(normal, m_root)) {
    auto checked = real_path(normal, follow_last);
    return within(checked, m_root) ? Resolved{Place::function, checked} : Resolved{};
  }
  static const fs::path tmp("/tmp");
  if (std::binary_search(m_extra_files.begin(), m_extra_files.end(), normal)) {
    return {};  // the source provider's (static_files)
  }
  if (m_host_files) {
    return {Place::tmp, real_path(normal, follow_last)};
  }
  if (!relative && within(normal, tmp)) {
    auto rest = normal.lexically_relative(tmp);
    auto real = rest == "." ? dir() : (dir() / rest).lexically_normal();
    auto checked = real_path(real, follow_last);
    if (within(checked, m_dir)) {
      return {Place::tmp, checked};
    }
    return {};
  }
  return {};
}

std::string TmpFs::visible(const fs::path& real) const {
  if (!m_dir.empty() && within(real, m_dir)) {
    auto rest = real.lexically_relative(m_dir);
    return rest == "." ? "/tmp" : (fs::path("/tmp") / rest).string();
  }
  return real.string();
}

std::uint64_t TmpFs::usage() {
  std::uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir(), ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      auto size = it->file_size(size_ec);
      total += size_ec ? 0 : size;
    }
  }
  return total;
}

std::uint32_t TmpFs::add(int fd) {
  auto rid = m_next_rid++;
  m_files.emplace(rid, fd);
  return rid;
}

std::optional<int> TmpFs::fd(std::uint32_t rid) const {
  auto it = m_files.find(rid);
  if (it == m_files.end()) {
    return std::nullopt;
  }
  return it->second;
}

bool TmpFs::close(std::uint32_t rid) {
  auto it = m_files.find(rid);
  if (it == m_files.end()) {
    return false;
  }
  ::close(it->second);
  m_files.erase(it);
  return true;
}

}  // namespace runtime::api
