// Artifact -> bytes (docs/artifact.md). Everything comes out of std::maps and std::sets,
// so keys are always in ascending byte order, and nothing depends on the clock or the
// machine: identical artifacts give identical bytes.
#include "bundler/artifact/artifact.hpp"
#include "bundler/artifact/binary_io.hpp"
#include "bundler/artifact/media_type_names.hpp"
#include "bundler/artifact/metadata_json.hpp"
#include "bundler/artifact/validate.hpp"
#include "util/error.hpp"

#include <functional>

namespace bundler {
namespace {

using artifact_io::ByteWriter;

// tag, u32 length, body: the length is patched in once the body is written.
void section(ByteWriter& out, std::string_view tag, const std::function<void()>& body) {
  out.raw(tag);
  auto length_at = out.size();
  out.u32(0, tag);
  body();
  out.patch_u32(length_at, out.size() - length_at - 4,
                std::string("the ") + std::string(tag) + " section");
}

void write_module(ByteWriter& out, const std::string& url, const ArtifactModule& module) {
  out.bytes(url, "a module URL");
  out.bytes(media_type_name(module.media_type), "a media type");
  out.bytes(module.code, "the code of " + url);
  out.bytes(module.source_map, "the source map of " + url);
  out.bytes(module.original_source, "the original source of " + url);
  out.u32(module.dependencies.size(), "the dependency count of " + url);
  for (const auto& [specifier, target] : module.dependencies) {
    out.bytes(specifier, "a specifier of " + url);
    out.bytes(target, "a dependency URL of " + url);
  }
  out.bytes(module.code_cache, "the code cache of " + url);
}

void write_pairs(ByteWriter& out, const std::map<std::string, std::string>& pairs,
                 std::string_view what) {
  out.u32(pairs.size(), what);
  for (const auto& [key, value] : pairs) {
    out.bytes(key, what);
    out.bytes(value, key);
  }
}

// The artifact's size give or take a few bytes per record, so the output grows once
// instead of doubling its way up (most of a large write's time went into those copies).
std::size_t size_hint(const Artifact& artifact) {
  constexpr std::size_t k_record = 64;  // a record's length fields and media type, generously
  std::size_t size = 4096;
  for (const auto& [url, module] : artifact.modules) {
    size += k_record + url.size() + module.code.size() + module.source_map.size() +
            module.original_source.size() + module.code_cache.size();
    for (const auto& [specifier, target] : module.dependencies) {
      size += 8 + specifier.size() + target.size();
    }
  }
  for (const auto* table : {&artifact.redirects, &artifact.files}) {
    for (const auto& [key, value] : *table) {
      size += 8 + key.size() + value.size();
    }
  }
  return size;
}

}  // namespace

std::string write_artifact(const Artifact& artifact) {
  std::string context = "cannot write the artifact of \"" + artifact.metadata.slug + "\"";
  if (auto problem = artifact_problem(artifact)) {
    throw util::Error(context + ": " + *problem);
  }
  ByteWriter out(context);
  out.reserve(size_hint(artifact) + artifact.metadata.import_map.size());
  out.raw(artifact_io::k_magic);
  out.u32(k_artifact_format, "the format version");
  out.u32(0, "the total length");  // patched below
  std::string metadata;
  try {
    metadata = metadata_to_json(artifact.metadata);
  } catch (const util::Error& error) {
    throw util::Error(context + ": " + error.what());
  }
  section(out, artifact_io::k_meta_tag, [&] { out.raw(metadata); });
  section(out, artifact_io::k_modules_tag, [&] {
    out.u32(artifact.modules.size(), "the module count");
    for (const auto& [url, module] : artifact.modules) {
      write_module(out, url, module);
    }
  });
  section(out, artifact_io::k_redirects_tag,
          [&] { write_pairs(out, artifact.redirects, "the redirects"); });
  section(out, artifact_io::k_files_tag, [&] { write_pairs(out, artifact.files, "the files"); });
  out.patch_u32(12, out.size() + artifact_io::k_checksum_size, "the artifact");
  auto bytes = out.take();
  bytes += artifact_io::sha256(bytes);
  return bytes;
}

}  // namespace bundler
