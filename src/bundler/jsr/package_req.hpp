#pragma once

// `jsr:` (and `npm:`) specifiers: [`/`] name [`@` req] [`/` subpath], as deno_semver parses
// them, with Deno's error messages for bad ones.

#include "bundler/jsr/version_req.hpp"

#include <string>
#include <string_view>

namespace bundler {

// A package name and the version requirement it was asked for.
struct PackageReq {
  std::string name;  // "@std/path"
  VersionReq version_req = VersionReq::any();

  // "@std/path@^1" as written ("@std/path" when no version was given).
  std::string to_string() const;
  // deno.lock's key form without the scheme: "@std/path@1", "@std/path@*".
  std::string normalized() const;
};

struct PackageReqReference {
  PackageReq req;
  std::string sub_path;  // without the leading '/'; empty for the package's main export
};

// Parses `specifier` ("jsr:@std/path@^1/posix"); `scheme` is "jsr" or "npm". Throws
// util::Error with Deno's message ("Invalid package specifier 'jsr:@std'" and its causes).
// A jsr name must be scoped ("@scope/name").
PackageReqReference parse_package_req_reference(std::string_view specifier,
                                                std::string_view scheme);

// "@std/path@^1" (no scheme, no sub path) -> PackageReq; throws util::Error.
PackageReq parse_package_req(std::string_view text);

// A jsr sub path as the key of the package's exports: "" -> ".", "posix/" -> "./posix".
std::string normalized_export_name(std::string_view sub_path);

}  // namespace bundler
