#include "bundler/lockfile.hpp"

#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace bundler {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// --- Package requirements as deno.lock spells them ---

// "jsr:@a/b@^1" -> scheme "jsr", name "@a/b", version "^1" ("*" when none). Loose: the
// version may be any npm range (package.json dependencies end up in the lock too).
struct DepReq {
  std::string scheme;
  std::string name;
  std::string version;

  std::string key() const { return scheme + ":" + name + "@" + version; }
  bool has_version() const { return version != "*"; }
};

std::optional<DepReq> split_dep_req(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  DepReq out{std::string(text.substr(0, colon)), "", "*"};
  if (out.scheme != "jsr" && out.scheme != "npm") {
    return std::nullopt;
  }
  auto rest = text.substr(colon + 1);
  if (rest.empty()) {
    return std::nullopt;
  }
  // The version follows the last '@' of the name's last segment.
  auto name_end = rest.front() == '@' ? rest.find('/') : 0;
  if (name_end == std::string_view::npos) {
    return std::nullopt;
  }
  auto at = rest.rfind('@');
  if (at != std::string_view::npos && at > name_end) {
    out.version = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  out.name = std::string(rest);
  if (out.name.empty() || out.name == "@" || out.version.empty()) {
    return std::nullopt;
  }
  return out;
}

// The requirement in Deno's normalised spelling; one outside the specifier grammar (a full
// npm range) is kept as written.
std::string normalized_version(const std::string& version) {
  std::vector<std::string> causes;
  auto req = VersionReq::try_parse_specifier(version, causes);
  return req ? req->normalized() : version;
}

std::string normalized_key(std::string_view text) {
  auto dep = split_dep_req(text);
  if (!dep) {
    return std::string(text);
  }
  return dep->scheme + ":" + dep->name + "@" + normalized_version(dep->version);
}

// "name@version" (the name may start with '@'): both halves, or nullopt.
std::optional<std::pair<std::string, std::string>> split_id(std::string_view id) {
  if (id.empty()) {
    return std::nullopt;
  }
  auto at = id.find('@', 1);
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  return std::pair{std::string(id.substr(0, at)), std::string(id.substr(at + 1))};
}

// --- npm dependency entries: "dep" | "dep@1.2.3" | "alias@npm:real@1.2.3" ---

struct NpmNames {
  std::map<std::string, std::string> version_of;  // name -> a locked version (last wins)
  std::map<std::string, int> versions;            // name -> how many versions are locked
};

NpmNames npm_names(const std::map<std::string, LockedNpmPackage>& npm) {
  NpmNames out;
  for (const auto& [id, _] : npm) {
    if (auto nv = split_id(id)) {
      out.version_of[nv->first] = nv->second;
      ++out.versions[nv->first];
    }
  }
  return out;
}

// An entry as (key in the package's dependencies, resolved id "name@version").
std::optional<std::pair<std::string, std::string>> resolve_npm_dep(const std::string& dep,
                                                                   const NpmNames& names) {
  std::string left;
  std::string right;
  if (auto nv = split_id(dep)) {
    left = nv->first;
    right = nv->second;
  } else if (auto it = names.version_of.find(dep); it != names.version_of.end()) {
    left = dep;
    right = it->second;
  } else {
    return std::nullopt;
  }
  if (right.rfind("npm:", 0) == 0) {
    auto aliased = split_id(std::string_view(right).substr(4));
    if (!aliased) {
      return std::nullopt;
    }
    return std::pair{left, aliased->first + "@" + aliased->second};
  }
  return std::pair{left, left + "@" + right};
}

// Deno's short form: the bare name when one version of it is locked.
std::vector<std::string> print_npm_deps(const std::vector<std::string>& deps,
                                        const NpmNames& names) {
  std::map<std::string, std::string> by_key;  // printed in key order, as Deno does
  for (const auto& dep : deps) {
    if (auto resolved = resolve_npm_dep(dep, names)) {
      by_key[resolved->first] = resolved->second;
    }
  }
  std::vector<std::string> out;
  for (const auto& [key, id] : by_key) {
    auto nv = split_id(id);
    if (!nv) {
      continue;
    }
    if (nv->first == key) {
      auto count = names.versions.find(key);
      bool single = count != names.versions.end() && count->second == 1;
      out.push_back(single ? key : id);
    } else {
      out.push_back(key + "@npm:" + id);
    }
  }
  return out;
}

// --- jsr dependency entries: "jsr:@std/path" (one specifier of that name) or in full ---

struct Specifiers {
  std::map<std::string, DepReq> by_key;     // "jsr:@a/b@^1" as written -> parsed
  std::map<std::string, int> names;         // name -> number of specifiers
  std::map<std::string, std::string> bare;  // "jsr:@a/b" -> the first specifier's key
};

Specifiers index_specifiers(const std::map<std::string, std::string>& specifiers) {
  Specifiers out;
  for (const auto& [key, _] : specifiers) {
    if (auto dep = split_dep_req(key)) {
      out.by_key[dep->key()] = *dep;
      ++out.names[dep->name];
      out.bare.emplace(dep->scheme + ":" + dep->name, dep->key());
    }
  }
  return out;
}

// The specifier a package's dependency entry stands for, or nullopt.
std::optional<DepReq> resolve_jsr_dep(const std::string& text, const Specifiers& specifiers) {
  auto dep = split_dep_req(text);
  if (!dep) {
    return std::nullopt;
  }
  if (auto it = specifiers.by_key.find(dep->key()); it != specifiers.by_key.end()) {
    return it->second;
  }
  if (!dep->has_version()) {
    if (auto it = specifiers.bare.find(dep->scheme + ":" + dep->name);
        it != specifiers.bare.end()) {
      return specifiers.by_key.at(it->second);
    }
  }
  return std::nullopt;
}

std::vector<std::string> print_jsr_deps(const std::vector<std::string>& deps,
                                        const Specifiers& specifiers) {
  std::set<std::string> out;  // sorted, duplicates folded
  for (const auto& text : deps) {
    auto dep = resolve_jsr_dep(text, specifiers);
    if (!dep) {
      dep = split_dep_req(text);
    }
    if (!dep) {
      out.insert(text);
      continue;
    }
    auto count = specifiers.names.find(dep->name);
    bool single = count != specifiers.names.end() && count->second == 1;
    out.insert(single ? dep->scheme + ":" + dep->name
                      : dep->scheme + ":" + dep->name + "@" + normalized_version(dep->version));
  }
  return {out.begin(), out.end()};
}

// jsr package keys sort by name, then by version precedence (Deno keys them by PackageNv).
std::vector<std::string> jsr_keys_in_order(const std::map<std::string, LockedJsrPackage>& jsr) {
  std::vector<std::string> keys;
  for (const auto& [key, _] : jsr) {
    keys.push_back(key);
  }
  std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    auto na = split_id(a);
    auto nb = split_id(b);
    if (!na || !nb || na->first != nb->first) {
      return a < b;
    }
    auto va = Version::parse(na->second);
    auto vb = Version::parse(nb->second);
    if (!va || !vb) {
      return a < b;
    }
    return *va < *vb;
  });
  return keys;
}

// --- The printer: serde_json's pretty format, with `os`/`cpu` arrays on one line (v5) ---

void print_string(std::string& out, const std::string& s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += k_hex[c >> 4];
          out += k_hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void print_value(std::string& out, const ordered_json& value, int depth, bool inline_array) {
  auto newline = [&](int d) { out += '\n' + std::string(static_cast<std::size_t>(d) * 2, ' '); };
  if (value.is_object()) {
    if (value.empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (const auto& [key, item] : value.items()) {
      out += first ? "" : ",";
      first = false;
      newline(depth + 1);
      print_string(out, key);
      out += ": ";
      print_value(out, item, depth + 1, key == "os" || key == "cpu");
    }
    newline(depth);
    out += '}';
  } else if (value.is_array()) {
    if (value.empty()) {
      out += "[]";
      return;
    }
    out += '[';
    bool first = true;
    for (const auto& item : value) {
      if (inline_array) {
        out += first ? "" : ", ";
      } else {
        out += first ? "" : ",";
        newline(depth + 1);
      }
      first = false;
      print_value(out, item, depth + 1, false);
    }
    if (!inline_array) {
      newline(depth);
    }
    out += ']';
  } else if (value.is_string()) {
    print_string(out, value.get<std::string>());
  } else {
    out += value.dump();
  }
}

ordered_json string_array(const std::vector<std::string>& items) {
  ordered_json out = ordered_json::array();
  for (const auto& item : items) {
    out.push_back(item);
  }
  return out;
}

// A workspace dependency list, normalised and sorted (Deno 2.1 does so in v4 too).
std::vector<std::string> workspace_deps(const json& list, bool v5) {
  std::set<std::string> out;
  if (list.is_array()) {
    for (const auto& item : list) {
      if (item.is_string()) {
        out.insert(normalized_key(item.get<std::string>()));
      }
    }
  }
  return {out.begin(), out.end()};
}

void put_deps(ordered_json& object, const char* key, const json& source, bool v5) {
  if (source.is_object() && source.contains(key)) {
    auto deps = workspace_deps(source[key], v5);
    if (!deps.empty()) {
      object[key] = string_array(deps);
    }
  }
}

// A member (or the root): dependencies, then packageJson {dependencies, overrides}.
ordered_json workspace_member(const json& member, const json* overrides, bool v5) {
  ordered_json out = ordered_json::object();
  put_deps(out, "dependencies", member, v5);
  ordered_json package_json = ordered_json::object();
  if (member.is_object() && member.contains("packageJson")) {
    put_deps(package_json, "dependencies", member["packageJson"], v5);
  }
  if (overrides && !overrides->is_null()) {
    package_json["overrides"] = ordered_json::parse(overrides->dump());
  }
  if (!package_json.empty()) {
    out["packageJson"] = package_json;
  }
  return out;
}

ordered_json workspace_section(const json& workspace, bool v5) {
  ordered_json out = ordered_json::object();
  if (!workspace.is_object()) {
    return out;
  }
  const json* overrides = nullptr;
  if (workspace.contains("npmOverrides")) {
    overrides = &workspace["npmOverrides"];
  } else if (workspace.contains("packageJson") && workspace["packageJson"].is_object() &&
             workspace["packageJson"].contains("overrides")) {
    overrides = &workspace["packageJson"]["overrides"];
  }
  out = workspace_member(workspace, v5 ? overrides : nullptr, v5);
  if (workspace.contains("members") && workspace["members"].is_object() &&
      !workspace["members"].empty()) {
    ordered_json members = ordered_json::object();
    for (const auto& [path, member] : workspace["members"].items()) {
      members[path] = workspace_member(member, nullptr, v5);
    }
    out["members"] = members;
  }
  const char* links_key = workspace.contains("links") ? "links" : "patches";
  if (workspace.contains(links_key) && workspace[links_key].is_object() &&
      !workspace[links_key].empty()) {
    ordered_json links = ordered_json::object();
    for (const auto& [name, link] : workspace[links_key].items()) {
      ordered_json entry = ordered_json::object();
      put_deps(entry, "dependencies", link, v5);
      if (v5) {
        put_deps(entry, "optionalDependencies", link, v5);
      }
      put_deps(entry, "peerDependencies", link, v5);
      if (link.is_object() && link.contains("peerDependenciesMeta") &&
          link["peerDependenciesMeta"].is_object() && !link["peerDependenciesMeta"].empty()) {
        entry["peerDependenciesMeta"] = ordered_json::parse(link["peerDependenciesMeta"].dump());
      }
      links[name] = entry;
    }
    out[v5 ? "links" : "patches"] = links;
  }
  return out;
}

// --- Upgrades of old formats (Deno's transforms 1->2->3->4) ---

json upgrade_1_to_2(json lock) {
  return json{{"version", "2"}, {"remote", std::move(lock)}};
}

json upgrade_2_to_3(json lock) {
  lock["version"] = "3";
  if (lock.contains("npm") && lock["npm"].is_object()) {
    auto npm = lock["npm"];
    lock.erase("npm");
    json packages = json::object();
    if (npm.contains("packages")) {
      packages["npm"] = npm["packages"];
    }
    if (npm.contains("specifiers") && npm["specifiers"].is_object()) {
      json specifiers = json::object();
      for (const auto& [key, value] : npm["specifiers"].items()) {
        if (value.is_string()) {
          specifiers["npm:" + key] = "npm:" + value.get<std::string>();
        }
      }
      if (!specifiers.empty()) {
        packages["specifiers"] = specifiers;
      }
    }
    lock["packages"] = packages;
  }
  return lock;
}

json upgrade_3_to_4(json lock) {
  lock["version"] = "4";
  if (!lock.contains("packages") || !lock["packages"].is_object()) {
    return lock;
  }
  auto packages = lock["packages"];
  lock.erase("packages");
  if (packages.contains("npm") && packages["npm"].is_object()) {
    std::map<std::string, int> versions;
    for (const auto& [id, _] : packages["npm"].items()) {
      if (auto nv = split_id(id)) {
        ++versions[nv->first];
      }
    }
    for (auto& [id, value] : packages["npm"].items()) {
      if (!value.is_object() || !value.contains("dependencies") ||
          !value["dependencies"].is_object()) {
        continue;
      }
      json deps = json::array();
      for (const auto& [key, dep_id] : value["dependencies"].items()) {
        auto nv = dep_id.is_string() ? split_id(dep_id.get<std::string>()) : std::nullopt;
        if (!nv) {
          throw util::Error("Failed upgrading lockfile to latest version. Lockfile may be corrupt");
        }
        if (nv->first == key) {
          deps.push_back(versions[key] == 1 ? key : nv->first + "@" + nv->second);
        } else {
          deps.push_back(key + "@npm:" + nv->first + "@" + nv->second);
        }
      }
      value["dependencies"] = deps;
    }
  }
  // "jsr:@a/b@^1" -> "jsr:@a/b" in jsr dependency lists when that name has one specifier.
  std::map<std::string, int> names;
  if (packages.contains("specifiers") && packages["specifiers"].is_object()) {
    for (const auto& [key, _] : packages["specifiers"].items()) {
      if (auto dep = split_dep_req(key)) {
        ++names[dep->scheme + ":" + dep->name];
      }
    }
  }
  if (packages.contains("jsr") && packages["jsr"].is_object()) {
    for (auto& [_, value] : packages["jsr"].items()) {
      if (!value.is_object() || !value.contains("dependencies") ||
          !value["dependencies"].is_array()) {
        continue;
      }
      for (auto& dep : value["dependencies"]) {
        auto parsed = dep.is_string() ? split_dep_req(dep.get<std::string>()) : std::nullopt;
        if (parsed && names[parsed->scheme + ":" + parsed->name] == 1) {
          dep = parsed->scheme + ":" + parsed->name;
        }
      }
    }
  }
  // Specifier values lose their "jsr:name@" prefix: "jsr:@a/b@1.0.0" -> "1.0.0".
  if (packages.contains("specifiers") && packages["specifiers"].is_object()) {
    for (auto& [_, value] : packages["specifiers"].items()) {
      if (!value.is_string()) {
        continue;
      }
      auto dep = split_dep_req(value.get<std::string>());
      if (dep && dep->has_version()) {
        value = dep->version;
      }
    }
  }
  for (auto& [key, value] : packages.items()) {
    lock[key] = value;
  }
  return lock;
}

// --- Reading sections ---

class Corrupt : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::vector<std::string> strings(const json& object, const char* key, const std::string& section) {
  std::vector<std::string> out;
  if (!object.contains(key) || object[key].is_null()) {
    return out;
  }
  if (!object[key].is_array()) {
    throw Corrupt("Invalid " + section + " section: " + key + " is not a list");
  }
  for (const auto& item : object[key]) {
    if (!item.is_string()) {
      throw Corrupt("Invalid " + section + " section: " + key + " holds a non-string");
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> string_map(const json& lock, const char* section) {
  std::map<std::string, std::string> out;
  if (!lock.contains(section)) {
    return out;
  }
  if (!lock[section].is_object()) {
    throw Corrupt(std::string("Invalid ") + section + " section: expected a map");
  }
  for (const auto& [key, value] : lock[section].items()) {
    if (!value.is_string()) {
      throw Corrupt(std::string("Invalid ") + section + " section: '" + key + "' is not a string");
    }
    out[key] = value.get<std::string>();
  }
  return out;
}

const json& object_section(const json& lock, const char* section) {
  static const json empty = json::object();
  if (!lock.contains(section)) {
    return empty;
  }
  if (!lock[section].is_object()) {
    throw Corrupt(std::string("Invalid ") + section + " section: expected a map");
  }
  return lock[section];
}

bool flag(const json& entry, const char* key) {
  return entry.contains(key) && entry[key].is_boolean() && entry[key].get<bool>();
}

void read_packages(const json& raw, Lock& lock) {
  lock.specifiers = string_map(raw, "specifiers");
  for (const auto& [key, _] : lock.specifiers) {
    if (!split_dep_req(key)) {
      auto colon = key.find(':');
      throw Corrupt("Unexpected JSR dependency scheme '" + key.substr(0, colon) +
                    "'. Expected 'npm:' or 'jsr:'");
    }
  }
  for (const auto& [id, entry] : object_section(raw, "npm").items()) {
    if (!split_id(id) || !entry.is_object()) {
      throw Corrupt("Invalid npm package '" + id + "'");
    }
    LockedNpmPackage package;
    if (entry.contains("integrity") && entry["integrity"].is_string()) {
      package.integrity = entry["integrity"].get<std::string>();
    }
    package.dependencies = strings(entry, "dependencies", "npm");
    package.optional_dependencies = strings(entry, "optionalDependencies", "npm");
    package.optional_peers = strings(entry, "optionalPeers", "npm");
    package.os = strings(entry, "os", "npm");
    package.cpu = strings(entry, "cpu", "npm");
    if (entry.contains("tarball") && entry["tarball"].is_string()) {
      package.tarball = entry["tarball"].get<std::string>();
    }
    package.deprecated = flag(entry, "deprecated");
    package.scripts = flag(entry, "scripts");
    package.bin = flag(entry, "bin");
    lock.npm[id] = std::move(package);
  }
  auto names = npm_names(lock.npm);
  for (const auto& [id, package] : lock.npm) {
    for (const auto* list :
         {&package.dependencies, &package.optional_dependencies, &package.optional_peers}) {
      for (const auto& dep : *list) {
        if (!resolve_npm_dep(dep, names)) {
          throw Corrupt(split_id(dep) ? "Invalid npm package dependency '" + dep + "'"
                                      : "npm package '" + dep +
                                            "' was not found and could not have its version "
                                            "resolved");
        }
      }
    }
  }
  auto specifiers = index_specifiers(lock.specifiers);
  for (const auto& [id, entry] : object_section(raw, "jsr").items()) {
    auto nv = split_id(id);
    if (!nv || !Version::parse(nv->second) || !entry.is_object() || !entry.contains("integrity") ||
        !entry["integrity"].is_string()) {
      throw Corrupt("Invalid jsr section: '" + id + "'");
    }
    LockedJsrPackage package;
    package.integrity = entry["integrity"].get<std::string>();
    package.dependencies = strings(entry, "dependencies", "jsr");
    for (const auto& dep : package.dependencies) {
      if (split_dep_req(dep) && !resolve_jsr_dep(dep, specifiers)) {
        throw Corrupt("Invalid jsr dependency '" + dep + "' for '" + id + "'");
      }
    }
    lock.jsr[id] = std::move(package);
  }
}

}  // namespace

std::string lock_specifier_key(std::string_view scheme, const PackageReq& req) {
  return std::string(scheme) + ":" + req.normalized();
}

std::optional<std::string> locked_version(const Lock& lock, std::string_view scheme,
                                          const PackageReq& req) {
  auto key = lock_specifier_key(scheme, req);
  if (auto it = lock.specifiers.find(key); it != lock.specifiers.end()) {
    return it->second;
  }
  for (const auto& [written, version] : lock.specifiers) {
    if (normalized_key(written) == key) {
      return version;
    }
  }
  return std::nullopt;
}

std::string dependency_key(const Lock& lock, const std::string& dependency) {
  auto index = index_specifiers(lock.specifiers);
  if (auto dep = resolve_jsr_dep(dependency, index)) {
    return normalized_key(dep->key());
  }
  return normalized_key(dependency);
}

util::Error lockfile_out_of_date(const std::string& change) {
  return util::Error(
      "The lockfile is out of date. Rerun without --frozen (or with --frozen=false) to update "
      "it.\nchanges:\n  " +
      change);
}

Lock read_lockfile(std::string_view text, const std::string& name_for_errors) {
  auto failure = [&](const std::string& reason) {
    return util::Error("Failed reading lockfile at '" + name_for_errors + "'\n    0: " + reason);
  };
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw failure("Lockfile was empty");
  }
  auto raw = json::parse(text, nullptr, false);
  if (raw.is_discarded() || !raw.is_object()) {
    throw failure("Failed parsing. Lockfile may be corrupt");
  }
  std::string version = raw.contains("version") && raw["version"].is_string()
                            ? raw["version"].get<std::string>()
                            : "";
  try {
    if (version.empty()) {
      raw = upgrade_3_to_4(upgrade_2_to_3(upgrade_1_to_2(std::move(raw))));
    } else if (version == "2") {
      raw = upgrade_3_to_4(upgrade_2_to_3(std::move(raw)));
    } else if (version == "3") {
      raw = upgrade_3_to_4(std::move(raw));
    } else if (version != "4" && version != "5") {
      throw failure("Unsupported lockfile version '" + version +
                    "'. Try upgrading Deno or recreating the lockfile");
    }
  } catch (const util::Error& error) {
    if (std::string_view(error.what()).rfind("Failed reading", 0) == 0) {
      throw;
    }
    throw failure(error.what());
  }
  Lock lock;
  lock.version = raw["version"].get<std::string>();
  try {
    read_packages(raw, lock);
    lock.redirects = string_map(raw, "redirects");
    lock.remote = string_map(raw, "remote");
    lock.workspace = object_section(raw, "workspace");
  } catch (const Corrupt& corrupt) {
    throw failure(std::string("Failed deserializing. Lockfile may be corrupt\n    1: ") +
                  corrupt.what());
  }
  return lock;
}

std::string write_lockfile(const Lock& lock) {
  if (lock.version != "4" && lock.version != "5") {
    throw util::Error("cannot write a deno.lock of version '" + lock.version + "' (only 4 and 5)");
  }
  bool v5 = lock.version == "5";
  ordered_json out = ordered_json::object();
  out["version"] = lock.version;

  std::map<std::string, std::string> specifiers;
  for (const auto& [key, version] : lock.specifiers) {
    specifiers[normalized_key(key)] = version;
  }
  if (!specifiers.empty()) {
    out["specifiers"] = ordered_json(specifiers);
  }

  auto index = index_specifiers(lock.specifiers);
  if (!lock.jsr.empty()) {
    ordered_json jsr = ordered_json::object();
    for (const auto& key : jsr_keys_in_order(lock.jsr)) {
      const auto& package = lock.jsr.at(key);
      ordered_json entry = {{"integrity", package.integrity}};
      auto deps = print_jsr_deps(package.dependencies, index);
      if (!deps.empty()) {
        entry["dependencies"] = string_array(deps);
      }
      jsr[key] = entry;
    }
    out["jsr"] = jsr;
  }

  if (!lock.npm.empty()) {
    auto names = npm_names(lock.npm);
    ordered_json npm = ordered_json::object();
    for (const auto& [id, package] : lock.npm) {
      ordered_json entry = ordered_json::object();
      if (!package.integrity.empty()) {
        entry["integrity"] = package.integrity;
      }
      auto put = [&](const char* key, const std::vector<std::string>& items) {
        if (!items.empty()) {
          entry[key] = string_array(items);
        }
      };
      if (v5) {
        put("dependencies", print_npm_deps(package.dependencies, names));
        put("optionalDependencies", print_npm_deps(package.optional_dependencies, names));
        put("optionalPeers", print_npm_deps(package.optional_peers, names));
        put("os", package.os);
        put("cpu", package.cpu);
        for (auto [key, on] :
             {std::pair{"deprecated", package.deprecated}, std::pair{"scripts", package.scripts},
              std::pair{"bin", package.bin}}) {
          if (on) {
            entry[key] = true;
          }
        }
        if (!package.tarball.empty()) {
          entry["tarball"] = package.tarball;
        }
      } else {
        // v4 lists optional dependencies with the others, sorted as printed.
        auto all = package.dependencies;
        all.insert(all.end(), package.optional_dependencies.begin(),
                   package.optional_dependencies.end());
        auto deps = print_npm_deps(all, names);
        std::sort(deps.begin(), deps.end());
        put("dependencies", deps);
      }
      npm[id] = entry;
    }
    out["npm"] = npm;
  }

  if (!lock.redirects.empty()) {
    out["redirects"] = ordered_json(lock.redirects);
  }
  if (!lock.remote.empty()) {
    out["remote"] = ordered_json(lock.remote);
  }
  auto workspace = workspace_section(lock.workspace, v5);
  if (!workspace.empty()) {
    out["workspace"] = workspace;
  }

  std::string text;
  print_value(text, out, 0, false);
  return text + "\n";
}

}  // namespace bundler
