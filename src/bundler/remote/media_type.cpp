#include "bundler/remote/media_type.hpp"

#include "bundler/remote/url.hpp"

#include <algorithm>
#include <cctype>

namespace bundler {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The last non-empty path segment of `url` (its host when the path is empty).
std::string file_name_of(std::string_view url) {
  auto parsed = Url::parse(url);
  std::string path = parsed ? parsed->pathname() : std::string(url);
  if (parsed && path.empty()) {
    path = parsed->hostname();
  }
  while (!path.empty() && path.back() == '/') {
    path.pop_back();
  }
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A JavaScript or TypeScript content type made precise by the extension.
MediaType refine_by_extension(std::string_view url, MediaType fallback) {
  auto from_name = media_type_from_filename(file_name_of(url));
  switch (from_name) {
    case MediaType::jsx:
    case MediaType::mjs:
    case MediaType::cjs:
    case MediaType::tsx:
    case MediaType::dts:
    case MediaType::dmts:
    case MediaType::dcts:
      return from_name;
    case MediaType::mts:
      return fallback == MediaType::javascript ? MediaType::mjs : MediaType::mts;
    case MediaType::cts:
      return fallback == MediaType::javascript ? MediaType::cjs : MediaType::cts;
    default:
      return fallback;
  }
}

}  // namespace

MediaType media_type_from_filename(std::string_view file_name) {
  auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) {
    return MediaType::unknown;
  }
  auto stem = file_name.substr(0, dot + 1);
  bool dts_stem = stem.find(".d.") != std::string_view::npos;
  auto ext = lower(file_name.substr(dot + 1));
  if (ext == "ts") {
    return dts_stem ? MediaType::dts : MediaType::typescript;
  }
  if (ext == "mts") {
    return dts_stem ? MediaType::dmts : MediaType::mts;
  }
  if (ext == "cts") {
    return dts_stem ? MediaType::dcts : MediaType::cts;
  }
  static const std::pair<const char*, MediaType> k_plain[] = {
      {"tsx", MediaType::tsx},   {"js", MediaType::javascript}, {"jsx", MediaType::jsx},
      {"mjs", MediaType::mjs},   {"cjs", MediaType::cjs},       {"css", MediaType::css},
      {"json", MediaType::json}, {"jsonc", MediaType::jsonc},   {"json5", MediaType::json5},
      {"wasm", MediaType::wasm}, {"map", MediaType::source_map}};
  for (const auto& [name, type] : k_plain) {
    if (ext == name) {
      return type;
    }
  }
  return MediaType::unknown;
}

MediaType media_type_from_url(std::string_view url) {
  return media_type_from_filename(file_name_of(url));
}

MediaType media_type_from_content_type(std::string_view url, std::string_view content_type) {
  auto essence = content_type.substr(0, content_type.find(';'));
  auto first = essence.find_first_not_of(" \t");
  auto last = essence.find_last_not_of(" \t");
  auto type = first == std::string_view::npos ? std::string()
                                              : lower(essence.substr(first, last - first + 1));
  if (type == "application/typescript" || type == "text/typescript" ||
      type == "video/vnd.dlna.mpeg-tts" || type == "video/mp2t" ||
      type == "application/x-typescript") {
    return refine_by_extension(url, MediaType::typescript);
  }
  if (type == "application/javascript" || type == "text/javascript" ||
      type == "application/ecmascript" || type == "text/ecmascript" ||
      type == "application/x-javascript" || type == "application/node") {
    return refine_by_extension(url, MediaType::javascript);
  }
  if (type == "text/jscript") {
    return refine_by_extension(url, MediaType::jsx);
  }
  static const std::pair<const char*, MediaType> k_exact[] = {
      {"text/jsx", MediaType::jsx},
      {"text/tsx", MediaType::tsx},
      {"application/json", MediaType::json},
      {"text/json", MediaType::json},
      {"application/jsonc", MediaType::jsonc},
      {"text/jsonc", MediaType::jsonc},
      {"application/json5", MediaType::json5},
      {"text/json5", MediaType::json5},
      {"application/wasm", MediaType::wasm},
      {"text/css", MediaType::css}};
  for (const auto& [name, media] : k_exact) {
    if (type == name) {
      return media;
    }
  }
  if ((type == "text/plain" || type == "application/octet-stream") && url.substr(0, 5) != "data:") {
    return media_type_from_url(url);
  }
  return MediaType::unknown;
}

MediaType media_type_of_response(std::string_view url,
                                 const std::optional<std::string>& content_type) {
  return content_type ? media_type_from_content_type(url, *content_type) : media_type_from_url(url);
}

std::string_view media_type_name(MediaType type) {
  static constexpr std::string_view k_names[] = {
      "JavaScript", "JSX",  "Mjs",  "Cjs",  "TypeScript", "Mts",    "Cts",
      "Dts",        "Dmts", "Dcts", "TSX",  "Css",        "Json",   "Jsonc",
      "Json5",      "Html", "Sql",  "Wasm", "SourceMap",  "Unknown"};
  return k_names[static_cast<int>(type)];
}

bool is_declaration(MediaType type) {
  return type == MediaType::dts || type == MediaType::dmts || type == MediaType::dcts;
}

}  // namespace bundler
