#include "bundler/artifact/metadata_json.hpp"

#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <concepts>
#include <map>
#include <string>
#include <type_traits>

namespace bundler {
namespace {

using nlohmann::json;

// The field `key` of `object`; a missing one is corruption, not a default.
const json& field(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) {
    throw util::Error(std::string("the metadata has no \"") + key + "\" field");
  }
  return *it;
}

template <typename T, typename U>
concept Is = std::same_as<std::remove_const_t<T>, U>;

// Each record's fields, listed once for both directions: `visit(key, member)`. The lock's
// keys are spelled as in deno.lock v5 (../shared/reference/deno.md §5), so it reads like
// the lockfile it came from; unlike deno.lock, empty fields are written too.
template <Is<LockedJsrPackage> Package, typename Visit>
void visit_fields(Package& package, Visit&& visit) {
  visit("integrity", package.integrity);
  visit("dependencies", package.dependencies);
}

template <Is<LockedNpmPackage> Package, typename Visit>
void visit_fields(Package& package, Visit&& visit) {
  visit("integrity", package.integrity);
  visit("dependencies", package.dependencies);
  visit("optionalDependencies", package.optional_dependencies);
  visit("optionalPeers", package.optional_peers);
  visit("os", package.os);
  visit("cpu", package.cpu);
  visit("tarball", package.tarball);
  visit("deprecated", package.deprecated);
  visit("scripts", package.scripts);
  visit("bin", package.bin);
}

template <Is<Lock> L, typename Visit>
void visit_fields(L& lock, Visit&& visit) {
  visit("version", lock.version);
  visit("specifiers", lock.specifiers);
  visit("jsr", lock.jsr);
  visit("npm", lock.npm);
  visit("redirects", lock.redirects);
  visit("remote", lock.remote);
  visit("workspace", lock.workspace);
}

template <Is<ArtifactMetadata> Metadata, typename Visit>
void visit_fields(Metadata& metadata, Visit&& visit) {
  visit("slug", metadata.slug);
  visit("entrypoint", metadata.entrypoint);
  visit("verify_jwt", metadata.verify_jwt);
  visit("import_map", metadata.import_map);
  visit("static_files", metadata.static_files);
  visit("lock", metadata.lock);
  visit("code_cache_key", metadata.code_cache_key);
}

template <typename T>
concept Record = requires(T& value) {
  visit_fields(value, [](const char*, auto&) {});
};

template <typename T>
struct RecordMap : std::false_type {};
template <Record Value>
struct RecordMap<std::map<std::string, Value>> : std::true_type {};

template <typename T>
json encode(const T& value) {
  if constexpr (Record<T>) {
    json out = json::object();
    visit_fields(value, [&](const char* key, const auto& member) { out[key] = encode(member); });
    return out;
  } else if constexpr (RecordMap<T>::value) {
    json out = json::object();
    for (const auto& [key, member] : value) {
      out[key] = encode(member);
    }
    return out;
  } else {
    return json(value);
  }
}

// Throws nlohmann's type_error for a value of the wrong JSON type.
template <typename T>
void decode(const json& in, T& out) {
  if constexpr (Record<T>) {
    visit_fields(out, [&](const char* key, auto& member) { decode(field(in, key), member); });
  } else if constexpr (RecordMap<T>::value) {
    for (const auto& [key, member] : in.get_ref<const json::object_t&>()) {
      decode(member, out[key]);
    }
  } else if constexpr (std::is_same_v<T, json>) {
    out = in;
  } else {
    in.get_to(out);
  }
}

// nlohmann parses and destroys deep nesting without recursion but copies and prints it
// recursively: a hand-made file nesting `workspace` a million levels deep would overflow
// the stack. Real metadata nests five levels.
void check_depth(std::string_view text) {
  constexpr int k_max_depth = 64;
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > k_max_depth) {
        throw util::Error("the metadata nests deeper than " + std::to_string(k_max_depth) +
                          " levels");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

}  // namespace

std::string metadata_to_json(const ArtifactMetadata& metadata) {
  try {
    // nlohmann's objects are std::maps: keys come out sorted, so the text is canonical.
    return encode(metadata).dump();
  } catch (const json::exception&) {
    throw util::Error("its metadata holds a string that is not valid UTF-8");
  }
}

ArtifactMetadata metadata_from_json(std::string_view text) {
  check_depth(text);
  auto value = json::parse(text);
  if (!value.is_object()) {
    throw util::Error("the metadata is not a JSON object");
  }
  ArtifactMetadata metadata;
  decode(value, metadata);
  return metadata;
}

}  // namespace bundler
