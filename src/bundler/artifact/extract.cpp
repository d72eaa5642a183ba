// What `sbfn bundle --extract FILE -o DIR` does (as `edge-runtime unbundle`): every
// module's original source and every file written back out below DIR. All target paths
// are worked out and checked first, so a hostile artifact is refused before anything is
// written.
#include "bundler/artifact/artifact.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <map>

namespace bundler {
namespace {

namespace fs = std::filesystem;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// What to write, by path relative to DIR, and where it came from (for messages).
struct Planned {
  const std::string* bytes;
  std::string origin;
};

// Joins `segments` into a relative path, refusing any that could leave DIR.
std::string safe_relative(const std::vector<std::string>& segments, const std::string& origin) {
  std::string out;
  for (const auto& segment : segments) {
    if (segment.empty() || segment == "." || segment == ".." ||
        segment.find('\0') != std::string::npos) {
      throw util::Error("refusing to extract \"" + origin +
                        "\": its path would leave the output folder");
    }
    out += (out.empty() ? "" : "/") + segment;
  }
  return out;
}

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = std::min(path.find('/', start), path.size());
    segments.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

// "/sbfn/src/a/b.ts" -> "a/b.ts"; "/sbfn/npm/x/y.js" -> "npm/x/y.js". `origin` is the
// URL or path the artifact gives, for messages.
std::string relative_for_path(const std::string& path, const std::string& origin) {
  if (!starts_with(path, k_artifact_root_path)) {
    return safe_relative({".."}, origin);  // refused: it is not below the virtual root
  }
  std::string_view rest = std::string_view(path).substr(k_artifact_root_path.size());
  if (starts_with(rest, "src/")) {
    rest.remove_prefix(4);
  }
  return safe_relative(split(rest), origin);
}

// "https://deno.land:8080/x/mod.ts?v=1" -> "remote/https/deno.land_8080/x/mod.ts%3Fv=1".
std::string relative_for_remote(const std::string& url) {
  auto scheme_end = url.find("://");
  auto scheme = url.substr(0, scheme_end);
  auto rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('#'));
  std::string escaped;
  for (char c : rest) {
    // A query becomes part of the file name; a port's ':' is not welcome in one.
    escaped += c == '?' ? std::string("%3F") : c == ':' ? std::string("_") : std::string(1, c);
  }
  if (escaped.find('/') == std::string::npos || escaped.back() == '/') {
    escaped += escaped.find('/') == std::string::npos ? "/index" : "index";
  }
  auto segments = split(escaped);
  segments.insert(segments.begin(), {"remote", scheme});
  return safe_relative(segments, url);
}

std::string relative_for_url(const std::string& url) {
  if (starts_with(url, k_artifact_root_url)) {
    return relative_for_path(runtime::file_url_to_path(url), url);
  }
  if (starts_with(url, "https://") || starts_with(url, "http://")) {
    return relative_for_remote(url);
  }
  return safe_relative({".."}, url);  // refused: no place for it below DIR
}

void plan(std::map<std::string, Planned>& out, std::string relative, const std::string& bytes,
          const std::string& origin) {
  auto [it, added] = out.emplace(std::move(relative), Planned{&bytes, origin});
  if (!added && *it->second.bytes != bytes) {
    throw util::Error("refusing to extract: \"" + it->second.origin + "\" and \"" + origin +
                      "\" would both be written to " + it->first);
  }
}

// A file whose path another one needs as a folder ("a" and "a/b") cannot be written.
void check_file_folder_clashes(const std::map<std::string, Planned>& planned) {
  for (auto it = planned.begin(); it != planned.end(); ++it) {
    auto next = std::next(it);
    if (next != planned.end() && starts_with(next->first, it->first + "/")) {
      throw util::Error("refusing to extract: \"" + it->second.origin + "\" and \"" +
                        next->second.origin + "\" need " + it->first +
                        " to be both a file and a folder");
    }
  }
}

}  // namespace

std::vector<fs::path> extract_artifact(const Artifact& artifact, const fs::path& dir) {
  std::map<std::string, Planned> planned;
  for (const auto& [url, module] : artifact.modules) {
    // A module stored without its original (a generated one) is written as it runs.
    const auto& source = module.original_source.empty() ? module.code : module.original_source;
    plan(planned, relative_for_url(url), source, url);
  }
  for (const auto& [path, bytes] : artifact.files) {
    plan(planned, relative_for_path(path, path), bytes, path);
  }
  check_file_folder_clashes(planned);

  std::vector<fs::path> written;
  try {
    fs::create_directories(dir);
    for (const auto& [relative, entry] : planned) {
      auto target = dir / relative;
      fs::create_directories(target.parent_path());
      // A symlink already in DIR must not carry a write outside it.
      if (!util::is_within(dir, target.parent_path())) {
        throw util::Error("refusing to extract \"" + entry.origin + "\": " +
                          target.parent_path().string() + " leads outside " + dir.string());
      }
      util::write_file_atomic(target, *entry.bytes);
      written.emplace_back(relative);
    }
  } catch (const fs::filesystem_error& error) {
    throw util::Error("cannot extract into " + dir.string() + ": " + error.code().message() + " (" +
                      error.path1().string() + ")");
  }
  return written;
}

}  // namespace bundler
