#pragma once

// The one way sbfn reads a TOML file (config.toml, sbfn.toml).

#include <toml.hpp>

#include <filesystem>
#include <string_view>

namespace project {

// The offset of the first byte of `text` that is not well-formed UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF included), or npos when it all is.
std::size_t invalid_utf8_offset(std::string_view text);

// toml::parse of the file at `path`, after checking that it is UTF-8, as TOML requires:
// toml11 3.7 (Debian 12's libtoml11-dev) reads past the end of its buffer when a literal
// string ('...') holds a byte that is not (found by fuzz/config_toml.cpp). Throws
// toml::syntax_error "<path>:<line>: ..." for such a byte, and what toml::parse throws.
toml::value parse_toml_file(const std::filesystem::path& path);

}  // namespace project
