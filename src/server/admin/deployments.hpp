#pragma once

// What the admin API keeps on disk under `serve --state-dir`, so that deployed functions
// and secrets survive a restart. Every file is written atomically and durably, and the
// folder is readable by the server's user alone:
//
//   <dir>/deployments.json                 versions per function, which one is served
//   <dir>/functions/<slug>/<version>.sbfn  the uploaded artifacts
//   <dir>/secrets.json                     secrets, given to functions as env

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace server::admin {

struct DeployedVersion {
  int version = 0;
  std::string digest;       // sha256:<hex> of the artifact
  std::string deployed_at;  // RFC 3339, UTC
  bool verify_jwt = true;
  std::uint64_t size = 0;
};

struct DeployedFunction {
  std::string slug;
  int current = 0;                        // the version served
  std::vector<DeployedVersion> versions;  // oldest first; the newest k_versions_kept

  const DeployedVersion* current_version() const;
};

constexpr std::size_t k_versions_kept = 10;

class Deployments {
 public:
  // Reads the state there (creating the folder, mode 0700); throws util::Error for a
  // state file that cannot be read or parsed. What an earlier run left unfinished (killed
  // in the middle of a deploy: temporary files, a version staged and never committed) is
  // removed, and said in leftovers().
  explicit Deployments(std::filesystem::path dir);

  // One line per file removed at start, for the server's log.
  const std::vector<std::string>& leftovers() const { return m_leftovers; }

  const std::filesystem::path& dir() const { return m_dir; }
  std::vector<DeployedFunction> list() const;
  std::optional<DeployedFunction> find(std::string_view slug) const;
  std::filesystem::path artifact_path(std::string_view slug, int version) const;

  // Writes `artifact` as the function's next version, not served yet: commit() makes it
  // current, discard() forgets it. Throws util::Error (a full disk: nothing changed).
  DeployedVersion stage(const std::string& slug, std::string_view artifact, bool verify_jwt);
  void discard(const std::string& slug, int version);
  // Makes `version` (staged or kept) the one served, and drops versions beyond the kept.
  // Throws util::WriteError with nothing changed, in memory or on disk.
  void commit(const std::string& slug, const DeployedVersion& version);
  void make_current(const std::string& slug, int version);
  // Forgets the function and its artifacts.
  void remove(const std::string& slug);

 private:
  using Functions = std::map<std::string, DeployedFunction, std::less<>>;
  // Writes `next` as the state on disk, then makes it the state in memory, with m_mutex
  // held: a write that fails (a full disk) throws util::WriteError and changes neither, so
  // --list never shows, and the next deploy never numbers after, a version that is gone.
  void replace(Functions next);
  void remove_leftovers();

  std::filesystem::path m_dir;
  std::vector<std::string> m_leftovers;
  mutable std::mutex m_mutex;
  Functions m_functions;
};

// A secret as `secrets list` shows it: never the value.
struct SecretDigest {
  std::string name;
  std::string digest;  // hex SHA-256 of the value, as Supabase's API gives it
  std::string updated_at;
};

class Secrets {
 public:
  explicit Secrets(std::filesystem::path file);  // <state dir>/secrets.json

  // Names that are no variable's, and names starting with SUPABASE_ (as Supabase refuses
  // them): util::Error, before anything is written.
  static void check_names(const std::vector<std::pair<std::string, std::string>>& entries);
  // check_names, then the write (util::WriteError).
  void set(const std::vector<std::pair<std::string, std::string>>& entries);
  // Returns the names that were not set.
  std::vector<std::string> unset(const std::vector<std::string>& names);
  std::vector<SecretDigest> list() const;
  std::vector<std::pair<std::string, std::string>> values() const;

 private:
  struct Entry {
    std::string value;
    std::string updated_at;
  };
  void save() const;

  std::filesystem::path m_file;
  mutable std::mutex m_mutex;
  std::map<std::string, Entry> m_entries;
};

}  // namespace server::admin
