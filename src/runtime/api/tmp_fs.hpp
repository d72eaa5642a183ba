#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace runtime::api {

// A worker's file system as the function sees it (Supabase's user-worker rules): a private,
// writable folder it sees as `/tmp`, made on first use under the system temp dir (mode
// 0700) and removed with the worker; its own folder, read-only; nothing else. Files the
// function opens are kept here by resource id, so the worker's end closes them. No V8, no
// asio: plain paths and file descriptors. Worker thread only.
class TmpFs {
 public:
  // `function_root`: the function's folder (empty when it has none on disk); `quota`:
  // the most bytes the files under /tmp may hold together; `extra_files`: absolute paths
  // the source provider serves (static files), `outside` here even below the real /tmp.
  // `host_files`: a main service, which has the host's file system as it is (edge-runtime's
  // main worker has every permission): any path, read and write, the real /tmp, no quota.
  TmpFs(std::filesystem::path function_root, std::uint64_t quota,
        std::vector<std::filesystem::path> extra_files = {}, bool host_files = false);
  ~TmpFs();
  TmpFs(const TmpFs&) = delete;
  TmpFs& operator=(const TmpFs&) = delete;

  enum class Place { tmp, function, outside };
  struct Resolved {
    Place place = Place::outside;
    std::filesystem::path real;  // where the file lives on disk (tmp and function only)
  };
  // `path` as the function wrote it (absolute, or relative to its folder and then never
  // in /tmp; `..` allowed).
  // Symlinks are followed and the target checked too: one leading out of /tmp or out of
  // the function's folder is `outside`. With follow_last false the last component itself
  // is not followed (lstat, remove, rename).
  Resolved resolve(const std::string& path, bool follow_last);
  // The real path shown as the function sees it (under /tmp), for names it gets back.
  std::string visible(const std::filesystem::path& real) const;
  const std::filesystem::path& dir();  // made on first use; throws std::system_error
  const std::filesystem::path& function_root() const { return m_root; }
  bool host_files() const { return m_host_files; }

  // Bytes held by the files under /tmp now, and what the quota allows.
  std::uint64_t usage();
  std::uint64_t quota() const { return m_quota; }

  // Open files, by resource id.
  std::uint32_t add(int fd);
  std::optional<int> fd(std::uint32_t rid) const;
  bool close(std::uint32_t rid);

 private:
  std::filesystem::path m_root;
  std::uint64_t m_quota;
  std::vector<std::filesystem::path> m_extra_files;  // sorted
  bool m_host_files;
  std::filesystem::path m_dir;  // empty until made
  std::unordered_map<std::uint32_t, int> m_files;
  std::uint32_t m_next_rid = 3;  // 0-2 are stdio in Deno
};

}  // namespace runtime::api
