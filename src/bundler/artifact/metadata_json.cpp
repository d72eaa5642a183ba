#include "bundler/artifact/metadata_json.hpp"

#include "util/error.hpp"

#include <nlohmann/json.hpp>

namespace bundler {
namespace {

using nlohmann::json;

// Keys as deno.lock v5 spells them (../shared/reference/deno.md §5), so the lock reads
// like the lockfile it came from; unlike deno.lock, empty fields are written too.
json lock_to_json(const Lock& lock) {
  json jsr = json::object();
  for (const auto& [key, package] : lock.jsr) {
    jsr[key] = {{"integrity", package.integrity}, {"dependencies", package.dependencies}};
  }
  json npm = json::object();
  for (const auto& [key, package] : lock.npm) {
    npm[key] = {{"integrity", package.integrity},
                {"dependencies", package.dependencies},
                {"optionalDependencies", package.optional_dependencies},
                {"optionalPeers", package.optional_peers},
                {"os", package.os},
                {"cpu", package.cpu},
                {"tarball", package.tarball},
                {"deprecated", package.deprecated},
                {"scripts", package.scripts},
                {"bin", package.bin}};
  }
  return {{"version", lock.version},
          {"specifiers", lock.specifiers},
          {"jsr", jsr},
          {"npm", npm},
          {"redirects", lock.redirects},
          {"remote", lock.remote},
          {"workspace", lock.workspace}};
}

// The field `key` of `object`; a missing one is corruption, not a default.
const json& field(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) {
    throw util::Error(std::string("the metadata has no \"") + key + "\" field");
  }
  return *it;
}

Lock lock_from_json(const json& value) {
  Lock lock;
  field(value, "version").get_to(lock.version);
  field(value, "specifiers").get_to(lock.specifiers);
  for (const auto& [key, entry] : field(value, "jsr").items()) {
    auto& package = lock.jsr[key];
    field(entry, "integrity").get_to(package.integrity);
    field(entry, "dependencies").get_to(package.dependencies);
  }
  for (const auto& [key, entry] : field(value, "npm").items()) {
    auto& package = lock.npm[key];
    field(entry, "integrity").get_to(package.integrity);
    field(entry, "dependencies").get_to(package.dependencies);
    field(entry, "optionalDependencies").get_to(package.optional_dependencies);
    field(entry, "optionalPeers").get_to(package.optional_peers);
    field(entry, "os").get_to(package.os);
    field(entry, "cpu").get_to(package.cpu);
    field(entry, "tarball").get_to(package.tarball);
    field(entry, "deprecated").get_to(package.deprecated);
    field(entry, "scripts").get_to(package.scripts);
    field(entry, "bin").get_to(package.bin);
  }
  field(value, "redirects").get_to(lock.redirects);
  field(value, "remote").get_to(lock.remote);
  lock.workspace = field(value, "workspace");
  return lock;
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
  json value = {{"slug", metadata.slug},
                {"entrypoint", metadata.entrypoint},
                {"verify_jwt", metadata.verify_jwt},
                {"import_map", metadata.import_map},
                {"static_files", metadata.static_files},
                {"lock", lock_to_json(metadata.lock)},
                {"code_cache_key", metadata.code_cache_key}};
  try {
    // nlohmann's objects are std::maps: keys come out sorted, so the text is canonical.
    return value.dump();
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
  field(value, "slug").get_to(metadata.slug);
  field(value, "entrypoint").get_to(metadata.entrypoint);
  field(value, "verify_jwt").get_to(metadata.verify_jwt);
  field(value, "import_map").get_to(metadata.import_map);
  field(value, "static_files").get_to(metadata.static_files);
  metadata.lock = lock_from_json(field(value, "lock"));
  field(value, "code_cache_key").get_to(metadata.code_cache_key);
  return metadata;
}

}  // namespace bundler
