#pragma once

// package.json "exports" and "imports", exactly as Node's ESM resolver specifies them
// (https://nodejs.org/api/esm.html#resolution-algorithm-specification:
// PACKAGE_EXPORTS_RESOLVE, PACKAGE_IMPORTS_RESOLVE, PACKAGE_TARGET_RESOLVE, subpath
// patterns with `*`, null targets, fallback arrays, condition objects in key order).

#include "bundler/npm/package_json.hpp"

#include <optional>
#include <string>
#include <vector>

namespace bundler {

struct ExportsMatch {
  std::string value;  // an absolute path inside the package, or a bare specifier
  bool bare = false;  // only "imports" may map to another package ("#dep": "dep")
};

// The target of `subpath` ("." or "./sub") in `package`'s "exports" for `conditions`.
// Throws util::Error with Node's code and message: [ERR_PACKAGE_PATH_NOT_EXPORTED],
// [ERR_INVALID_PACKAGE_TARGET], [ERR_INVALID_PACKAGE_CONFIG]. `referrer` is for messages.
std::string resolve_package_exports(const PackageJson& package, const std::string& subpath,
                                    const std::vector<std::string>& conditions,
                                    const std::string& referrer);

// The target of `specifier` ("#x") in `package`'s "imports". Throws util::Error:
// [ERR_PACKAGE_IMPORT_NOT_DEFINED], [ERR_INVALID_PACKAGE_TARGET], [ERR_INVALID_MODULE_SPECIFIER].
ExportsMatch resolve_package_imports(const PackageJson& package, const std::string& specifier,
                                     const std::vector<std::string>& conditions,
                                     const std::string& referrer);

}  // namespace bundler
