#pragma once

// JSON with comments and trailing commas (deno.jsonc, and Deno accepts both in deno.json).

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace bundler {

// `text` with `//` and `/* */` comments and trailing commas removed, strings untouched.
std::string strip_jsonc(std::string_view text);

// Parses JSONC; throws util::Error "Unable to parse config file JSON "<name>": <why>".
nlohmann::json parse_jsonc(std::string_view text, const std::string& name_for_errors);

}  // namespace bundler
