// Fuzzes util::parse_dotenv, which reads a project's `.env` files (sbfn serve --env-file,
// supabase/functions/.env). Any input must either parse or throw util::Error.
#include "util/dotenv.hpp"

#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A fixed outer environment keeps runs deterministic (the real caller asks getenv).
  const util::DotenvLookup outer = [](const std::string& key) -> std::optional<std::string> {
    if (key == "HOME")
      return std::string("/home/fuzz");
    return std::nullopt;
  };
  try {
    util::parse_dotenv(text, ".env", outer);
  } catch (const util::Error&) {
    // A syntax error is a valid answer; anything else escaping is a bug.
  }
  return 0;
}
