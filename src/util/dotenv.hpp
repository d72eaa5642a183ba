#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace util {

// Looks a variable up outside the file being parsed (usually the process environment).
using DotenvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Parses an env file the way the Supabase CLI does (godotenv rules), so a `.env` that works
// there works here:
// - `KEY=value` or `KEY: value`, optionally prefixed by `export `; keys are `[A-Za-z0-9_.]+`;
// - `#` starts a comment at the start of a line, or after whitespace in an unquoted value;
// - unquoted values are trimmed; 'single quotes' are literal; "double quotes" may span lines
//   and understand \n \r \t \\ \" \$;
// - `$VAR` and `${VAR}` expand in unquoted and double-quoted values, from keys earlier in
//   the file, then `lookup_outer`, else to "";
// - a later duplicate key replaces the value but keeps the first key's position.
// Throws util::Error "`file_name`:<line>: <problem>" on a syntax error.
std::vector<std::pair<std::string, std::string>> parse_dotenv(std::string_view text,
                                                              const std::string& file_name,
                                                              const DotenvLookup& lookup_outer);

// Reads and parses the env file at `path`; errors name the file.
std::vector<std::pair<std::string, std::string>> read_dotenv_file(const std::filesystem::path& path,
                                                                  const DotenvLookup& lookup_outer);

}  // namespace util
