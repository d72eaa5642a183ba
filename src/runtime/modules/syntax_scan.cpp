// Cheap textual scans over JavaScript/TypeScript source. They decide which compiler a
// file needs and rewrite import attributes; a false positive only costs compile time.
#include "runtime/modules/transpiler.hpp"

#include <cctype>
#include <string>
#include <string_view>

namespace runtime {
namespace {

bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

size_t skip_space(const std::string& s, size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) {
    ++i;
  }
  return i;
}

// Whether the word `word` stands at `i` on its own (not part of a longer identifier).
bool word_at(const std::string& s, size_t i, std::string_view word) {
  if (s.compare(i, word.size(), word) != 0) {
    return false;
  }
  bool left = i == 0 || !is_ident_char(s[i - 1]);
  bool right = i + word.size() >= s.size() || !is_ident_char(s[i + word.size()]);
  return left && right;
}

// The identifier ending just before `end` (after skipping spaces backwards).
std::string_view word_before(const std::string& s, size_t end) {
  while (end > 0 && std::isspace(static_cast<unsigned char>(s[end - 1]))) {
    --end;
  }
  size_t start = end;
  while (start > 0 && is_ident_char(s[start - 1])) {
    --start;
  }
  return std::string_view(s).substr(start, end - start);
}

// `namespace X {` / `module X {` (TypeScript namespaces, which sucrase drops).
bool has_namespace(const std::string& s) {
  for (auto word : {std::string_view("namespace"), std::string_view("module")}) {
    for (size_t i = s.find(word); i != std::string::npos; i = s.find(word, i + 1)) {
      if (!word_at(s, i, word)) {
        continue;
      }
      size_t j = skip_space(s, i + word.size());
      if (j == i + word.size() || j >= s.size() || !is_ident_start(s[j])) {
        continue;
      }
      while (j < s.size() && (is_ident_char(s[j]) || s[j] == '.')) {
        ++j;
      }
      j = skip_space(s, j);
      if (j < s.size() && s[j] == '{') {
        return true;
      }
    }
  }
  return false;
}

// `@name` where a decorator may stand (not `a@b` inside words or e-mail addresses).
bool has_decorator(const std::string& s) {
  for (size_t i = s.find('@'); i != std::string::npos; i = s.find('@', i + 1)) {
    if (i + 1 >= s.size() || !is_ident_start(s[i + 1])) {
      continue;
    }
    char before = i == 0 ? '\n' : s[i - 1];
    if (std::isspace(static_cast<unsigned char>(before)) ||
        std::string_view("({[,;}").find(before) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// `using x =` / `await using x =` (explicit resource management).
bool has_using(const std::string& s) {
  for (size_t i = s.find("using"); i != std::string::npos; i = s.find("using", i + 1)) {
    if (!word_at(s, i, "using")) {
      continue;
    }
    size_t j = skip_space(s, i + 5);
    if (j == i + 5 || j >= s.size() || !is_ident_start(s[j])) {
      continue;
    }
    while (j < s.size() && is_ident_char(s[j])) {
      ++j;
    }
    j = skip_space(s, j);
    if (j < s.size() && s[j] == '=' && (j + 1 >= s.size() || s[j + 1] != '=')) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool needs_typescript_compiler(const std::string& code) {
  return has_namespace(code) || has_decorator(code) || has_using(code);
}

bool javascript_needs_typescript_compiler(const std::string& code) {
  return has_using(code);
}

std::string rewrite_import_attributes(std::string code) {
  // Walks string literals; after one that follows `from`/`import`, a `with {` becomes
  // `assert {`. Comments are skipped so that quotes inside them do not confuse the walk.
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '/' && i + 1 < code.size() && code[i + 1] == '/') {
      i = code.find('\n', i);
      if (i == std::string::npos) {
        break;
      }
      continue;
    }
    if (c == '/' && i + 1 < code.size() && code[i + 1] == '*') {
      i = code.find("*/", i + 2);
      if (i == std::string::npos) {
        break;
      }
      ++i;
      continue;
    }
    if (c != '"' && c != '\'') {
      continue;
    }
    size_t start = i;
    size_t end = i + 1;
    while (end < code.size() && code[end] != c && code[end] != '\n') {
      end += code[end] == '\\' ? 2 : 1;
    }
    if (end >= code.size() || code[end] != c) {
      i = end;
      continue;
    }
    i = end;
    auto before = word_before(code, start);
    if (before != "from" && before != "import") {
      continue;
    }
    size_t w = skip_space(code, end + 1);
    if (word_at(code, w, "with") && skip_space(code, w + 4) < code.size() &&
        code[skip_space(code, w + 4)] == '{') {
      code.replace(w, 4, "assert");
    }
  }
  return code;
}

}  // namespace runtime
