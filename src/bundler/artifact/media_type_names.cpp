#include "bundler/artifact/media_type_names.hpp"

#include "util/error.hpp"

#include <array>
#include <string>
#include <utility>

namespace bundler {
namespace {

using runtime::MediaType;

// One row per MediaType; a new enum value needs a row here and a line in docs/artifact.md
// (compiled_media_type's switch below stops compiling until it is looked at).
constexpr std::array<std::pair<MediaType, std::string_view>, 9> k_names = {{
    {MediaType::javascript, "javascript"},
    {MediaType::jsx, "jsx"},
    {MediaType::typescript, "typescript"},
    {MediaType::tsx, "tsx"},
    {MediaType::json, "json"},
    {MediaType::declaration, "declaration"},
    {MediaType::commonjs, "commonjs"},
    {MediaType::commonjs_typescript, "commonjs_typescript"},
    {MediaType::wasm, "wasm"},
}};

}  // namespace

std::string_view media_type_name(MediaType type) {
  for (const auto& [value, name] : k_names) {
    if (value == type) {
      return name;
    }
  }
  throw util::Error("media type " + std::to_string(static_cast<int>(type)) +
                    " has no name in the artifact format (media_type_names.cpp)");
}

std::optional<MediaType> media_type_from_name(std::string_view name) {
  for (const auto& [value, known] : k_names) {
    if (known == name) {
      return value;
    }
  }
  return std::nullopt;
}

MediaType compiled_media_type(MediaType type) {
  switch (type) {
    case MediaType::typescript:
    case MediaType::tsx:
    case MediaType::jsx:
      return MediaType::javascript;
    case MediaType::commonjs_typescript:
      return MediaType::commonjs;
    case MediaType::javascript:
    case MediaType::json:
    case MediaType::declaration:
    case MediaType::commonjs:
    case MediaType::wasm:
      return type;
  }
  return type;
}

}  // namespace bundler
