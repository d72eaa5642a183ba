#pragma once

// npm for sbfn: the folder's table of contents. What the rest of sbfn uses is here;
// the other headers of this folder are its parts.
//
//   specifier.hpp       `npm:name@req/subpath` (NpmSpecifier, parse_npm_specifier), and
//                       how deno.lock writes a requirement
//   npmrc.hpp           .npmrc: registries per scope, credentials per URL prefix
//   npm_resolver.hpp    NpmResolver: install() (lockfile pins, packuments, Deno's version
//                       choice, the tree with peers and optional dependencies, tarballs
//                       checked and extracted into the cache, lock entries), then
//                       resolve()/resolve_from()/is_commonjs() with no network;
//                       NpmResolver::from_lock() does the same from a Lock + files
//   node_resolution.hpp Node's resolution algorithm over a FileView (exports/imports with
//                       Deno's conditions, main/module/index, CommonJS probing), the
//                       ResolutionKind (import | require), is_node_builtin()
//   node_modules.hpp    "bring your own node_modules": resolve_in_node_modules()
//   module_format.hpp   ESM or CommonJS, by Deno's rule
//
// Parts: registry (packument and tarball downloads, errors), packument, version_choice
// (npm's semver in the compiler isolate), tree, snapshot (the graph <-> deno.lock),
// package_installer and tarball (integrity, libarchive), package_json and package_exports,
// digest, paths.

#include "bundler/npm/module_format.hpp"
#include "bundler/npm/node_modules.hpp"
#include "bundler/npm/node_resolution.hpp"
#include "bundler/npm/npm_resolver.hpp"
#include "bundler/npm/npmrc.hpp"
#include "bundler/npm/specifier.hpp"
