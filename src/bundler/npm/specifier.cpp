#include "bundler/npm/specifier.hpp"

#include "util/error.hpp"

#include <cstdint>
#include <optional>

namespace bundler {
namespace {

// A version as deno_semver prints it (build metadata kept).
struct Version {
  std::uint64_t major = 0, minor = 0, patch = 0;
  std::string pre, build;

  bool plain() const { return pre.empty() && build.empty(); }
  std::string text() const {
    auto out = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    if (!pre.empty()) {
      out += "-" + pre;
    }
    if (!build.empty()) {
      out += "+" + build;
    }
    return out;
  }
};

// One range of Deno's restricted grammar: [start, end) or [start, end] or everything.
struct Range {
  bool all = false;
  Version start, end;
  bool end_inclusive = false;
};

// Deno's `partial ::= xr ( '.' xr ( '.' xr qualifier ? )? )?` with `xr ::= 'x' | 'X' | '*'
// | nr`. A wildcard part is nullopt.
struct Partial {
  std::optional<std::uint64_t> major, minor, patch;
  std::string pre, build;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : m_text(text) {}
  bool done() const { return m_at == m_text.size(); }
  bool eat(char c) {
    if (!done() && m_text[m_at] == c) {
      ++m_at;
      return true;
    }
    return false;
  }
  // xr: a number or a wildcard; false when neither is there.
  bool xr(std::optional<std::uint64_t>& out) {
    if (eat('x') || eat('X') || eat('*')) {
      out.reset();
      return true;
    }
    auto begin = m_at;
    while (!done() && m_text[m_at] >= '0' && m_text[m_at] <= '9') {
      ++m_at;
    }
    auto digits = m_text.substr(begin, m_at - begin);
    if (digits.empty() || (digits.size() > 1 && digits[0] == '0') || digits.size() > 18) {
      m_at = begin;
      return false;
    }
    out = std::stoull(std::string(digits));
    return true;
  }
  // parts ::= part ( '.' part ) *, part ::= [-0-9A-Za-z]+
  bool parts(std::string& out) {
    auto begin = m_at;
    while (!done()) {
      char c = m_text[m_at];
      bool part_char = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
      if (!part_char) {
        break;
      }
      ++m_at;
    }
    out = std::string(m_text.substr(begin, m_at - begin));
    return !out.empty() && out.front() != '.' && out.back() != '.' &&
           out.find("..") == std::string::npos;
  }
  bool partial(Partial& out) {
    if (!xr(out.major)) {
      return false;
    }
    if (eat('.')) {
      if (!xr(out.minor)) {
        return false;
      }
      if (eat('.')) {
        if (!xr(out.patch)) {
          return false;
        }
        if (eat('-') && !parts(out.pre)) {
          return false;
        }
        if (eat('+') && !parts(out.build)) {
          return false;
        }
      }
    }
    return true;
  }

 private:
  std::string_view m_text;
  std::size_t m_at = 0;
};

Version version_of(const Partial& p) {
  return {p.major.value_or(0), p.minor.value_or(0), p.patch.value_or(0), p.pre, p.build};
}

// npm's meaning of `1.2` / `~1.2.3` / `^1.2.3` (node-semver's replaceXRange, replaceTilde,
// replaceCaret), which Deno copies.
Range range_of(char op, const Partial& p) {
  Range r;
  if (!p.major) {
    r.all = true;
    return r;
  }
  auto M = *p.major;
  if (!p.minor) {
    r.start = {M, 0, 0, "", ""};
    r.end = {M + 1, 0, 0, "", ""};
    return r;
  }
  auto m = *p.minor;
  if (!p.patch) {
    r.start = {M, m, 0, "", ""};
    if (op == '^' && M > 0) {
      r.end = {M + 1, 0, 0, "", ""};
    } else {
      r.end = {M, m + 1, 0, "", ""};
    }
    return r;
  }
  r.start = version_of(p);
  if (op == '~') {
    r.end = {M, m + 1, 0, "", ""};
  } else if (op == '^') {
    if (M > 0) {
      r.end = {M + 1, 0, 0, "", ""};
    } else if (m > 0) {
      r.end = {0, m + 1, 0, "", ""};
    } else {
      r.end = {0, 0, *p.patch + 1, "", ""};
    }
  } else {
    r.end = r.start;
    r.end_inclusive = true;
  }
  return r;
}

bool is_zero(const Version& v) {
  return v.major == 0 && v.minor == 0 && v.patch == 0 && v.plain();
}

// deno_semver's Display for a VersionRange: the shortest spelling of the same range.
std::string range_text(const Range& r) {
  const auto& s = r.start;
  const auto& e = r.end;
  if (r.all) {
    return "*";
  }
  if (r.end_inclusive) {
    return s.text();  // exact versions are the only inclusive ranges this grammar makes
  }
  if (e.patch == 0 && s.patch == 0 && s.plain() && e.plain()) {
    if (e.minor == 0 && s.minor == 0 && e.major == s.major + 1) {
      return std::to_string(s.major);
    }
    if (s.major == e.major && e.minor == s.minor + 1) {
      return std::to_string(s.major) + "." + std::to_string(s.minor);
    }
  }
  bool tilde = e.plain() && s.major == e.major &&
               (s.minor == e.minor ? (e.patch == s.patch && !s.pre.empty())
                                   : (e.minor == s.minor + 1 && e.patch == 0));
  if (tilde) {
    return "~" + s.text();
  }
  bool caret =
      e.plain() && (s.major == 0 ? (s.minor == 0 && e.minor == 0 && e.patch == s.patch + 1)
                                 : (e.major == s.major + 1 && e.minor == 0 && e.patch == 0));
  if (caret) {
    return "^" + s.text();
  }
  if (is_zero(s)) {
    return "<" + e.text();
  }
  return ">=" + s.text() + " <" + e.text();
}

// deno_semver's is_valid_tag: what npm accepts as a dist-tag (URL-safe, not a version).
bool is_valid_tag(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (unsigned char c : text) {
    bool safe = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '!' || c == '~' ||
                c == '*' || c == '\'' || c == '(' || c == ')';
    if (!safe) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string normalize_specifier_req(std::string_view req) {
  if (req.empty()) {
    return "*";
  }
  Parser parser(req);
  char op = 0;
  if (parser.eat('^')) {
    op = '^';
  } else if (parser.eat('~')) {
    op = '~';
  }
  Partial partial;
  if (parser.partial(partial) && parser.done()) {
    return range_text(range_of(op, partial));
  }
  if (is_valid_tag(req)) {
    return std::string(req);
  }
  throw util::Error("Invalid version requirement '" + std::string(req) +
                    "': a specifier takes a version (1, 1.2, 1.2.3), ^ or ~ with a version, "
                    "a wildcard or a dist-tag; ranges such as '>=1 <2' belong in "
                    "package.json.");
}

std::string NpmSpecifier::package_req() const {
  return name + "@" + normalize_specifier_req(req);
}

NpmSpecifier parse_npm_specifier(std::string_view text) {
  auto invalid = [&](const std::string& why) {
    return util::Error("Invalid package specifier '" + std::string(text) + "'. " + why);
  };
  if (text.substr(0, 4) != "npm:") {
    throw util::Error("Not npm specifier: '" + std::string(text) + "'.");
  }
  auto input = text.substr(4);
  if (!input.empty() && input.front() == '/') {
    input.remove_prefix(1);  // "npm:/pkg@1/x" comes from import-map prefix joins
  }
  auto take_segment = [&input]() {
    auto slash = input.find('/');
    auto segment = input.substr(0, slash);
    input = slash == std::string_view::npos ? std::string_view() : input.substr(slash + 1);
    return segment;
  };
  auto first = take_segment();
  if (first.empty()) {
    throw invalid("Did not contain a package name.");
  }
  NpmSpecifier out;
  auto last = first;
  if (first.front() == '@') {
    last = take_segment();
    if (last.empty() || first.size() == 1) {
      throw invalid("Did not contain a valid package name.");
    }
  }
  if (auto at = last.rfind('@'); at != std::string_view::npos && at > 0) {
    out.req = std::string(last.substr(at + 1));
    last = last.substr(0, at);
    try {
      normalize_specifier_req(out.req);
    } catch (const util::Error& error) {
      throw invalid(error.what());
    }
    if (out.req.empty()) {
      throw invalid("Invalid version requirement: nothing after '@'.");
    }
  }
  if (last.empty() || last.front() == '@') {
    throw invalid("Did not contain a valid package name.");
  }
  out.name =
      first.front() == '@' ? std::string(first) + "/" + std::string(last) : std::string(last);
  out.subpath = std::string(input);
  while (!out.subpath.empty() && out.subpath.back() == '/') {
    out.subpath.pop_back();
  }
  // Deno refuses a version inside the subpath and suggests where it belongs.
  if (auto at = out.subpath.rfind('@'); at != std::string::npos) {
    auto written = out.req.empty() ? out.name : out.name + "@" + out.req;
    auto wanted = written + out.subpath.substr(at) + "/" + out.subpath.substr(0, at);
    while (!wanted.empty() && wanted.back() == '/') {
      wanted.pop_back();
    }
    throw util::Error("Invalid package specifier 'npm:" + written + "/" + out.subpath +
                      "'. Did you mean to write 'npm:" + wanted + "'?");
  }
  return out;
}

std::string_view package_scope(std::string_view name) {
  if (name.empty() || name.front() != '@') {
    return {};
  }
  auto slash = name.find('/');
  return slash == std::string_view::npos ? std::string_view() : name.substr(1, slash - 1);
}

std::string_view package_basename(std::string_view name) {
  if (package_scope(name).empty()) {
    return name;
  }
  return name.substr(name.find('/') + 1);
}

bool split_package_specifier(std::string_view specifier, std::string& name, std::string& subpath) {
  if (specifier.empty() || specifier.front() == '.' || specifier.front() == '/' ||
      specifier.front() == '#' || specifier.find(':') != std::string_view::npos) {
    return false;
  }
  auto slash = specifier.find('/');
  if (specifier.front() == '@') {
    if (slash == std::string_view::npos || slash == 1) {
      return false;
    }
    slash = specifier.find('/', slash + 1);
  }
  name = std::string(specifier.substr(0, slash));
  subpath =
      slash == std::string_view::npos ? std::string() : std::string(specifier.substr(slash + 1));
  return !name.empty() && name.back() != '/';
}

}  // namespace bundler
