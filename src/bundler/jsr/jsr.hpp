#pragma once

// src/bundler/jsr/: jsr: packages.
//
//   jsr.hpp           this table of contents
//   jsr_resolver.hpp  JsrResolver: version choice, exports, manifest checks, lock entries
//   package_req.hpp   `jsr:`/`npm:` specifier grammar with Deno's error messages
//   version_req.hpp   Version, VersionReq: deno_semver's meanings and lock spelling

#include "bundler/jsr/jsr_resolver.hpp"
#include "bundler/jsr/package_req.hpp"
#include "bundler/jsr/version_req.hpp"
