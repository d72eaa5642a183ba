#pragma once

// deno.lock on disk <-> bundler::Lock in memory. Reads versions 5 and 4 as they are (and
// upgrades 1-3 to 4, as Deno does when it reads them); writes exactly the bytes Deno
// writes for the same content: v5 as Deno 2.3+ does, v4 as Supabase's Deno 2.1 does
// (../shared/reference/deno.md §5; both checked against real Deno by
// tests/unit/test_bundler_lockfile_oracle.cpp). Both spell requirements normalised
// ("jsr:@a/b@^1" is written "jsr:@a/b@1", no version "@*"). The version written is
// `Lock::version`.

#include "bundler/jsr/package_req.hpp"
#include "bundler/lock.hpp"
#include "util/error.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace bundler {

// Parses a lockfile's text. `name_for_errors` (usually its path) names it in messages.
// Throws util::Error with Deno's wording: "Failed reading lockfile at '<name>'" and the
// reason (empty, not JSON, an unsupported version, a corrupt section).
Lock read_lockfile(std::string_view text, const std::string& name_for_errors);

// The text of `lock` as Deno writes it (2-space indentation, sorted keys, empty sections
// left out, a final newline). `lock.version` must be "4" or "5".
std::string write_lockfile(const Lock& lock);

// The `specifiers` key of a requirement: "jsr:@std/assert@1" for `jsr:@std/assert@^1`.
// `scheme` is "jsr" or "npm".
std::string lock_specifier_key(std::string_view scheme, const PackageReq& req);

// The version `lock` pins `req` to, whichever spelling of the requirement its key uses
// (a v4 file keeps them as written: "jsr:@std/assert@^1").
std::optional<std::string> locked_version(const Lock& lock, std::string_view scheme,
                                          const PackageReq& req);

// A jsr package's dependency entry as its full normalised key: "jsr:@std/path" (the short
// form Deno writes when one specifier of that name is locked) -> "jsr:@std/path@1".
std::string dependency_key(const Lock& lock, const std::string& dependency);

// The error `--frozen` gives when resolving would change the lock; `change` says what,
// in Deno's form ("+ jsr:@std/path@1: 1.0.8", "~ remote https://x/a.ts").
util::Error lockfile_out_of_date(const std::string& change);

}  // namespace bundler
