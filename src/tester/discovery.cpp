#include "tester/discovery.hpp"

#include "runtime/runtime.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace fs = std::filesystem;

namespace tester {
namespace {

bool is_script(const fs::path& path) {
  static const std::set<std::string> extensions = {".ts",  ".tsx", ".js",  ".jsx",
                                                   ".mjs", ".mts", ".cjs", ".cts"};
  return extensions.count(path.extension().string()) > 0;
}

bool skipped_folder(const fs::path& folder) {
  auto name = folder.filename().string();
  return name == "node_modules" || (name.size() > 1 && name[0] == '.');
}

bool is_glob(const std::string& text) {
  return text.find_first_of("*?[{") != std::string::npos;
}

// Every regular file below `root` for which `keep` holds, skipping node_modules and hidden
// folders, sorted by path.
template <typename Keep>
std::vector<fs::path> walk(const fs::path& root, Keep keep) {
  std::vector<fs::path> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const auto& entry = *it;
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) {
      if (skipped_folder(entry.path())) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (entry.is_regular_file(type_ec) && keep(entry.path())) {
      out.push_back(entry.path().lexically_normal());
    }
  }
  std::sort(out.begin(), out.end(),
            [](const fs::path& a, const fs::path& b) { return a.string() < b.string(); });
  return out;
}

// A glob as a regex over '/'-separated paths: `**/` any folders, `*` and `?` within one
// name, `[...]` a class, `{a,b}` alternatives.
std::regex glob_regex(const std::string& glob) {
  std::string out;
  int braces = 0;
  for (std::size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '*' && i + 1 < glob.size() && glob[i + 1] == '*') {
      bool folder = i + 2 < glob.size() && glob[i + 2] == '/';
      out += folder ? "(?:[^/]*/)*" : ".*";
      i += folder ? 2 : 1;
    } else if (c == '*') {
      out += "[^/]*";
    } else if (c == '?') {
      out += "[^/]";
    } else if (c == '[') {
      auto close = glob.find(']', i + 1);
      if (close == std::string::npos) {
        out += "\\[";
      } else {
        auto set = glob.substr(i + 1, close - i - 1);
        if (!set.empty() && set[0] == '!') {
          set[0] = '^';
        }
        out += "[" + set + "]";
        i = close;
      }
    } else if (c == '{') {
      ++braces;
      out += "(?:";
    } else if (c == '}' && braces > 0) {
      --braces;
      out += ")";
    } else if (c == ',' && braces > 0) {
      out += "|";
    } else {
      if (std::string("\\^$.|+()").find(c) != std::string::npos) {
        out += '\\';
      }
      out += c;
    }
  }
  return std::regex(out);
}

std::vector<fs::path> glob_files(const std::string& pattern, const fs::path& cwd) {
  auto absolute = fs::path(pattern).is_absolute() ? fs::path(pattern) : cwd / pattern;
  auto text = absolute.lexically_normal().generic_string();
  // Search from the last folder before the first wildcard.
  auto first = text.find_first_of("*?[{");
  auto base = fs::path(text.substr(0, text.rfind('/', first) + 1));
  auto regex = glob_regex(text);
  std::error_code ec;
  if (!fs::is_directory(base, ec)) {
    return {};
  }
  return walk(base, [&](const fs::path& path) {
    return is_script(path) && std::regex_match(path.generic_string(), regex);
  });
}

}  // namespace

bool is_test_module(const fs::path& path, const fs::path& functions_dir) {
  if (!is_script(path)) {
    return false;
  }
  auto stem = path.stem().string();
  if (stem.ends_with("_test") || stem.ends_with(".test") || stem == "test") {
    return true;
  }
  for (const auto& part : path) {
    if (part == "__tests__") {
      return true;
    }
  }
  // Supabase: supabase/functions/tests/<name>-test.ts
  return stem.ends_with("-test") &&
         path.parent_path().lexically_normal() == (functions_dir / "tests").lexically_normal();
}

std::vector<fs::path> find_test_modules(const DiscoveryRequest& request) {
  std::vector<fs::path> out;
  std::set<fs::path> seen;
  auto add = [&](const std::vector<fs::path>& found) {
    for (const auto& path : found) {
      if (seen.insert(path).second) {
        out.push_back(path);
      }
    }
  };
  auto is_test = [&](const fs::path& path) { return is_test_module(path, request.functions_dir); };
  if (request.paths.empty()) {
    add(walk(request.cwd, is_test));
    return out;
  }
  for (const auto& given : request.paths) {
    auto path = fs::path(given).is_absolute() ? fs::path(given) : request.cwd / given;
    path = path.lexically_normal();
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      add(walk(path, is_test));
    } else if (fs::is_regular_file(path, ec)) {
      add({path});
    } else if (is_glob(given)) {
      add(glob_files(given, request.cwd));
    } else {
      throw util::Error("Import '" + runtime::path_to_file_url(path.string()) +
                        "' failed, not found.");
    }
  }
  return out;
}

}  // namespace tester
