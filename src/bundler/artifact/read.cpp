// Bytes -> Artifact (docs/artifact.md). The header and checksum are checked before any
// section is parsed, so damage in transit is named as such; then every length is checked
// against the end of its section, so even a hand-made file with a valid checksum cannot
// make the reader step outside the bytes it was given.
#include "bundler/artifact/artifact.hpp"
#include "bundler/artifact/binary_io.hpp"
#include "bundler/artifact/media_type_names.hpp"
#include "bundler/artifact/metadata_json.hpp"
#include "bundler/artifact/validate.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

namespace bundler {
namespace {

using artifact_io::ByteReader;
using artifact_io::k_checksum_size;
using artifact_io::k_header_size;
using artifact_io::k_magic;
using artifact_io::printable;

[[noreturn]] void refuse(const std::string& file_name, const std::string& problem) {
  throw util::Error(file_name + ": " + problem);
}

// Magic, format version and total length; returns the total length.
std::size_t check_header(std::string_view bytes, const std::string& file_name) {
  auto size = std::to_string(bytes.size());
  if (bytes.empty()) {
    refuse(file_name, "not an sbfn artifact: the file is empty");
  }
  if (bytes.substr(0, k_magic.size()) != k_magic.substr(0, bytes.size())) {
    refuse(file_name, "not an sbfn artifact (it does not start with \"SBFNART\")");
  }
  if (bytes.size() < 12) {
    refuse(file_name, "truncated: it is " + size + " bytes, shorter than an artifact's header");
  }
  auto format = artifact_io::load_u32(bytes, 8);
  if (format != k_artifact_format) {
    auto versions = "format " + std::to_string(format) + ", this sbfn reads " +
                    std::to_string(k_artifact_format);
    refuse(file_name,
           format > k_artifact_format
               ? "made by a newer sbfn: " + versions + " (update sbfn to serve it)"
               : "made by an older sbfn: " + versions + " (run `sbfn bundle` again to rebuild it)");
  }
  if (bytes.size() < k_header_size) {
    refuse(file_name, "truncated: it is " + size + " bytes, shorter than an artifact's header");
  }
  std::size_t total = artifact_io::load_u32(bytes, 12);
  if (total < k_header_size + k_checksum_size) {
    refuse(file_name, "corrupt: its header gives a length of " + std::to_string(total) +
                          " bytes, less than an artifact's smallest");
  }
  if (bytes.size() < total) {
    refuse(file_name,
           "truncated: it is " + size + " bytes, its header says " + std::to_string(total));
  }
  if (bytes.size() > total) {
    refuse(file_name, "corrupt: it is " + size + " bytes, its header says " +
                          std::to_string(total) + " (something was appended)");
  }
  auto body = bytes.substr(0, total - k_checksum_size);
  if (artifact_io::sha256(body) != bytes.substr(total - k_checksum_size)) {
    refuse(file_name, "corrupt: its sha256 checksum does not match its contents");
  }
  return total;
}

// The body of the section that must come next in `sections`, as a reader of its own.
ByteReader next_section(ByteReader& sections, std::string_view tag, const std::string& file_name) {
  auto at = sections.file_offset();
  auto found = sections.raw(4, "the header of the " + std::string(tag) + " section");
  if (found != tag) {
    sections.fail("expected the " + std::string(tag) + " section at byte " + std::to_string(at) +
                  ", found \"" + printable(found) + "\"");
  }
  auto body = sections.bytes("the " + std::string(tag) + " section");
  return ByteReader(body, sections.file_offset() - body.size(),
                    "the " + std::string(tag) + " section", file_name);
}

// Keys must come in strictly ascending byte order, as the writer puts them: one artifact
// has one encoding, so reading and writing again gives the same bytes.
void check_order(ByteReader& reader, const std::string* previous, std::string_view key,
                 std::string_view what) {
  if (previous != nullptr && !(*previous < key)) {
    reader.fail(std::string(what) + " \"" + printable(key) + "\" is out of order or repeated");
  }
}

std::map<std::string, std::string> read_pairs(ByteReader& reader, std::string_view what) {
  std::map<std::string, std::string> pairs;
  auto count = reader.u32(std::string("the count of ") + std::string(what));
  const std::string* previous = nullptr;
  for (std::uint32_t i = 0; i < count; ++i) {
    auto key = reader.bytes(what);
    check_order(reader, previous, key, what);
    auto value = reader.bytes("the value of \"" + printable(key) + "\"");
    previous = &pairs.emplace_hint(pairs.end(), key, value)->first;
  }
  return pairs;
}

ArtifactModule read_module(ByteReader& reader, std::string_view url) {
  ArtifactModule module;
  auto name = reader.bytes("the media type of " + std::string(url));
  auto type = media_type_from_name(name);
  if (!type) {
    reader.fail("the module \"" + printable(url) + "\" has an unknown media type \"" +
                printable(name) + "\"");
  }
  module.media_type = *type;
  module.code = reader.bytes("the code of " + std::string(url));
  module.source_map = reader.bytes("the source map of " + std::string(url));
  module.original_source = reader.bytes("the original source of " + std::string(url));
  module.dependencies = read_pairs(reader, "the dependencies of " + printable(url));
  module.code_cache = reader.bytes("the code cache of " + std::string(url));
  return module;
}

void expect_end(const ByteReader& reader, std::string_view where) {
  if (!reader.at_end()) {
    reader.fail("unexpected bytes at byte " + std::to_string(reader.file_offset()) + " after " +
                std::string(where));
  }
}

}  // namespace

Artifact read_artifact(std::string_view bytes, const std::string& file_name) {
  auto total = check_header(bytes, file_name);
  ByteReader sections(bytes.substr(k_header_size, total - k_header_size - k_checksum_size),
                      k_header_size, "the artifact", file_name);
  Artifact artifact;

  auto meta = next_section(sections, artifact_io::k_meta_tag, file_name);
  auto meta_text = meta.rest();
  try {
    artifact.metadata = metadata_from_json(meta_text);
  } catch (const nlohmann::json::exception& error) {
    meta.fail("its metadata is not what format " + std::to_string(k_artifact_format) + " holds (" +
              error.what() + ")");
  } catch (const util::Error& error) {
    meta.fail(error.what());
  }

  auto modules = next_section(sections, artifact_io::k_modules_tag, file_name);
  auto count = modules.u32("the module count");
  const std::string* previous = nullptr;
  for (std::uint32_t i = 0; i < count; ++i) {
    auto url = modules.bytes("a module URL");
    check_order(modules, previous, url, "the module");
    auto module = read_module(modules, url);
    previous =
        &artifact.modules.emplace_hint(artifact.modules.end(), url, std::move(module))->first;
  }
  expect_end(modules, "the last module");

  auto redirects = next_section(sections, artifact_io::k_redirects_tag, file_name);
  artifact.redirects = read_pairs(redirects, "the redirect");
  expect_end(redirects, "the last redirect");

  auto files = next_section(sections, artifact_io::k_files_tag, file_name);
  artifact.files = read_pairs(files, "the file");
  expect_end(files, "the last file");
  expect_end(sections, "the FILE section");

  if (auto problem = artifact_problem(artifact)) {
    refuse(file_name, "invalid: " + *problem);
  }
  return artifact;
}

}  // namespace bundler
