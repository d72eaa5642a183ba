#pragma once

// npm tarballs: the integrity check and the extraction Deno does
// (../shared/reference/deno.md §3 "Tarball").

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace bundler {

// Checks `bytes` against `expected`: an SRI string (`sha512-<base64>` or `sha1-<base64>`,
// the registry's `dist.integrity` and what deno.lock records) or a hex SHA-1 (`shasum`,
// for packages published before integrity existed). Returns the actual hash, written the
// same way as `expected`, when they differ; nullopt when they match or `expected` is
// empty. Throws util::Error naming `package` for any other algorithm.
std::optional<std::string> integrity_mismatch(std::string_view bytes, std::string_view expected,
                                              const std::string& package);

// Writes the files of the gzipped tarball `tgz` below `dir`, dropping each path's first
// segment (`package/`). Symlinks, hardlinks and special files are skipped; a path that
// is absolute or climbs out with `..` is an error naming `package`, as is a tarball
// libarchive cannot read.
void extract_npm_tarball(std::string_view tgz, const std::filesystem::path& dir,
                         const std::string& package);

}  // namespace bundler
