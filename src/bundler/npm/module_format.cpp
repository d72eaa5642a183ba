#include "bundler/npm/module_format.hpp"

#include <cctype>
#include <vector>

namespace bundler {
namespace {

bool identifier_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool identifier_part(char c) {
  return identifier_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

// A scanner that knows just enough JavaScript to tell code from strings, comments,
// template text and regular expression literals, as es-module-lexer does.
class Scanner {
 public:
  explicit Scanner(std::string_view code) : m_code(code) {
    if (m_code.substr(0, 2) == "#!") {
      m_at = m_code.find('\n');  // a hashbang line
      if (m_at == std::string_view::npos) {
        m_at = m_code.size();
      }
    }
  }

  bool module_syntax() {
    while (m_at < m_code.size()) {
      char c = m_code[m_at];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++m_at;
      } else if (c == '/' && peek(1) == '/') {
        skip_to("\n");
      } else if (c == '/' && peek(1) == '*') {
        m_at += 2;
        skip_to("*/");
        m_at = std::min(m_at + 2, m_code.size());
      } else if (c == '\'' || c == '"') {
        skip_string(c);
        m_regex_allowed = false;
      } else if (c == '`') {
        ++m_at;
        skip_template();
        m_regex_allowed = false;
      } else if (c == '/') {
        if (m_regex_allowed) {
          skip_regex();
          m_regex_allowed = false;
        } else {
          ++m_at;
          m_regex_allowed = true;
        }
        m_last = '/';
      } else if (identifier_start(c)) {
        auto begin = m_at;
        while (m_at < m_code.size() && identifier_part(m_code[m_at])) {
          ++m_at;
        }
        auto word = m_code.substr(begin, m_at - begin);
        if (m_last != '.' && (word == "import" || word == "export") && declares(word)) {
          return true;
        }
        m_regex_allowed = word == "return" || word == "typeof" || word == "instanceof" ||
                          word == "in" || word == "of" || word == "new" || word == "delete" ||
                          word == "void" || word == "throw" || word == "case" || word == "do" ||
                          word == "else" || word == "yield" || word == "await";
        m_last = 'a';
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        while (m_at < m_code.size() && (identifier_part(m_code[m_at]) || m_code[m_at] == '.')) {
          ++m_at;
        }
        m_regex_allowed = false;
        m_last = '0';
      } else {
        on_punctuator(c);
        ++m_at;
      }
    }
    return false;
  }

 private:
  char peek(std::size_t ahead) const {
    return m_at + ahead < m_code.size() ? m_code[m_at + ahead] : '\0';
  }
  void skip_to(std::string_view end) {
    auto found = m_code.find(end, m_at);
    m_at = found == std::string_view::npos ? m_code.size() : found;
  }
  void skip_string(char quote) {
    for (++m_at; m_at < m_code.size(); ++m_at) {
      if (m_code[m_at] == '\\') {
        ++m_at;
      } else if (m_code[m_at] == quote || m_code[m_at] == '\n') {
        ++m_at;
        return;
      }
    }
  }
  // Template text up to its end or to a `${`, which opens code until the matching `}`.
  void skip_template() {
    for (; m_at < m_code.size(); ++m_at) {
      if (m_code[m_at] == '\\') {
        ++m_at;
      } else if (m_code[m_at] == '`') {
        ++m_at;
        return;
      } else if (m_code[m_at] == '$' && peek(1) == '{') {
        m_at += 2;
        m_template_depths.push_back(0);
        m_regex_allowed = true;
        return;
      }
    }
  }
  void skip_regex() {
    bool in_class = false;
    for (++m_at; m_at < m_code.size(); ++m_at) {
      char c = m_code[m_at];
      if (c == '\\') {
        ++m_at;
      } else if (c == '[') {
        in_class = true;
      } else if (c == ']') {
        in_class = false;
      } else if (c == '\n') {
        return;
      } else if (c == '/' && !in_class) {
        ++m_at;
        while (m_at < m_code.size() && identifier_part(m_code[m_at])) {
          ++m_at;  // flags
        }
        return;
      }
    }
  }
  void on_punctuator(char c) {
    if (c == '{' && !m_template_depths.empty()) {
      ++m_template_depths.back();
    } else if (c == '}' && !m_template_depths.empty()) {
      if (m_template_depths.back()-- == 0) {
        m_template_depths.pop_back();
        ++m_at;
        skip_template();
        --m_at;  // the caller steps over one character
        m_regex_allowed = false;
        m_last = '`';
        return;
      }
    }
    // After `)` or `]` a slash divides; after other punctuation it starts a regex.
    m_regex_allowed = c != ')' && c != ']';
    m_last = c;
  }
  // After `import`/`export`: whether what follows makes it a declaration.
  bool declares(std::string_view word) const {
    auto at = m_at;
    while (at < m_code.size() && std::isspace(static_cast<unsigned char>(m_code[at]))) {
      ++at;
    }
    char next = at < m_code.size() ? m_code[at] : '\0';
    if (word == "export") {
      return next == '{' || next == '*' || identifier_start(next);
    }
    if (next == '.') {
      return m_code.substr(at + 1, 4) == "meta";
    }
    return next == '{' || next == '*' || next == '"' || next == '\'' || identifier_start(next);
  }

  std::string_view m_code;
  std::size_t m_at = 0;
  bool m_regex_allowed = true;
  char m_last = ';';
  std::vector<int> m_template_depths;  // open `${` blocks and the braces inside each
};

std::string extension_of(const std::string& path) {
  auto slash = path.rfind('/');
  auto dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return "";
  }
  return path.substr(dot);
}

}  // namespace

bool has_module_syntax(std::string_view code) {
  return Scanner(code).module_syntax();
}

bool is_commonjs_in_package(const std::string& path, std::string_view code,
                            const PackageJsons& package_jsons) {
  auto extension = extension_of(path);
  if (extension == ".mjs" || extension == ".mts" || extension == ".json" || extension == ".wasm") {
    return false;
  }
  if (extension == ".cjs" || extension == ".cts") {
    return true;
  }
  if (has_module_syntax(code)) {
    return false;
  }
  const auto* scope = package_jsons.scope_of(path);
  return extension.empty() || scope == nullptr || scope->type != "module";
}

bool is_commonjs_local(const std::string& path, std::string_view code,
                       const PackageJsons& package_jsons) {
  auto extension = extension_of(path);
  if (extension == ".cjs" || extension == ".cts") {
    return true;
  }
  if (extension == ".mjs" || extension == ".mts" || extension == ".json" || extension == ".wasm") {
    return false;
  }
  const auto* scope = package_jsons.scope_of(path);
  return scope != nullptr && scope->type == "commonjs" && !has_module_syntax(code);
}

}  // namespace bundler
