// deno.lock read and written back byte for byte; the files in tests/fixtures/lockfile are
// hand-written from ../shared/reference/deno.md §5, and those named deno_*.lock were
// written by real Deno against the fixture registries (see test_bundler_lockfile_oracle).
#include "bundler/lockfile.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>

#include <filesystem>

namespace {

std::filesystem::path fixture(const char* name) {
  return std::filesystem::path(SBFN_SOURCE_DIR) / "tests/fixtures/lockfile" / name;
}

std::string read_error(std::string_view text) {
  try {
    bundler::read_lockfile(text, "/p/deno.lock");
  } catch (const util::Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("bundler::read_lockfile then write_lockfile gives the same bytes (v5 and v4)") {
  for (const char* name : {"v5_sample.lock", "v4_sample.lock"}) {
    CAPTURE(name);
    auto text = util::read_file(fixture(name));
    auto lock = bundler::read_lockfile(text, name);
    CHECK(bundler::write_lockfile(lock) == text);
  }
}

TEST_CASE("bundler::read_lockfile fills the Lock model") {
  auto lock = bundler::read_lockfile(util::read_file(fixture("v5_sample.lock")), "v5");
  CHECK(lock.version == "5");
  CHECK(lock.specifiers.at("jsr:@sbfn/hello@1") == "1.2.0");
  CHECK(lock.jsr.at("@sbfn/hello@1.2.0").dependencies ==
        std::vector<std::string>{"jsr:@std/path", "npm:cjs-demo@1"});
  CHECK(lock.npm.at("esbuild@0.25.5").scripts);
  CHECK(lock.npm.at("esbuild@0.25.5").optional_dependencies ==
        std::vector<std::string>{"@esbuild/linux-x64"});
  CHECK(lock.npm.at("@esbuild/linux-x64@0.25.5").os == std::vector<std::string>{"linux"});
  CHECK(lock.npm.at("cjs-demo@1.0.1").tarball ==
        "http://127.0.0.1:8765/cjs-demo/-/cjs-demo-1.0.1.tgz");
  CHECK(lock.redirects.size() == 1);
  CHECK(lock.workspace["members"]["functions/a"]["dependencies"][0] == "jsr:@std/path@*");
}

TEST_CASE("bundler::write_lockfile writes what resolvers record in Deno's spelling") {
  bundler::Lock lock;
  lock.specifiers["jsr:@sbfn/hello@^1"] = "1.2.0";
  lock.specifiers["jsr:@sbfn/hello@^1.1"] = "1.2.0";
  lock.specifiers["jsr:@scope/b"] = "0.0.1";
  lock.specifiers["npm:zod@3"] = "3.23.8";
  lock.jsr["@sbfn/hello@1.2.0"] = {"ab", {"npm:zod@3", "jsr:@scope/b"}};
  lock.jsr["@scope/b@0.0.1"] = {"cd", {}};
  bundler::LockedNpmPackage zod;
  zod.integrity = "sha512-x";
  zod.os = {"darwin", "linux"};
  lock.npm["zod@3.23.8"] = zod;
  lock.remote["https://example.com/mod.ts"] = "ef";
  CHECK(bundler::write_lockfile(lock) == R"({
  "version": "5",
  "specifiers": {
    "jsr:@sbfn/hello@1": "1.2.0",
    "jsr:@sbfn/hello@^1.1.0": "1.2.0",
    "jsr:@scope/b@*": "0.0.1",
    "npm:zod@3": "3.23.8"
  },
  "jsr": {
    "@sbfn/hello@1.2.0": {
      "integrity": "ab",
      "dependencies": [
        "jsr:@scope/b",
        "npm:zod"
      ]
    },
    "@scope/b@0.0.1": {
      "integrity": "cd"
    }
  },
  "npm": {
    "zod@3.23.8": {
      "integrity": "sha512-x",
      "os": ["darwin", "linux"]
    }
  },
  "remote": {
    "https://example.com/mod.ts": "ef"
  }
}
)");
  // A pin is found whichever spelling the key was written in.
  auto req = bundler::parse_package_req_reference("jsr:@sbfn/hello@^1.0.0", "jsr").req;
  CHECK(bundler::lock_specifier_key("jsr", req) == "jsr:@sbfn/hello@1");
  CHECK(bundler::locked_version(lock, "jsr", req) == "1.2.0");
  auto other = bundler::parse_package_req_reference("jsr:@sbfn/hello@2", "jsr").req;
  CHECK_FALSE(bundler::locked_version(lock, "jsr", other));
}

TEST_CASE("bundler::write_lockfile spells v4 requirements as Deno 2.1 does: normalised") {
  auto lock = bundler::read_lockfile(R"({
  "version": "4",
  "specifiers": {"jsr:@scope/b": "0.0.1", "jsr:@std/assert@^1.0.0": "1.0.6"},
  "jsr": {"@scope/b@0.0.1": {"integrity": "aa"}, "@std/assert@1.0.6": {"integrity": "bb"}},
  "workspace": {"dependencies": ["jsr:@std/assert@^1.0.0"]}
})",
                                     "older v4");
  CHECK(bundler::write_lockfile(lock) == R"({
  "version": "4",
  "specifiers": {
    "jsr:@scope/b@*": "0.0.1",
    "jsr:@std/assert@1": "1.0.6"
  },
  "jsr": {
    "@scope/b@0.0.1": {
      "integrity": "aa"
    },
    "@std/assert@1.0.6": {
      "integrity": "bb"
    }
  },
  "workspace": {
    "dependencies": [
      "jsr:@std/assert@1"
    ]
  }
}
)");
}

TEST_CASE("bundler::read_lockfile upgrades a v3 lockfile to v4") {
  auto lock = bundler::read_lockfile(R"({
  "version": "3",
  "packages": {
    "specifiers": {
      "jsr:@std/assert@^0.218.2": "jsr:@std/assert@0.218.2",
      "jsr:@std/fs@^0.218.2": "jsr:@std/fs@0.218.2",
      "npm:jsonc-parser": "npm:jsonc-parser@3.2.1"
    },
    "jsr": {
      "@std/assert@0.218.2": {"integrity": "aa"},
      "@std/fs@0.218.2": {"integrity": "bb", "dependencies": ["jsr:@std/assert@^0.218.2"]}
    },
    "npm": {
      "jsonc-parser@3.2.1": {"integrity": "sha512-x", "dependencies": {"other": "b@1.0.0"}},
      "b@1.0.0": {"integrity": "sha512-y", "dependencies": {}}
    }
  },
  "remote": {"https://deno.land/x/a.ts": "cc"}
})",
                                     "v3");
  CHECK(lock.version == "4");
  CHECK(lock.specifiers.at("jsr:@std/fs@^0.218.2") == "0.218.2");
  CHECK(lock.specifiers.at("npm:jsonc-parser") == "3.2.1");
  CHECK(lock.jsr.at("@std/fs@0.218.2").dependencies == std::vector<std::string>{"jsr:@std/assert"});
  CHECK(lock.npm.at("jsonc-parser@3.2.1").dependencies ==
        std::vector<std::string>{"other@npm:b@1.0.0"});
  CHECK(lock.remote.at("https://deno.land/x/a.ts") == "cc");
}

TEST_CASE("bundler::read_lockfile refuses bad files with Deno's messages") {
  CHECK(read_error("  \n") ==
        "Failed reading lockfile at '/p/deno.lock'\n    0: Lockfile was empty");
  CHECK(
      read_error("{\"version\": ") ==
      "Failed reading lockfile at '/p/deno.lock'\n    0: Failed parsing. Lockfile may be corrupt");
  CHECK(read_error(R"({"version": "6"})") ==
        "Failed reading lockfile at '/p/deno.lock'\n    0: Unsupported lockfile version '6'. Try "
        "upgrading Deno or recreating the lockfile");
  CHECK(read_error(R"({"version": "5", "npm": {"a@1.0.0": {"dependencies": ["b"]}}})") ==
        "Failed reading lockfile at '/p/deno.lock'\n    0: Failed deserializing. Lockfile may be "
        "corrupt\n    1: npm package 'b' was not found and could not have its version resolved");
  CHECK(
      read_error(
          R"({"version": "5", "jsr": {"@a/b@1.0.0": {"integrity": "x", "dependencies": ["jsr:@c/d@1"]}}})") ==
      "Failed reading lockfile at '/p/deno.lock'\n    0: Failed deserializing. Lockfile may be "
      "corrupt\n    1: Invalid jsr dependency 'jsr:@c/d@1' for '@a/b@1.0.0'");
  CHECK(read_error(R"({"version": "5", "specifiers": {"foo:x@1": "1.0.0"}})") ==
        "Failed reading lockfile at '/p/deno.lock'\n    0: Failed deserializing. Lockfile may be "
        "corrupt\n    1: Unexpected JSR dependency scheme 'foo'. Expected 'npm:' or 'jsr:'");
}
