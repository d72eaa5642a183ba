// HEAD's commit, read the way git stores it, so a machine without git still labels images:
// .git is a folder or a "gitdir: <path>" file (worktrees, submodules); HEAD holds a commit
// or "ref: refs/heads/<branch>"; a ref is a loose file or a line of packed-refs, in the
// git dir or in its common dir (a worktree's refs live in the main repository).
#include "deploy/image.hpp"
#include "util/files.hpp"

#include <sstream>

namespace deploy {
namespace {

namespace fs = std::filesystem;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

bool is_commit_id(const std::string& s) {
  return (s.size() == 40 || s.size() == 64) &&
         s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::optional<fs::path> find_git_dir(fs::path dir) {
  for (;;) {
    auto dot_git = dir / ".git";
    std::error_code error;
    if (fs::is_directory(dot_git, error)) {
      return dot_git;
    }
    if (fs::is_regular_file(dot_git, error)) {
      auto text = trim(util::try_read_file(dot_git).value_or(""));
      if (text.starts_with("gitdir: ")) {
        fs::path target = text.substr(8);
        return target.is_absolute() ? target : dir / target;
      }
      return std::nullopt;
    }
    if (!dir.has_parent_path() || dir.parent_path() == dir) {
      return std::nullopt;
    }
    dir = dir.parent_path();
  }
}

std::optional<std::string> read_ref(const fs::path& git_dir, const std::string& ref) {
  auto loose = trim(util::try_read_file(git_dir / ref).value_or(""));
  if (is_commit_id(loose)) {
    return loose;
  }
  std::istringstream packed(util::try_read_file(git_dir / "packed-refs").value_or(""));
  std::string line;
  while (std::getline(packed, line)) {
    auto space = line.find(' ');
    if (space != std::string::npos && line.substr(space + 1) == ref &&
        is_commit_id(line.substr(0, space))) {
      return line.substr(0, space);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> git_revision(const fs::path& start) {
  std::error_code error;
  auto git_dir = find_git_dir(fs::absolute(start, error));
  if (!git_dir) {
    return std::nullopt;
  }
  auto head = trim(util::try_read_file(*git_dir / "HEAD").value_or(""));
  if (is_commit_id(head)) {
    return head;  // detached
  }
  if (!head.starts_with("ref: ")) {
    return std::nullopt;
  }
  auto ref = head.substr(5);
  if (auto found = read_ref(*git_dir, ref)) {
    return found;
  }
  auto common = trim(util::try_read_file(*git_dir / "commondir").value_or(""));
  if (!common.empty()) {
    fs::path common_dir = common;
    return read_ref(common_dir.is_absolute() ? common_dir : *git_dir / common_dir, ref);
  }
  return std::nullopt;  // a branch with no commit yet
}

}  // namespace deploy
