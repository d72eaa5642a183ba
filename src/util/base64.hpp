#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace util {

// Encodes `bytes` as unpadded base64url (RFC 4648 §5), the form JOSE uses.
std::string base64url_encode(std::string_view bytes);

// Decodes unpadded base64url. Returns nullopt on any character outside the url alphabet
// (including `=` padding and the standard alphabet's `+` and `/`) or on an impossible length,
// because JOSE forbids both and accepting them would let two spellings name one token.
std::optional<std::string> base64url_decode(std::string_view text);

// Standard base64 with padding (RFC 4648 §4): npm integrity, Basic auth, registry tokens.
std::string base64_encode(std::string_view bytes);
// Decodes standard base64 (padding optional); nullopt on anything else.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace util
