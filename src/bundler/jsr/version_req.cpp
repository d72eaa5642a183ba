#include "bundler/jsr/version_req.hpp"

#include "util/error.hpp"

#include <cctype>

namespace bundler {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A run of digits as a number; nullopt on overflow or when there are none.
std::optional<std::uint64_t> take_number(std::string_view& input) {
  std::size_t i = 0;
  std::uint64_t value = 0;
  while (i < input.size() && is_digit(input[i])) {
    auto digit = static_cast<std::uint64_t>(input[i] - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
    ++i;
  }
  if (i == 0) {
    return std::nullopt;
  }
  input.remove_prefix(i);
  return value;
}

// "a.b-c.1" after '-' or '+': dot-separated [0-9A-Za-z-]+ parts.
std::optional<std::vector<std::string>> take_parts(std::string_view& input) {
  std::vector<std::string> parts;
  while (true) {
    std::size_t i = 0;
    while (i < input.size() &&
           (std::isalnum(static_cast<unsigned char>(input[i])) || input[i] == '-')) {
      ++i;
    }
    if (i == 0) {
      return std::nullopt;
    }
    parts.emplace_back(input.substr(0, i));
    input.remove_prefix(i);
    if (input.empty() || input.front() != '.') {
      return parts;
    }
    input.remove_prefix(1);
  }
}

bool is_numeric(const std::string& s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!is_digit(c)) {
      return false;
    }
  }
  return true;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) {
    out += (out.empty() ? "" : ".") + part;
  }
  return out;
}

// A partial version of the specifier grammar; nullopt fields are wildcards (x, X, *).
struct Partial {
  std::optional<std::uint64_t> major, minor, patch;
  std::vector<std::string> pre, build;

  VersionBound lower_bound() const {
    return {false, true,
            Version{major.value_or(0), minor.value_or(0), patch.value_or(0), pre, build}};
  }

  static VersionRange all() { return {}; }

  static VersionBound exclusive(Version v) { return {false, false, std::move(v)}; }

  VersionRange tilde() const {
    if (!major) {
      return all();
    }
    Version end =
        minor ? Version{*major, *minor + 1, 0, {}, {}} : Version{*major + 1, 0, 0, {}, {}};
    return {lower_bound(), exclusive(end)};
  }

  VersionRange caret() const {
    if (!major) {
      return all();
    }
    Version end{*major + 1, 0, 0, {}, {}};
    if (*major == 0 && minor) {
      end = Version{0, *minor + 1, 0, {}, {}};
      if (*minor == 0 && patch) {
        end = Version{0, 0, *patch + 1, {}, {}};
      }
    }
    return {lower_bound(), exclusive(end)};
  }

  VersionRange equal() const {
    if (!major || !minor || !patch) {
      return greater_inclusive();
    }
    Version v{*major, *minor, *patch, pre, build};
    return {{false, true, v}, {false, true, v}};
  }

  // `1` = >=1.0.0 <2.0.0, `1.2` = >=1.2.0 <1.3.0.
  VersionRange greater_inclusive() const {
    if (!major) {
      return all();
    }
    Version start{*major, 0, 0, {}, {}};
    Version end{*major, 0, 0, {}, {}};
    if (patch) {
      start.patch = end.patch = *patch;
    } else if (minor) {
      end.minor += 1;
    }
    if (minor) {
      start.minor = *minor;
      end.minor += *minor;
    } else {
      end.major += 1;
    }
    bool end_inclusive = start == end && start.pre == end.pre;
    return {{false, true, start}, {false, end_inclusive, end}};
  }
};

// xr ::= 'x' | 'X' | '*' | nr ; nr has no leading zeros. Returns false when absent.
bool take_xr(std::string_view& input, std::optional<std::uint64_t>& out) {
  if (input.empty()) {
    return false;
  }
  if (input.front() == 'x' || input.front() == 'X' || input.front() == '*') {
    input.remove_prefix(1);
    out.reset();
    return true;
  }
  if (input.front() == '0') {
    input.remove_prefix(1);
    out = 0;
    return true;
  }
  auto number = take_number(input);
  if (!number) {
    return false;
  }
  out = *number;
  return true;
}

std::optional<Partial> take_partial(std::string_view& input) {
  Partial partial;
  if (!take_xr(input, partial.major)) {
    return std::nullopt;
  }
  if (input.size() > 1 && input.front() == '.') {
    auto rest = input.substr(1);
    if (take_xr(rest, partial.minor)) {
      input = rest;
      if (input.size() > 1 && input.front() == '.') {
        rest = input.substr(1);
        if (take_xr(rest, partial.patch)) {
          input = rest;
          if (!input.empty() && input.front() == '-') {
            rest = input.substr(1);
            if (auto pre = take_parts(rest)) {
              partial.pre = *pre;
              input = rest;
            }
          }
          if (!input.empty() && input.front() == '+') {
            rest = input.substr(1);
            if (auto build = take_parts(rest)) {
              partial.build = *build;
              input = rest;
            }
          }
          return partial;
        }
      }
      partial.patch.reset();
      return partial;
    }
  }
  partial.minor.reset();
  partial.patch.reset();
  return partial;
}

bool has_pre_with_same_numbers(const VersionBound& bound, const Version& version) {
  return !bound.unbounded && !bound.version.pre.empty() && bound.version.major == version.major &&
         bound.version.minor == version.minor && bound.version.patch == version.patch;
}

bool is_zero(const Version& v) {
  return v.major == 0 && v.minor == 0 && v.patch == 0 && v.pre.empty() && v.build.empty();
}

bool is_plain(const Version& v) {
  return v.pre.empty() && v.build.empty();
}

}  // namespace

std::optional<Version> Version::parse(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '=' || text.front() == 'v')) {
    text.remove_prefix(1);
  }
  Version v;
  auto major = take_number(text);
  if (!major || text.empty() || text.front() != '.') {
    return std::nullopt;
  }
  text.remove_prefix(1);
  auto minor = take_number(text);
  if (!minor || text.empty() || text.front() != '.') {
    return std::nullopt;
  }
  text.remove_prefix(1);
  auto patch = take_number(text);
  if (!patch) {
    return std::nullopt;
  }
  v.major = *major;
  v.minor = *minor;
  v.patch = *patch;
  if (!text.empty() && text.front() == '-') {
    text.remove_prefix(1);
    auto pre = take_parts(text);
    if (!pre) {
      return std::nullopt;
    }
    v.pre = *pre;
  }
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    auto build = take_parts(text);
    if (!build) {
      return std::nullopt;
    }
    v.build = *build;
  }
  if (!text.empty()) {
    return std::nullopt;
  }
  return v;
}

std::string Version::to_string() const {
  auto out = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (!pre.empty()) {
    out += "-" + join(pre);
  }
  if (!build.empty()) {
    out += "+" + join(build);
  }
  return out;
}

std::strong_ordering Version::operator<=>(const Version& other) const {
  if (auto c = major <=> other.major; c != 0) {
    return c;
  }
  if (auto c = minor <=> other.minor; c != 0) {
    return c;
  }
  if (auto c = patch <=> other.patch; c != 0) {
    return c;
  }
  if (pre.empty() || other.pre.empty()) {
    // A release sorts above its prereleases.
    return pre.empty() <=> other.pre.empty();
  }
  for (std::size_t i = 0;; ++i) {
    bool a_end = i >= pre.size();
    bool b_end = i >= other.pre.size();
    if (a_end || b_end) {
      return b_end <=> a_end;
    }
    const auto& a = pre[i];
    const auto& b = other.pre[i];
    bool a_num = is_numeric(a);
    bool b_num = is_numeric(b);
    if (a_num && b_num) {
      if (auto c = std::stoull(a) <=> std::stoull(b); c != 0) {
        return c;
      }
    } else if (a_num != b_num) {
      return a_num ? std::strong_ordering::less : std::strong_ordering::greater;
    } else if (auto c = a.compare(b) <=> 0; c != 0) {
      return c;
    }
  }
}

bool VersionRange::satisfies(const Version& version) const {
  bool above =
      start.unbounded || version > start.version || (version == start.version && start.inclusive);
  bool below = end.unbounded || version < end.version || (version == end.version && end.inclusive);
  if (!above || !below) {
    return false;
  }
  return version.pre.empty() || has_pre_with_same_numbers(start, version) ||
         has_pre_with_same_numbers(end, version);
}

std::string VersionRange::to_string() const {
  const auto& s = start.version;
  const auto& e = end.version;
  if (start.unbounded) {
    if (end.unbounded) {
      return "*";
    }
    return (end.inclusive ? "<=" : "<") + e.to_string();
  }
  if (end.unbounded) {
    return (start.inclusive ? ">=" : ">") + s.to_string();
  }
  if (start.inclusive && end.inclusive) {
    if (s == e && s.pre == e.pre && s.build == e.build) {
      return s.to_string();
    }
    if (is_zero(s)) {
      return "<=" + e.to_string();
    }
    return ">=" + s.to_string() + " <=" + e.to_string();
  }
  if (start.inclusive && !end.inclusive) {
    if (e.patch == 0 && s.patch == 0 && is_plain(e) && is_plain(s)) {
      if (e.minor == 0 && s.minor == 0) {
        if (e.major == s.major + 1) {
          return std::to_string(s.major);  // ^1.0.0 is written 1
        }
      } else if (s.major == e.major && e.minor == s.minor + 1) {
        return std::to_string(s.major) + "." + std::to_string(s.minor);  // ~1.1.0 is 1.1
      }
    }
    bool tilde = is_plain(e) && s.major == e.major &&
                 (s.minor == e.minor ? (e.patch == s.patch && !s.pre.empty())
                                     : (e.minor == s.minor + 1 && e.patch == 0));
    if (tilde) {
      return "~" + s.to_string();
    }
    bool caret =
        is_plain(e) && (s.major == 0 ? (s.minor == 0 && e.minor == 0 && e.patch == s.patch + 1)
                                     : (e.major == s.major + 1 && e.minor == 0 && e.patch == 0));
    if (caret) {
      return "^" + s.to_string();
    }
    if (is_zero(s)) {
      return "<" + e.to_string();
    }
    return ">=" + s.to_string() + " <" + e.to_string();
  }
  return ">" + s.to_string() + (end.inclusive ? " <=" : " <") + e.to_string();
}

bool is_valid_tag(std::string_view text) {
  if (text.empty()) {
    return false;
  }
  for (unsigned char c : text) {
    bool unreserved =
        std::isalnum(c) || c >= 0x80 ||
        std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos;
    if (!unreserved) {
      return false;
    }
  }
  return true;
}

VersionReq VersionReq::any() {
  VersionReq req;
  req.m_raw = "*";
  return req;
}

std::optional<VersionReq> VersionReq::try_parse_specifier(std::string_view text,
                                                          std::vector<std::string>& causes) {
  // Deno shows where parsing stopped under the cause: the rest of the input, then a `~`.
  auto unexpected = [&](std::string_view what, std::string_view rest) {
    causes = {"Invalid specifier version requirement",
              std::string(what) + "\n         " + std::string(rest) + "\n         ~"};
    return std::nullopt;
  };
  VersionReq req;
  req.m_raw = std::string(text);
  auto input = text;
  char op = 0;
  if (!input.empty() && (input.front() == '~' || input.front() == '^')) {
    op = input.front();
    input.remove_prefix(1);
  }
  if (auto partial = take_partial(input)) {
    if (!input.empty()) {
      return unexpected("Unexpected character.", input);
    }
    req.m_range = op == '~' ? partial->tilde() : op == '^' ? partial->caret() : partial->equal();
    return req;
  }
  if (is_valid_tag(text)) {
    req.m_tag = std::string(text);
    return req;
  }
  if (text.find_first_not_of(" \t") == std::string_view::npos) {
    return unexpected("Empty version constraint.", text);
  }
  return unexpected("Unexpected character.", text);
}

VersionReq VersionReq::parse_specifier(std::string_view text) {
  std::vector<std::string> causes;
  auto req = try_parse_specifier(text, causes);
  if (!req) {
    throw util::Error(causes[0] + "\n    0: " + causes[1]);
  }
  return *req;
}

bool VersionReq::matches(const Version& version) const {
  return !m_tag && m_range.satisfies(version);
}

std::string VersionReq::normalized() const {
  return m_tag ? *m_tag : m_range.to_string();
}

}  // namespace bundler
