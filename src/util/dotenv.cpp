#include "util/dotenv.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace util {

namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

// Horizontal whitespace only: a newline always ends an unquoted statement.
bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

bool is_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// godotenv accepts dots in names (e.g. `spring.profile`), so we do too.
bool is_key_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '_' || c == '.';
}

bool is_name_start(char c) {
  return is_alpha(c) || c == '_';
}

bool is_name_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '_';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_blank(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string normalise_line_endings(std::string_view text) {
  // A byte order mark from Windows editors would otherwise become part of the first key.
  constexpr std::string_view k_bom = "\xEF\xBB\xBF";
  if (text.substr(0, k_bom.size()) == k_bom) {
    text.remove_prefix(k_bom.size());
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    }
    out += text[i];
  }
  return out;
}

class DotenvParser {
 public:
  DotenvParser(std::string text, const std::string& file_name, const DotenvLookup& lookup_outer)
      : m_text(std::move(text)), m_file_name(file_name), m_lookup_outer(lookup_outer) {}

  Entries parse() {
    while (m_pos < m_text.size()) {
      skip_blanks();
      if (m_pos >= m_text.size()) {
        break;
      }
      const char c = m_text[m_pos];
      if (c == '\n') {
        ++m_pos;
      } else if (c == '#' || is_yaml_separator()) {
        m_pos = line_end(m_pos);
      } else {
        parse_statement();
      }
    }
    return std::move(m_entries);
  }

 private:
  [[noreturn]] void fail(std::size_t pos, const std::string& problem) const {
    std::size_t line = 1;
    for (std::size_t i = 0; i < pos && i < m_text.size(); ++i) {
      if (m_text[i] == '\n') {
        ++line;
      }
    }
    throw Error(m_file_name + ":" + std::to_string(line) + ": " + problem);
  }

  std::size_t line_end(std::size_t from) const {
    const std::size_t end = m_text.find('\n', from);
    return end == std::string::npos ? m_text.size() : end;
  }

  void skip_blanks() {
    while (m_pos < m_text.size() && is_blank(m_text[m_pos])) {
      ++m_pos;
    }
  }

  // godotenv drops YAML document markers so that a `.env.yml` with `---` still loads.
  bool is_yaml_separator() const {
    return trim(std::string_view(m_text).substr(m_pos, line_end(m_pos) - m_pos)) == "---";
  }

  void parse_statement() {
    const std::size_t statement_start = m_pos;
    const std::size_t end = line_end(m_pos);
    const std::string_view line =
        trim(std::string_view(m_text).substr(statement_start, end - statement_start));

    constexpr std::string_view k_export = "export";
    if (std::string_view(m_text).substr(m_pos, k_export.size()) == k_export &&
        m_pos + k_export.size() < end && is_blank(m_text[m_pos + k_export.size()])) {
      m_pos += k_export.size();
      skip_blanks();
    }

    const std::size_t key_start = m_pos;
    while (m_pos < end && is_key_char(m_text[m_pos])) {
      ++m_pos;
    }
    const std::string key = m_text.substr(key_start, m_pos - key_start);
    skip_blanks();
    if (m_pos >= end || (m_text[m_pos] != '=' && m_text[m_pos] != ':')) {
      const std::size_t separator = m_text.find_first_of("=:", key_start);
      if (separator == std::string::npos || separator >= end) {
        fail(statement_start, "expected KEY=VALUE, got \"" + std::string(line) + "\"");
      }
      fail(
          statement_start,
          "invalid variable name \"" +
              std::string(trim(std::string_view(m_text).substr(key_start, separator - key_start))) +
              "\" (use letters, digits, '_' and '.')");
    }
    if (key.empty()) {
      fail(statement_start, std::string("missing variable name before '") + m_text[m_pos] + "'");
    }
    ++m_pos;
    const std::size_t value_start = m_pos;
    skip_blanks();

    std::string value;
    if (m_pos < m_text.size() && m_text[m_pos] == '\'') {
      value = parse_single_quoted();
    } else if (m_pos < m_text.size() && m_text[m_pos] == '"') {
      value = parse_double_quoted();
    } else {
      value = parse_unquoted(value_start);
    }
    store(key, std::move(value));
  }

  std::string parse_single_quoted() {
    const std::size_t open = m_pos;
    const std::size_t close = m_text.find('\'', open + 1);
    if (close == std::string::npos) {
      fail(open, "unterminated single-quoted value");
    }
    m_pos = close + 1;
    expect_end_after_quote();
    return m_text.substr(open + 1, close - open - 1);
  }

  std::string parse_double_quoted() {
    const std::size_t open = m_pos;
    std::size_t i = open + 1;
    // Find the closing quote first, stepping over escapes, so that `${...}` and escapes are
    // only ever interpreted inside the value.
    while (i < m_text.size() && m_text[i] != '"') {
      i += m_text[i] == '\\' ? 2 : 1;
    }
    if (i >= m_text.size()) {
      fail(open, "unterminated double-quoted value");
    }
    m_pos = i + 1;
    expect_end_after_quote();
    return expand(std::string_view(m_text).substr(open + 1, i - open - 1), true);
  }

  // Text after a closing quote is almost always a mistake (e.g. a stray second quote), and
  // godotenv would silently read it as the next statement; we say so instead.
  void expect_end_after_quote() {
    skip_blanks();
    if (m_pos < m_text.size() && m_text[m_pos] != '\n' && m_text[m_pos] != '#') {
      fail(m_pos,
           "unexpected text after closing quote: \"" +
               std::string(trim(std::string_view(m_text).substr(m_pos, line_end(m_pos) - m_pos))) +
               "\"");
    }
    m_pos = line_end(m_pos);
  }

  std::string parse_unquoted(std::size_t value_start) {
    const std::size_t end = line_end(value_start);
    std::string_view raw = std::string_view(m_text).substr(value_start, end - value_start);
    // `#` only starts a comment after whitespace, so `KEY=a#b` keeps its `#`.
    for (std::size_t i = 1; i < raw.size(); ++i) {
      if (raw[i] == '#' && is_blank(raw[i - 1])) {
        raw = raw.substr(0, i);
        break;
      }
    }
    m_pos = end;
    return expand(trim(raw), false);
  }

  // Applies `$VAR`/`${VAR}` substitution, plus backslash escapes when `double_quoted`.
  // `\$` keeps a literal dollar in both forms.
  std::string expand(std::string_view raw, bool double_quoted) const {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if (c == '\\' && i + 1 < raw.size()) {
        const char next = raw[i + 1];
        if (next == '$') {
          out += '$';
          ++i;
          continue;
        }
        if (double_quoted) {
          ++i;
          switch (next) {
            case 'n':
              out += '\n';
              break;
            case 'r':
              out += '\r';
              break;
            case 't':
              out += '\t';
              break;
            case '\\':
            case '"':
              out += next;
              break;
            default:
              // Unknown escapes stay as written, so Windows paths survive.
              out += '\\';
              out += next;
              break;
          }
          continue;
        }
      }
      if (c == '$' && i + 1 < raw.size()) {
        if (raw[i + 1] == '{') {
          const std::size_t close = raw.find('}', i + 2);
          if (close != std::string_view::npos && close > i + 2) {
            const std::string_view name = raw.substr(i + 2, close - i - 2);
            bool valid = true;
            for (const char n : name) {
              valid = valid && is_key_char(n);
            }
            if (valid) {
              out += lookup(std::string(name));
              i = close;
              continue;
            }
          }
        } else if (is_name_start(raw[i + 1])) {
          std::size_t name_end = i + 1;
          while (name_end < raw.size() && is_name_char(raw[name_end])) {
            ++name_end;
          }
          out += lookup(std::string(raw.substr(i + 1, name_end - i - 1)));
          i = name_end - 1;
          continue;
        }
      }
      out += c;
    }
    return out;
  }

  std::string lookup(const std::string& name) const {
    if (const auto found = m_index.find(name); found != m_index.end()) {
      return m_entries[found->second].second;
    }
    if (m_lookup_outer) {
      if (auto value = m_lookup_outer(name)) {
        return std::move(*value);
      }
    }
    return {};
  }

  void store(const std::string& key, std::string value) {
    if (const auto found = m_index.find(key); found != m_index.end()) {
      m_entries[found->second].second = std::move(value);
      return;
    }
    m_index.emplace(key, m_entries.size());
    m_entries.emplace_back(key, std::move(value));
  }

  std::string m_text;
  const std::string& m_file_name;
  const DotenvLookup& m_lookup_outer;
  std::size_t m_pos = 0;
  Entries m_entries;
  std::unordered_map<std::string, std::size_t> m_index;
};

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_dotenv(std::string_view text,
                                                              const std::string& file_name,
                                                              const DotenvLookup& lookup_outer) {
  return DotenvParser(normalise_line_endings(text), file_name, lookup_outer).parse();
}

std::vector<std::pair<std::string, std::string>> read_dotenv_file(
    const std::filesystem::path& path, const DotenvLookup& lookup_outer) {
  // An ifstream opens a directory without complaint and then reads nothing.
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    throw Error("failed to open env file: " + path.string() + ": is a directory");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw Error("failed to open env file: " + path.string() + ": " + std::strerror(errno));
  }
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) {
    throw Error("failed to read env file: " + path.string());
  }
  return parse_dotenv(content.str(), path.string(), lookup_outer);
}

}  // namespace util
