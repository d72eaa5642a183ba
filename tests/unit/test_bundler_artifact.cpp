// The .sbfn format: deterministic bytes, a faithful round trip, and a clean util::Error —
// never a crash or an out-of-bounds read — for every damaged, truncated or foreign input.
#include "test_bundler_artifact_sample.hpp"

#include "bundler/artifact/artifact.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>

namespace {

using artifact_test::sample_artifact;

const std::string k_name = "dist/hello.sbfn";

// The message read_artifact throws for `bytes`, or "" when it reads them.
std::string read_error(const std::string& bytes) {
  return artifact_test::error_of([&] { bundler::read_artifact(bytes, k_name); });
}

std::string write_error(const bundler::Artifact& artifact) {
  return artifact_test::error_of([&] { bundler::write_artifact(artifact); });
}

// Recomputes the trailing checksum after a test edited the bytes, so the edit reaches
// the section parser instead of being caught by the checksum.
std::string resealed(std::string bytes) {
  auto hex = util::sha256_hex(std::string_view(bytes).substr(0, bytes.size() - 32));
  for (std::size_t i = 0; i < 32; ++i) {
    bytes[bytes.size() - 32 + i] = static_cast<char>(std::stoi(hex.substr(i * 2, 2), nullptr, 16));
  }
  return bytes;
}

void put_u32(std::string& bytes, std::size_t offset, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) {
    bytes[offset + static_cast<std::size_t>(i)] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
}

std::uint32_t get_u32(const std::string& bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) {
    value = value << 8 | static_cast<unsigned char>(bytes[offset + static_cast<std::size_t>(i)]);
  }
  return value;
}

// Replaces `old_text` in the META section with `new_text`, then fixes the section and total
// lengths and the checksum, so only the metadata's content is wrong.
std::string with_metadata_edit(std::string bytes, const std::string& old_text,
                               const std::string& new_text) {
  auto at = bytes.find(old_text);
  REQUIRE(at != std::string::npos);
  bytes.replace(at, old_text.size(), new_text);
  auto grown = static_cast<std::uint32_t>(new_text.size() - old_text.size());
  put_u32(bytes, 12, get_u32(bytes, 12) + grown);
  put_u32(bytes, 20, get_u32(bytes, 20) + grown);
  return resealed(bytes);
}

}  // namespace

TEST_SUITE_BEGIN("bundler");

TEST_CASE("bundler::write_artifact is deterministic and read_artifact gives the artifact back") {
  auto artifact = sample_artifact();
  auto bytes = bundler::write_artifact(artifact);
  CHECK(bundler::write_artifact(sample_artifact()) == bytes);
  auto read = bundler::read_artifact(bytes, k_name);
  CHECK(read == artifact);
  CHECK(bundler::write_artifact(read) == bytes);

  // The header as docs/artifact.md describes it.
  CHECK(bytes.substr(0, 8) == std::string("SBFNART\0", 8));
  CHECK(bytes.substr(8, 4) == std::string("\x02\0\0\0", 4));
  CHECK(get_u32(bytes, 12) == bytes.size());
  CHECK(bytes.substr(16, 4) == "META");
  CHECK(util::sha256_hex(resealed(bytes)) == util::sha256_hex(bytes));

  // Every media type keeps its name through the bytes.
  auto kinds = sample_artifact();
  for (auto type :
       {runtime::MediaType::javascript, runtime::MediaType::jsx, runtime::MediaType::typescript,
        runtime::MediaType::tsx, runtime::MediaType::json, runtime::MediaType::declaration,
        runtime::MediaType::commonjs, runtime::MediaType::commonjs_typescript}) {
    kinds.modules["file:///sbfn/src/kind" + std::to_string(static_cast<int>(type))].media_type =
        type;
  }
  CHECK(bundler::read_artifact(bundler::write_artifact(kinds), k_name) == kinds);

  // An empty artifact (one module, nothing else) round-trips too.
  bundler::Artifact small;
  small.metadata.entrypoint = "file:///sbfn/src/a.js";
  small.modules[small.metadata.entrypoint].code = "";
  CHECK(bundler::read_artifact(bundler::write_artifact(small), k_name) == small);
}

TEST_CASE("bundler::read_artifact names the file and the problem") {
  auto bytes = bundler::write_artifact(sample_artifact());
  CHECK(read_error("") == k_name + ": not an sbfn artifact: the file is empty");
  CHECK(read_error("ESZIP2.3") ==
        k_name + ": not an sbfn artifact (it does not start with " + "\"SBFNART\")");
  CHECK(read_error("{\"version\":1}") ==
        k_name + ": not an sbfn artifact (it does not start with \"SBFNART\")");
  CHECK(read_error(bytes.substr(0, 5)) ==
        k_name + ": truncated: it is 5 bytes, shorter than an artifact's header");

  auto newer = bytes;
  put_u32(newer, 8, 3);
  CHECK(read_error(newer) == k_name +
                                 ": made by a newer sbfn: format 3, this sbfn reads 2 (update "
                                 "sbfn to serve it)");
  auto older = bytes;
  put_u32(older, 8, 1);
  CHECK(read_error(older) == k_name +
                                 ": made by an older sbfn: format 1, this sbfn reads 2 (run "
                                 "`sbfn bundle` again to rebuild it)");

  CHECK(read_error(bytes.substr(0, bytes.size() - 1)) ==
        k_name + ": truncated: it is " + std::to_string(bytes.size() - 1) +
            " bytes, its header says " + std::to_string(bytes.size()));
  CHECK(read_error(bytes + "x") == k_name + ": corrupt: it is " + std::to_string(bytes.size() + 1) +
                                       " bytes, its header " + "says " +
                                       std::to_string(bytes.size()) + " (something was appended)");
  auto flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x01;
  CHECK(read_error(flipped) ==
        k_name + ": corrupt: its sha256 checksum does not match its contents");
}

TEST_CASE("bundler::read_artifact refuses a length running past its section") {
  auto bytes = bundler::write_artifact(sample_artifact());
  // The META section's length, made larger than everything that follows.
  auto meta = bytes;
  put_u32(meta, 20, 0x7fffffff);
  CHECK(read_error(resealed(meta)) ==
        k_name + ": corrupt: the META section at byte 20 (2147483647 bytes) runs past the end " +
            "of the artifact");
  // The first module URL's length, past the end of the MODS section.
  auto mods_body = 16 + 8 + get_u32(bytes, 20) + 8;
  CHECK(bytes.substr(mods_body - 8, 4) == "MODS");
  auto url = bytes;
  put_u32(url, mods_body + 4, 0xfffffff0);
  CHECK(read_error(resealed(url)) == k_name + ": corrupt: a module URL at byte " +
                                         std::to_string(mods_body + 4) +
                                         " (4294967280 bytes) runs past the end of the MODS "
                                         "section");
  // A section in the wrong place.
  auto tag = bytes;
  tag.replace(16, 4, "MODS");
  CHECK(read_error(resealed(tag)) ==
        k_name + ": corrupt: expected the META section at byte 16, found \"MODS\"");
}

TEST_CASE("bundler::read_artifact refuses keys out of order, bad metadata and escapes") {
  bundler::Artifact two;
  two.metadata.entrypoint = "file:///sbfn/src/a.js";
  two.modules[two.metadata.entrypoint] = {};
  two.files = {{"/sbfn/src/f/a", "1"}, {"/sbfn/src/f/b", "2"}};
  auto bytes = bundler::write_artifact(two);
  auto swapped = bytes;
  auto a = swapped.find("/sbfn/src/f/a");
  auto b = swapped.find("/sbfn/src/f/b");
  swapped[a + 12] = 'b';
  swapped[b + 12] = 'a';
  CHECK(read_error(resealed(swapped)) ==
        k_name + ": corrupt: the file \"/sbfn/src/f/a\" is out of order or repeated");

  // A file path that climbs out of the virtual root, with a valid checksum.
  auto escape = bytes;
  escape.replace(escape.find("/sbfn/src/f/a"), 13, "/sbfn/src/../");
  CHECK(read_error(resealed(escape)) ==
        k_name + ": invalid: the file path \"/sbfn/src/../\" is not a normalised path below " +
            "/sbfn/");

  // Metadata nested deep enough to overflow a recursive copy.
  auto deep =
      with_metadata_edit(bytes, "\"workspace\":{}",
                         "\"workspace\":" + std::string(100000, '[') + std::string(100000, ']'));
  CHECK(read_error(deep) == k_name + ": corrupt: the metadata nests deeper than 64 levels");

  // Metadata that is not JSON.
  auto meta = bytes;
  meta[24] = '[';
  CHECK(read_error(resealed(meta))
            .rfind(k_name + ": corrupt: its metadata is not what format 2 holds (", 0) == 0);
}

TEST_CASE("bundler::read_artifact: every truncation and every flipped byte is a clean error") {
  auto bytes = bundler::write_artifact(sample_artifact());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    auto message = read_error(bytes.substr(0, size));
    INFO("truncated at ", size);
    REQUIRE(!message.empty());
    CHECK(message.rfind(k_name + ": ", 0) == 0);
  }
  int parsed_anyway = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0xa5);
    INFO("byte ", i);
    CHECK(!read_error(flipped).empty());
    // The same damage behind a valid checksum reaches the section parser: it either reads
    // (a changed byte inside some content) or refuses — never crashes (run under ASan).
    if (i < bytes.size() - 32 && read_error(resealed(flipped)).empty()) {
      ++parsed_anyway;
    }
  }
  CHECK(parsed_anyway > 0);
}

TEST_CASE("bundler::write_artifact refuses an artifact that breaks the rules") {
  auto artifact = sample_artifact();
  artifact.metadata.entrypoint = "file:///sbfn/src/missing.ts";
  CHECK(write_error(artifact) ==
        "cannot write the artifact of \"hello\": its entrypoint "
        "\"file:///sbfn/src/missing.ts\" is not in its module table");

  artifact = sample_artifact();
  artifact.modules["file:///home/me/project/x.ts"] = {};
  CHECK(write_error(artifact) ==
        "cannot write the artifact of \"hello\": the module URL "
        "\"file:///home/me/project/x.ts\" is neither below file:///sbfn/ nor an http(s) URL");

  artifact = sample_artifact();
  artifact.modules["file:///sbfn/src/%2E%2E/etc/passwd"] = {};
  CHECK(!write_error(artifact).empty());

  artifact = sample_artifact();
  artifact.files["/etc/passwd"] = "";
  CHECK(write_error(artifact) ==
        "cannot write the artifact of \"hello\": the file path \"/etc/passwd\" is not a "
        "normalised path below /sbfn/");

  artifact = sample_artifact();
  artifact.metadata.static_files.insert("/sbfn/src/nope.txt");
  CHECK(write_error(artifact) ==
        "cannot write the artifact of \"hello\": the static file \"/sbfn/src/nope.txt\" is not "
        "among its files");

  artifact = sample_artifact();
  artifact.metadata.code_cache_key.clear();
  CHECK(write_error(artifact).find("has a code cache but no code cache key") != std::string::npos);

  artifact = sample_artifact();
  artifact.metadata.import_map = "\xff\xfe";
  CHECK(write_error(artifact) ==
        "cannot write the artifact of \"hello\": its metadata holds a string that is not valid "
        "UTF-8");

  artifact = sample_artifact();
  artifact.format = 3;
  CHECK(write_error(artifact) ==
        "cannot write the artifact of \"hello\": it is format 3, this sbfn handles format 2 "
        "only");
}

TEST_SUITE_END();

// Not a timed test: prints write/read times and size for ~5 MB of modules when asked.
//   SBFN_ARTIFACT_BENCH=1 build/tests/sbfn_unit -tc='*artifact bench*'
TEST_CASE("bundler artifact bench: ~5 MB of modules") {
  if (std::getenv("SBFN_ARTIFACT_BENCH") == nullptr) {
    return;
  }
  bundler::Artifact artifact;
  artifact.metadata.slug = "bench";
  std::string line = "export const value_0 = compute(\"some text\", 42) + other.call(x, y);\n";
  std::string code;
  while (code.size() < 12 * 1024) {
    code += line;
  }
  for (int i = 0; i < 400; ++i) {
    auto url = "file:///sbfn/src/fn/module_" + std::to_string(i) + ".ts";
    auto& module = artifact.modules[url];
    module.media_type = runtime::MediaType::typescript;
    module.code = code + "// " + std::to_string(i) + "\n";
    module.original_source = module.code;
    module.source_map = std::string(4 * 1024, 'A');
    for (int d = 1; d <= 4; ++d) {
      module.dependencies["./module_" + std::to_string((i + d) % 400) + ".ts"] =
          "file:///sbfn/src/fn/module_" + std::to_string((i + d) % 400) + ".ts";
    }
  }
  artifact.metadata.entrypoint = artifact.modules.begin()->first;
  std::size_t code_bytes = 0;
  for (const auto& [url, module] : artifact.modules) {
    code_bytes += module.code.size();
  }
  using clock = std::chrono::steady_clock;
  auto ms = [](clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::string bytes;
  auto best_write = 1e9;
  auto best_read = 1e9;
  for (int run = 0; run < 5; ++run) {
    auto t0 = clock::now();
    bytes = bundler::write_artifact(artifact);
    auto t1 = clock::now();
    auto read = bundler::read_artifact(bytes, "bench.sbfn");
    auto t2 = clock::now();
    best_write = std::min(best_write, ms(t1 - t0));
    best_read = std::min(best_read, ms(t2 - t1));
    CHECK(read.modules.size() == 400);
  }
  MESSAGE("400 modules, ", code_bytes, " bytes of code (+ as much original source, 1.6 MB of ",
          "maps): artifact ", bytes.size(), " bytes; write ", best_write, " ms, read ", best_read,
          " ms (best of 5)");
}
