#pragma once

// `npm:` specifiers as Deno reads them (deno_semver's PackageReqReference):
// `npm:` [`/`] name [`@` req] [`/` subpath], where name is `pkg` or `@scope/pkg` and req
// is Deno's restricted specifier grammar (`1`, `1.2`, `1.2.3`, `^1.2`, `~1.2.3`, `1.x`,
// `*`, a prerelease, or a dist-tag; jsr/version_req.hpp parses it). Full npm ranges appear
// only inside packuments.
// ../shared/reference/deno.md §2 (grammar) and §5 (how a req is written in deno.lock).

#include <string>
#include <string_view>

namespace bundler {

struct NpmSpecifier {
  std::string name;     // "zod", "@supabase/supabase-js"
  std::string req;      // as written: "3", "^2.1", "next"; empty when none was given
  std::string subpath;  // "" for the package itself, else "sub/path" (no "./")

  // "zod@3": the package requirement with the req written as deno.lock writes it
  // ("^1" -> "1", "^1.1" -> "^1.1.0", none -> "*").
  std::string package_req() const;
  // "npm:zod@3": the key of deno.lock's `specifiers` for this requirement.
  std::string lock_key() const { return "npm:" + package_req(); }
  // The req for npm's semver ("*" when none was given).
  std::string range() const { return req.empty() ? "*" : req; }
};

// Parses `text` ("npm:@scope/pkg@^1/sub"). Throws util::Error saying what is wrong with
// it, as Deno does ("Invalid package specifier ...").
NpmSpecifier parse_npm_specifier(std::string_view text);

// A specifier req written the way deno.lock writes it: "^1" -> "1", "~1.2.0" -> "1.2",
// "^1.2.3" -> "^1.2.3", "" -> "*"; a dist-tag stays as it is. Throws util::Error for a
// req outside Deno's specifier grammar (ranges such as ">=1 <2" or "a || b").
std::string normalize_specifier_req(std::string_view req);

// npm package names: the scope of "@scope/pkg" ("scope"), or empty.
std::string_view package_scope(std::string_view name);
// The name without its scope: "pkg" for "@scope/pkg" (tarballs are named after it).
std::string_view package_basename(std::string_view name);
// Splits a bare specifier "@scope/pkg/sub/x" or "pkg/sub" into name and subpath ("" when
// none). Returns false when `specifier` is not a bare package specifier.
bool split_package_specifier(std::string_view specifier, std::string& name, std::string& subpath);

}  // namespace bundler
