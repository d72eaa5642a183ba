#pragma once

// npm tarballs: the integrity check and the extraction Deno does
// (../shared/reference/deno.md §3 "Tarball").

#include <cstdint>
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

// What one package may unpack to. npm's largest packages unpack to a few hundred MB; this
// stops a gzip bomb, or an entry declaring (or seeking to) terabytes, before it fills the
// disk or the memory of whoever reads the files back.
inline constexpr std::uint64_t k_max_npm_unpacked_bytes = std::uint64_t{2} << 30;

// Writes the files of the gzipped tarball `tgz` below `dir`, dropping each path's first
// segment (`package/`). Symlinks, hardlinks and special files are skipped; a path that
// is absolute or climbs out with `..` is an error naming `package`, as is a tarball
// libarchive cannot read, one that unpacks to more than k_max_npm_unpacked_bytes, and one
// whose paths cannot all be written (a path that is a file in one entry and a folder in
// another).
void extract_npm_tarball(std::string_view tgz, const std::filesystem::path& dir,
                         const std::string& package);

}  // namespace bundler
