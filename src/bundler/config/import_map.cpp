#include "bundler/config/import_map.hpp"

#include "bundler/remote/url.hpp"
#include "util/error.hpp"

namespace bundler {
namespace {

using json = nlohmann::json;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_relative(std::string_view s) {
  return starts_with(s, "/") || starts_with(s, "./") || starts_with(s, "../");
}

// serde_json's `{:#?}` of a non-string address, close enough for a warning.
std::string debug_value(const json& value) {
  return value.dump();
}

// Deno joins the part after a matched prefix to the target's path segment by segment:
// "." and ".." segments are dropped, the query and fragment are joined as a URL.
std::optional<std::string> append_to_base(const std::string& base, std::string_view rest) {
  auto base_url = Url::parse(base);
  if (!base_url) {
    return std::nullopt;
  }
  if (is_relative(rest) || !starts_with(base_url->pathname(), "/")) {
    auto joined = Url::parse(rest, base);
    return joined ? std::optional(joined->href()) : std::nullopt;
  }
  auto tail_at = rest.find_first_of("?#");
  auto path = rest.substr(0, tail_at);
  std::string href = base_url->href();
  auto cut = href.find_first_of("?#");
  href = href.substr(0, cut);
  if (!href.empty() && href.back() == '/') {
    href.pop_back();
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    auto segment = path.substr(start, end - start);
    if (segment != "." && segment != "..") {
      href += "/";
      href += segment;
    }
    start = end + 1;
  }
  auto url = Url::parse(href);
  if (url && tail_at != std::string_view::npos) {
    url = Url::parse(rest.substr(tail_at), url->href());
  }
  return url ? std::optional(url->href()) : std::nullopt;
}

}  // namespace

std::optional<std::string> url_like_specifier(std::string_view specifier, std::string_view base) {
  if (is_relative(specifier)) {
    if (auto url = Url::parse(specifier, base)) {
      return url->href();
    }
  }
  if (auto url = Url::parse(specifier)) {
    return url->href();
  }
  return std::nullopt;
}

ImportMap ImportMap::parse(std::string_view json_text, const std::string& base_url) {
  json value;
  try {
    value = json::parse(json_text);
  } catch (const json::exception& error) {
    // Also out_of_range: nlohmann reports a number beyond double's range (`1e999`) that way.
    throw util::Error(std::string("Unable to parse import map JSON: ") + error.what());
  }
  return from_json(value, base_url);
}

ImportMap ImportMap::from_json(const json& value, const std::string& base_url) {
  if (!value.is_object()) {
    throw util::Error("Import map JSON must be an object");
  }
  ImportMap map;
  map.m_base_url = base_url;
  if (value.contains("imports")) {
    if (!value["imports"].is_object()) {
      throw util::Error("Import map's 'imports' must be an object");
    }
    map.m_imports = map.parse_specifier_map(value["imports"]);
  }
  if (value.contains("scopes")) {
    if (!value["scopes"].is_object()) {
      throw util::Error("Import map's 'scopes' must be an object");
    }
    for (const auto& [prefix, imports] : value["scopes"].items()) {
      if (!imports.is_object()) {
        throw util::Error("The value for the \"" + prefix + "\" scope prefix must be an object");
      }
    }
    for (const auto& [prefix, imports] : value["scopes"].items()) {
      auto scope = Url::parse(prefix, base_url);
      if (!scope) {
        map.m_warnings.push_back("Invalid scope \"" + prefix + "\" (parsed against base URL \"" +
                                 base_url + "\").");
        continue;
      }
      map.m_scopes[scope->href()] = map.parse_specifier_map(imports);
    }
  }
  for (const auto& [key, _] : value.items()) {
    if (key != "imports" && key != "scopes") {
      map.m_warnings.push_back("Invalid top-level key \"" + key +
                               "\". Only \"imports\" and \"scopes\" can be present.");
    }
  }
  return map;
}

ImportMap::SpecifierMap ImportMap::parse_specifier_map(const json& object) {
  SpecifierMap out;
  for (const auto& [key, value] : object.items()) {
    if (key.empty()) {
      m_warnings.push_back("Invalid empty string specifier.");
      continue;
    }
    auto normalized = url_like_specifier(key, m_base_url).value_or(key);
    if (!value.is_string()) {
      m_warnings.push_back("Invalid address " + debug_value(value) + " for the specifier key \"" +
                           key + "\". Addresses must be strings.");
      out[normalized] = std::nullopt;
      continue;
    }
    auto address = url_like_specifier(value.get<std::string>(), m_base_url);
    if (!address) {
      m_warnings.push_back("Invalid address \"" + value.get<std::string>() +
                           "\" for the specifier key \"" + key + "\".");
      out[normalized] = std::nullopt;
      continue;
    }
    if (ends_with(key, "/") && !ends_with(*address, "/")) {
      m_warnings.push_back("Invalid target address \"" + *address + "\" for package specifier \"" +
                           key + "\". Package address targets must end with \"/\".");
      out[normalized] = std::nullopt;
      continue;
    }
    out[normalized] = *address;
  }
  return out;
}

std::optional<std::string> ImportMap::resolve_in(const SpecifierMap& map,
                                                 const std::string& normalized,
                                                 bool non_special_url) const {
  if (auto exact = map.find(normalized); exact != map.end()) {
    if (!exact->second) {
      throw util::Error("Blocked by null entry for \"\"" + normalized + "\"\"");
    }
    return exact->second;
  }
  for (const auto& [key, address] : map) {
    if (!ends_with(key, "/") || !starts_with(normalized, key) || non_special_url) {
      continue;
    }
    if (!address) {
      throw util::Error("Blocked by null entry for \"\"" + key + "\"\"");
    }
    auto rest = std::string_view(normalized).substr(key.size());
    auto url = append_to_base(*address, rest);
    if (!url) {
      throw util::Error("Failed to resolve the specifier \"" + normalized +
                        "\" as its after-prefix portion \"" + std::string(rest) +
                        "\" could not be URL-parsed relative to the URL prefix \"" + *address +
                        "\" mapped to by the prefix \"" + key + "\"");
    }
    if (!starts_with(*url, *address)) {
      throw util::Error("The specifier \"" + normalized + "\" backtracks above its prefix \"" +
                        key + "\"");
    }
    return url;
  }
  return std::nullopt;
}

std::optional<std::string> ImportMap::resolve(const std::string& specifier,
                                              const std::string& referrer) const {
  auto as_url = url_like_specifier(specifier, referrer);
  auto normalized = as_url.value_or(specifier);
  // Prefix matches never apply to URLs of non-special schemes (data:, jsr:, npm:...).
  bool non_special = as_url && !Url::parse(*as_url)->is_special();
  if (auto scope = m_scopes.find(referrer); scope != m_scopes.end()) {
    if (auto found = resolve_in(scope->second, normalized, non_special)) {
      return found;
    }
  }
  for (const auto& [prefix, imports] : m_scopes) {
    if (ends_with(prefix, "/") && starts_with(referrer, prefix)) {
      if (auto found = resolve_in(imports, normalized, non_special)) {
        return found;
      }
    }
  }
  if (auto found = resolve_in(m_imports, normalized, non_special)) {
    return found;
  }
  return as_url;
}

json ImportMap::expand_deno_json_imports(const json& value) {
  auto expand = [](const json& imports) {
    json out = json::object();
    for (const auto& [key, target] : imports.items()) {
      out[key] = target;
      if (ends_with(key, "/") || imports.contains(key + "/") || !target.is_string()) {
        continue;
      }
      auto text = target.get<std::string>();
      if (ends_with(text, "/")) {
        continue;
      }
      for (std::string_view scheme : {"jsr:", "npm:"}) {
        if (starts_with(text, scheme)) {
          auto rest = std::string_view(text).substr(scheme.size());
          if (starts_with(rest, "/")) {
            rest.remove_prefix(1);
          }
          out[key + "/"] = std::string(scheme) + "/" + std::string(rest) + "/";
        }
      }
    }
    return out;
  };
  if (!value.is_object()) {
    return value;
  }
  json out = value;
  if (value.contains("imports") && value["imports"].is_object()) {
    out["imports"] = expand(value["imports"]);
  }
  if (value.contains("scopes") && value["scopes"].is_object()) {
    for (auto& [prefix, imports] : out["scopes"].items()) {
      if (imports.is_object()) {
        imports = expand(imports);
      }
    }
  }
  return out;
}

}  // namespace bundler
