#pragma once

// The hashes and the base64 alphabet npm uses: Subresource-Integrity strings are
// `sha512-<standard base64>`, legacy `shasum`s are hex SHA-1, and `.npmrc` passwords are
// standard base64 (util/base64.hpp has only JOSE's base64url).

#include <optional>
#include <string>
#include <string_view>

namespace bundler::npm_digest {

enum class Algorithm { sha1, sha512 };

// The raw digest of `bytes`.
std::string digest(Algorithm algorithm, std::string_view bytes);

}  // namespace bundler::npm_digest
