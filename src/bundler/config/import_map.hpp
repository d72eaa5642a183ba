#pragma once

// Import maps as Deno applies them (denoland/import_map, after the WICG spec): `imports`
// and `scopes`, keys matched exactly or as a prefix when they end in "/" (the longest
// wins), scopes from the most specific prefix of the referrer, URL-like keys and every
// value resolved against the map's own URL. Entries that cannot be used are left out with
// a warning (`warnings()`), as Deno's diagnostics say.

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bundler {

class ImportMap {
 public:
  ImportMap() = default;

  // Parses an import map's text; `base_url` is its own URL ("file:///p/import_map.json").
  // Throws util::Error with Deno's message when the text is not JSON ("Unable to parse
  // import map JSON: ..."), not an object, or `imports`/`scopes` are not objects.
  static ImportMap parse(std::string_view json_text, const std::string& base_url);
  // The same from parsed JSON ({"imports": ..., "scopes": ...}; other keys warn).
  static ImportMap from_json(const nlohmann::json& value, const std::string& base_url);

  // Deno's extension for deno.json (not for separate import map files): a key without a
  // trailing "/" whose value is a `jsr:`/`npm:` specifier without one also maps "key/"
  // to "jsr:/<value>/" (resp. npm:), unless "key/" is present. Applies to scopes too.
  static nlohmann::json expand_deno_json_imports(const nlohmann::json& value);

  // Where `specifier` imported from `referrer` (an absolute URL) goes: the mapped URL, or
  // the specifier itself resolved as a URL when it is one (absolute, or ./ ../ /). Nullopt
  // for a bare specifier the map does not know. Throws util::Error when the map blocks it
  // (a null entry) or a prefix match would climb above its target.
  std::optional<std::string> resolve(const std::string& specifier,
                                     const std::string& referrer) const;

  const std::string& base_url() const { return m_base_url; }
  const std::vector<std::string>& warnings() const { return m_warnings; }
  bool empty() const { return m_imports.empty() && m_scopes.empty(); }

 private:
  // Normalised key -> address (nullopt: a null entry, which blocks the key). Keys in
  // descending code-unit order, so the first prefix that matches is the longest.
  using SpecifierMap = std::map<std::string, std::optional<std::string>, std::greater<>>;

  SpecifierMap parse_specifier_map(const nlohmann::json& object);
  std::optional<std::string> resolve_in(const SpecifierMap& map, const std::string& normalized,
                                        bool non_special_url) const;

  std::string m_base_url;
  SpecifierMap m_imports;
  std::map<std::string, SpecifierMap, std::greater<>> m_scopes;
  std::vector<std::string> m_warnings;
};

// A specifier that is a URL on its own or relative to `base` ("./a", "../a", "/a",
// "https://...", "jsr:..."): its serialisation; nullopt for a bare specifier.
std::optional<std::string> url_like_specifier(std::string_view specifier, std::string_view base);

}  // namespace bundler
