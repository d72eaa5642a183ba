#pragma once

// Versions and the version requirements a `jsr:`/`npm:` specifier may carry, with Deno's
// own meanings (deno_semver): `1`, `1.2`, `1.2.3`, `1.x`, `*`, `^1.2`, `~1.2.3`, prereleases,
// and tag words ("latest"). Ranges like `>=1 <2` or `a || b` are not allowed in specifiers.
// `normalized()` is the form deno.lock keys are written in (`^1` -> `1`, `^1.1` -> `^1.1.0`).

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bundler {

struct Version {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::vector<std::string> pre;    // "beta", "1"
  std::vector<std::string> build;  // ignored when comparing

  // "1.2.3", "1.2.3-beta.1+sha" (a leading "v" or "=" is accepted, as npm does).
  static std::optional<Version> parse(std::string_view text);
  std::string to_string() const;
  // Semver precedence: numbers first, prerelease below release, build ignored.
  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const { return (*this <=> other) == 0; }
};

// One bound of a range: none (unbounded), or a version included or excluded.
struct VersionBound {
  bool unbounded = true;
  bool inclusive = true;
  Version version;
};

// start..end; a prerelease version matches only when a bound names a prerelease of the
// same major.minor.patch (so `*` never picks a prerelease).
struct VersionRange {
  VersionBound start;
  VersionBound end;

  bool satisfies(const Version& version) const;
  std::string to_string() const;  // Deno's normalised spelling
};

class VersionReq {
 public:
  // The restricted grammar of specifiers. Throws util::Error for anything else, with
  // Deno's wording: "Invalid specifier version requirement" and, on the lines after it,
  // the cause ("Unexpected character." and where).
  static VersionReq parse_specifier(std::string_view text);
  // The same, reporting Deno's chain of causes in `causes` instead of throwing.
  static std::optional<VersionReq> try_parse_specifier(std::string_view text,
                                                       std::vector<std::string>& causes);
  // `*`.
  static VersionReq any();

  // As written ("^1.2"); "*" when no version was given.
  const std::string& raw() const { return m_raw; }
  bool is_tag() const { return m_tag.has_value(); }
  const std::optional<std::string>& tag() const { return m_tag; }
  // False for tags.
  bool matches(const Version& version) const;
  // deno.lock's spelling of the requirement ("1", "^1.1.0", "*", a tag as is).
  std::string normalized() const;

 private:
  std::string m_raw;
  std::optional<std::string> m_tag;
  VersionRange m_range;
};

// npm's rule for dist-tags: characters encodeURIComponent leaves alone.
bool is_valid_tag(std::string_view text);

}  // namespace bundler
