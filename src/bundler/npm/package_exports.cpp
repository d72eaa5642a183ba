#include "bundler/npm/package_exports.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <cctype>

namespace bundler {
namespace {

using json = nlohmann::ordered_json;

// Thrown for a target Node calls invalid: a fallback array goes on to its next entry.
class InvalidTarget : public util::Error {
 public:
  using util::Error::Error;
};

// What PACKAGE_TARGET_RESOLVE gives: a match, `null` (explicitly not exported), or
// `undefined` (no condition matched: keep looking).
struct Resolved {
  enum class Kind { undefined, null, found };
  Kind kind = Kind::undefined;
  ExportsMatch match;
};

struct Context {
  const PackageJson& package;
  const std::vector<std::string>& conditions;
  const std::string& referrer;
  bool imports;
};

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The segments Node refuses in targets and pattern matches: "", ".", "..", "node_modules",
// also when percent-encoded.
bool has_invalid_segment(const std::string& path) {
  auto decoded = lowercase(path);
  for (std::size_t at; (at = decoded.find("%2e")) != std::string::npos;) {
    decoded.replace(at, 3, ".");
  }
  std::size_t start = 0;
  while (true) {
    auto end = decoded.find_first_of("/\\", start);
    auto segment = decoded.substr(start, end == std::string::npos ? end : end - start);
    if (segment.empty() || segment == "." || segment == ".." || segment == "node_modules") {
      return true;
    }
    if (end == std::string::npos) {
      return false;
    }
    start = end + 1;
  }
}

bool looks_like_url(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon < 2) {
    return false;
  }
  for (std::size_t i = 0; i < colon; ++i) {
    char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

std::string replace_stars(std::string text, const std::string& with) {
  for (std::size_t at = 0; (at = text.find('*', at)) != std::string::npos; at += with.size()) {
    text.replace(at, 1, with);
  }
  return text;
}

InvalidTarget invalid_target(const Context& context, const json& target, const std::string& key) {
  auto where = context.imports ? "imports" : "exports";
  return InvalidTarget("[ERR_INVALID_PACKAGE_TARGET] Invalid \"" + std::string(where) +
                       "\" target " + target.dump() + " defined for '" + key +
                       "' in the package config " + context.package.path() + " imported from " +
                       context.referrer +
                       (context.imports ? "" : "; targets must start with \"./\""));
}

Resolved target_resolve(const Context& context, const json& target,
                        const std::optional<std::string>& pattern_match, const std::string& key) {
  Resolved out;
  if (target.is_string()) {
    auto text = target.get<std::string>();
    if (text.rfind("./", 0) != 0) {
      bool bare_allowed = context.imports && text.rfind("../", 0) != 0 && text.rfind("/", 0) != 0 &&
                          (!looks_like_url(text) || text.rfind("node:", 0) == 0);
      if (!bare_allowed) {
        throw invalid_target(context, target, key);
      }
      out.kind = Resolved::Kind::found;
      out.match = {pattern_match ? replace_stars(text, *pattern_match) : text, true};
      return out;
    }
    if (text.size() > 2 && has_invalid_segment(text.substr(2))) {
      throw invalid_target(context, target, key);
    }
    auto resolved = context.package.folder + text.substr(1);
    if (pattern_match) {
      if (has_invalid_segment(*pattern_match)) {
        throw util::Error("[ERR_INVALID_MODULE_SPECIFIER] Invalid module \"" + key +
                          "\": request is not a valid match in pattern \"" + text + "\" for the " +
                          (context.imports ? "imports" : "exports") + " of " +
                          context.package.path() + " imported from " + context.referrer);
      }
      resolved = replace_stars(resolved, *pattern_match);
    }
    out.kind = Resolved::Kind::found;
    out.match = {resolved, false};
    return out;
  }
  if (target.is_object()) {
    for (const auto& [condition, value] : target.items()) {
      bool active = condition == "default" ||
                    std::find(context.conditions.begin(), context.conditions.end(), condition) !=
                        context.conditions.end();
      if (!active) {
        continue;
      }
      auto resolved = target_resolve(context, value, pattern_match, key);
      if (resolved.kind != Resolved::Kind::undefined) {
        return resolved;
      }
    }
    return out;  // undefined
  }
  if (target.is_array()) {
    if (target.empty()) {
      out.kind = Resolved::Kind::null;
      return out;
    }
    std::optional<InvalidTarget> last_error;
    for (const auto& value : target) {
      try {
        auto resolved = target_resolve(context, value, pattern_match, key);
        if (resolved.kind == Resolved::Kind::undefined) {
          continue;
        }
        return resolved;
      } catch (const InvalidTarget& error) {
        last_error = error;
      }
    }
    if (last_error) {
      throw *last_error;
    }
    out.kind = Resolved::Kind::null;
    return out;
  }
  if (target.is_null()) {
    out.kind = Resolved::Kind::null;
    return out;
  }
  throw invalid_target(context, target, key);
}

// PATTERN_KEY_COMPARE, as a "sorts before" predicate: longer bases first.
bool pattern_key_before(const std::string& a, const std::string& b) {
  auto star_a = a.find('*');
  auto star_b = b.find('*');
  auto base_a = star_a == std::string::npos ? a.size() : star_a + 1;
  auto base_b = star_b == std::string::npos ? b.size() : star_b + 1;
  if (base_a != base_b) {
    return base_a > base_b;
  }
  if (star_a == std::string::npos || star_b == std::string::npos) {
    return star_b == std::string::npos && star_a != std::string::npos;
  }
  return a.size() > b.size();
}

Resolved imports_exports_resolve(const Context& context, const std::string& match_key,
                                 const json& match_object) {
  if (match_object.contains(match_key) && match_key.find('*') == std::string::npos) {
    return target_resolve(context, match_object[match_key], std::nullopt, match_key);
  }
  std::vector<std::string> expansion_keys;
  for (const auto& [key, _] : match_object.items()) {
    auto star = key.find('*');
    if (star != std::string::npos && key.find('*', star + 1) == std::string::npos) {
      expansion_keys.push_back(key);
    }
  }
  std::stable_sort(expansion_keys.begin(), expansion_keys.end(), pattern_key_before);
  for (const auto& key : expansion_keys) {
    auto star = key.find('*');
    auto base = key.substr(0, star);
    if (match_key.rfind(base, 0) != 0 || match_key == base) {
      continue;
    }
    auto trailer = key.substr(star + 1);
    bool fits =
        trailer.empty() ||
        (match_key.size() >= key.size() && match_key.size() >= trailer.size() &&
         match_key.compare(match_key.size() - trailer.size(), trailer.size(), trailer) == 0);
    if (fits) {
      auto pattern_match =
          match_key.substr(base.size(), match_key.size() - base.size() - trailer.size());
      return target_resolve(context, match_object[key], pattern_match, match_key);
    }
  }
  Resolved none;
  none.kind = Resolved::Kind::null;
  return none;
}

}  // namespace

std::string resolve_package_exports(const PackageJson& package, const std::string& subpath,
                                    const std::vector<std::string>& conditions,
                                    const std::string& referrer) {
  const auto& exports = package.exports;
  Context context{package, conditions, referrer, false};
  bool dot_keys = false;
  bool other_keys = false;
  if (exports.is_object()) {
    for (const auto& [key, _] : exports.items()) {
      (!key.empty() && key.front() == '.' ? dot_keys : other_keys) = true;
    }
    if (dot_keys && other_keys) {
      throw util::Error("[ERR_INVALID_PACKAGE_CONFIG] Invalid package config " + package.path() +
                        ": \"exports\" cannot contain some keys starting with '.' and some not. "
                        "The exports object must either be an object of package subpath keys or "
                        "an object of main entry condition name keys only.");
    }
  }
  Resolved resolved;
  if (subpath == ".") {
    if (exports.is_object() && dot_keys) {
      if (exports.contains(".")) {
        resolved = target_resolve(context, exports["."], std::nullopt, ".");
      }
    } else {
      resolved = target_resolve(context, exports, std::nullopt, ".");
    }
  } else if (exports.is_object() && dot_keys) {
    resolved = imports_exports_resolve(context, subpath, exports);
  }
  if (resolved.kind == Resolved::Kind::found) {
    return resolved.match.value;
  }
  throw util::Error("[ERR_PACKAGE_PATH_NOT_EXPORTED] " +
                    (subpath == "."
                         ? std::string("No \"exports\" main defined")
                         : "Package subpath '" + subpath + "' is not defined by \"exports\"") +
                    " in " + package.path() + " imported from " + referrer);
}

ExportsMatch resolve_package_imports(const PackageJson& package, const std::string& specifier,
                                     const std::vector<std::string>& conditions,
                                     const std::string& referrer) {
  if (specifier == "#" || specifier.rfind("#/", 0) == 0) {
    throw util::Error("[ERR_INVALID_MODULE_SPECIFIER] Invalid module \"" + specifier +
                      "\" is not a valid internal imports specifier name imported from " +
                      referrer);
  }
  if (package.imports.is_object()) {
    Context context{package, conditions, referrer, true};
    auto resolved = imports_exports_resolve(context, specifier, package.imports);
    if (resolved.kind == Resolved::Kind::found) {
      return resolved.match;
    }
  }
  throw util::Error("[ERR_PACKAGE_IMPORT_NOT_DEFINED] Package import specifier \"" + specifier +
                    "\" is not defined in package " + package.path() + " imported from " +
                    referrer);
}

}  // namespace bundler
