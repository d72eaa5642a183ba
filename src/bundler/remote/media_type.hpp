#pragma once

// Deno's media types (deno_media_type): what a module is, from the response's Content-Type
// and then the URL's extension (deno.md §7).

#include <optional>
#include <string>
#include <string_view>

namespace bundler {

enum class MediaType {
  javascript,
  jsx,
  mjs,
  cjs,
  typescript,
  mts,
  cts,
  dts,
  dmts,
  dcts,
  tsx,
  css,
  json,
  jsonc,
  json5,
  html,
  sql,
  wasm,
  source_map,
  unknown,
};

// From a file name's extension alone ("mod.ts", "x.d.ts", "a.json"); a stem containing
// ".d." makes a TypeScript declaration.
MediaType media_type_from_filename(std::string_view file_name);
// From a URL's last path segment.
MediaType media_type_from_url(std::string_view url);
// From a Content-Type header, refined by the URL's extension as Deno does (application/
// javascript on "x.ts" stays JavaScript; text/plain falls back to the extension).
MediaType media_type_from_content_type(std::string_view url, std::string_view content_type);
// The Content-Type when there is one, else the extension.
MediaType media_type_of_response(std::string_view url,
                                 const std::optional<std::string>& content_type);

// Deno's name for it in messages ("TypeScript", "JSX", "Unknown").
std::string_view media_type_name(MediaType type);
// .d.ts, .d.mts, .d.cts: types only, never loaded.
bool is_declaration(MediaType type);

}  // namespace bundler
