// jsr: packages against a real registry fixture on 127.0.0.1 (meta.json, version metadata
// with real manifests, files): version choice as Deno's graph makes it, exports, manifest
// checksums, deno.lock entries, and every failure with the message a person sees.
#include "support/jsr_registry_fixture.hpp"
#include "support/temp_dir.hpp"

#include "bundler/jsr/jsr.hpp"
#include "bundler/lockfile.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <doctest/doctest.h>

namespace {

const std::map<std::string, std::string> k_files = {
    {"/mod.ts", "export const hello = (n: string): string => `hello ${n}`;\n"},
    {"/sub.ts", "import { hello } from \"./mod.ts\";\nexport const sub = hello(\"sub\");\n"},
    {"/types.d.ts", "export declare const x: number;\n"},
};
const nlohmann::json k_exports = {{".", "./mod.ts"}, {"./sub", "./sub.ts"}};

// A registry with @sbfn/hello 1.0.0, 1.2.0, 1.3.0 (yanked) and 2.0.0-beta.1.
struct Registry {
  test_support::JsrRegistry jsr;
  Registry() {
    for (const char* version : {"1.0.0", "1.2.0", "2.0.0-beta.1"}) {
      jsr.publish("@sbfn/hello", version, k_files, k_exports);
    }
    jsr.publish("@sbfn/hello", "1.3.0", k_files, k_exports, true);
  }
};

struct Setup {
  test_support::TempDir dir{"sbfn-jsr"};
  bundler::Cache cache{dir.path};
  bundler::HttpClient http;
  bundler::Lock lock;

  bundler::JsrResolver resolver(const test_support::JsrRegistry& registry, bool cached_only = false,
                                bool frozen = false, bundler::AuthTokens tokens = {}) {
    bundler::JsrOptions options;
    options.registry_url = registry.url();
    options.cached_only = cached_only;
    options.frozen = frozen;
    options.auth_tokens = std::move(tokens);
    return bundler::JsrResolver(cache, http, lock, std::move(options));
  }
};

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const util::Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("bundler::JsrResolver picks versions as Deno does and records them in the lock") {
  Registry registry;
  Setup setup;
  auto jsr = setup.resolver(registry.jsr);
  auto base = registry.jsr.url() + "@sbfn/hello/";
  // ^1 skips the yanked 1.3.0 and the 2.0.0 prerelease.
  CHECK(jsr.resolve("jsr:@sbfn/hello@^1") == base + "1.2.0/mod.ts");
  CHECK(setup.lock.specifiers.at("jsr:@sbfn/hello@1") == "1.2.0");
  CHECK(setup.lock.jsr.at("@sbfn/hello@1.2.0").integrity ==
        util::sha256_hex(registry.jsr.version_meta("@sbfn/hello", "1.2.0")));
  CHECK(jsr.resolve("jsr:@sbfn/hello@1/sub") == base + "1.2.0/sub.ts");
  CHECK(jsr.resolve("jsr:/@sbfn/hello@^1.1/sub/") == base + "1.2.0/sub.ts");
  CHECK(setup.lock.specifiers.at("jsr:@sbfn/hello@^1.1.0") == "1.2.0");
  // An exact requirement still selects a yanked version; a prerelease only when named.
  CHECK(jsr.resolve("jsr:@sbfn/hello@1.3.0") == base + "1.3.0/mod.ts");
  CHECK(jsr.resolve("jsr:@sbfn/hello@2.0.0-beta.1") == base + "2.0.0-beta.1/mod.ts");
  // Unification: the highest version this graph already chose wins when it fits (`*` never
  // fits a prerelease).
  CHECK(jsr.resolve("jsr:@sbfn/hello") == base + "1.3.0/mod.ts");
  CHECK(setup.lock.specifiers.at("jsr:@sbfn/hello@*") == "1.3.0");
  CHECK(registry.jsr.server().hits("/@sbfn/hello/meta.json") == 1);
}

TEST_CASE("bundler::JsrResolver: a fresh graph prefers the highest version; yanked only last") {
  Registry registry;
  registry.jsr.publish("@sbfn/old", "0.1.0", k_files, k_exports, true);
  Setup setup;
  auto jsr = setup.resolver(registry.jsr);
  CHECK(jsr.resolve("jsr:@sbfn/hello") == registry.jsr.url() + "@sbfn/hello/1.2.0/mod.ts");
  CHECK(jsr.resolve("jsr:@sbfn/old@0.1") == registry.jsr.url() + "@sbfn/old/0.1.0/mod.ts");
  CHECK(error_of([&] { jsr.resolve("jsr:@sbfn/hello@^3"); }) ==
        "Could not find version of '@sbfn/hello' that matches specified version constraint '^3'");
  CHECK(error_of([&] { jsr.resolve("jsr:@sbfn/nope@1"); }) == "JSR package not found: @sbfn/nope");
  CHECK(error_of([&] { jsr.resolve("jsr:@sbfn/hello@1/nope"); }) ==
        "Unknown export './nope' for '@sbfn/hello@1.2.0'.\n  Package exports:\n * .\n * ./sub");
  CHECK(error_of([&] { jsr.resolve("jsr:sbfn/hello"); }).find("must start with an '@' symbol") !=
        std::string::npos);
}

TEST_CASE("bundler::JsrResolver asks meta.json again when the cached one has no fitting version") {
  Registry registry;
  Setup setup;
  setup.resolver(registry.jsr).resolve("jsr:@sbfn/hello@1");
  registry.jsr.publish("@sbfn/hello", "3.0.0", k_files, k_exports);
  bundler::Lock next;  // a later run
  bundler::JsrOptions options;
  options.registry_url = registry.jsr.url();
  bundler::JsrResolver later(setup.cache, setup.http, next, options);
  CHECK(later.resolve("jsr:@sbfn/hello@1") == registry.jsr.url() + "@sbfn/hello/1.2.0/mod.ts");
  CHECK(registry.jsr.server().hits("/@sbfn/hello/meta.json") == 1);  // the cached one fitted
  CHECK(later.resolve("jsr:@sbfn/hello@3") == registry.jsr.url() + "@sbfn/hello/3.0.0/mod.ts");
  CHECK(registry.jsr.server().hits("/@sbfn/hello/meta.json") == 2);
}

TEST_CASE("bundler::JsrResolver with reload asks meta.json again, once, even when cached fits") {
  Registry registry;
  Setup setup;
  setup.resolver(registry.jsr).resolve("jsr:@sbfn/hello@1");
  registry.jsr.publish("@sbfn/hello", "1.4.0", k_files, k_exports);  // a newer fitting one
  bundler::Lock next;
  bundler::JsrOptions options;
  options.registry_url = registry.jsr.url();
  options.reload = true;  // noModuleCache, deno --reload
  bundler::JsrResolver later(setup.cache, setup.http, next, options);
  CHECK(later.resolve("jsr:@sbfn/hello@1") == registry.jsr.url() + "@sbfn/hello/1.4.0/mod.ts");
  CHECK(later.resolve("jsr:@sbfn/hello@^1.2") == registry.jsr.url() + "@sbfn/hello/1.4.0/mod.ts");
  CHECK(registry.jsr.server().hits("/@sbfn/hello/meta.json") == 2);
}

TEST_CASE("bundler::JsrResolver: the lock pins versions and checks the metadata's hash") {
  Registry registry;
  Setup setup;
  setup.lock.specifiers["jsr:@sbfn/hello@^1"] = "1.0.0";  // as a v4 lockfile spells it
  auto jsr = setup.resolver(registry.jsr);
  CHECK(jsr.resolve("jsr:@sbfn/hello@1") == registry.jsr.url() + "@sbfn/hello/1.0.0/mod.ts");
  CHECK(registry.jsr.server().hits("/@sbfn/hello/meta.json") == 0);

  Setup tampered;
  tampered.lock.specifiers["jsr:@sbfn/hello@1"] = "1.2.0";
  tampered.lock.jsr["@sbfn/hello@1.2.0"].integrity = std::string(64, '1');
  auto strict = tampered.resolver(registry.jsr);
  CHECK(error_of([&] { strict.resolve("jsr:@sbfn/hello@1"); }) ==
        "Integrity check failed for package. The source code is invalid, as it does not match the "
        "expected hash in the lock file.\n\n  Package: @sbfn/hello@1.2.0\n  Actual: " +
            util::sha256_hex(registry.jsr.version_meta("@sbfn/hello", "1.2.0")) +
            "\n  Expected: " + std::string(64, '1'));
}

TEST_CASE("bundler::JsrResolver loads files checked against the manifest, from cache after") {
  Registry registry;
  Setup setup;
  auto jsr = setup.resolver(registry.jsr);
  auto mod = jsr.resolve("jsr:@sbfn/hello@1");
  auto sub = jsr.resolve("jsr:@sbfn/hello@1/sub");
  auto modules = jsr.load_all({mod, sub});
  CHECK(modules[0].source == k_files.at("/mod.ts"));
  CHECK(modules[0].media_type == bundler::MediaType::typescript);
  CHECK(modules[1].source == k_files.at("/sub.ts"));
  CHECK(jsr.owns(mod));
  CHECK_FALSE(jsr.owns("https://example.com/@sbfn/hello/1.2.0/mod.ts"));
  // Types only: never fetched.
  auto types = jsr.load(registry.jsr.url() + "@sbfn/hello/1.2.0/types.d.ts");
  CHECK(types.source.empty());
  CHECK(types.media_type == bundler::MediaType::dts);
  CHECK(registry.jsr.server().hits("/@sbfn/hello/1.2.0/types.d.ts") == 0);
  // Package files are not part of deno.lock's remote section.
  CHECK(setup.lock.remote.empty());

  // A later run offline: everything comes from the cache, nothing is asked.
  int before = registry.jsr.server().total_hits();
  bundler::Lock lock = setup.lock;
  bundler::JsrOptions offline_options;
  offline_options.registry_url = registry.jsr.url();
  offline_options.cached_only = true;
  bundler::JsrResolver offline(setup.cache, setup.http, lock, offline_options);
  CHECK(offline.load(offline.resolve("jsr:@sbfn/hello@1/sub")).source == k_files.at("/sub.ts"));
  CHECK(registry.jsr.server().total_hits() == before);
  CHECK(error_of([&] { offline.resolve("jsr:@sbfn/other@1"); }) ==
        "Specifier not found in cache: \"" + registry.jsr.url() +
            "@sbfn/other/meta.json\", --cached-only is specified.");
}

TEST_CASE("bundler::JsrResolver: a file that differs from the manifest is refused") {
  Registry registry;
  registry.jsr.tamper("@sbfn/hello", "1.2.0", "/sub.ts", "export const sub = 'evil';\n");
  Setup setup;
  auto jsr = setup.resolver(registry.jsr);
  auto url = jsr.resolve("jsr:@sbfn/hello@1/sub");
  CHECK(error_of([&] { jsr.load(url); }) ==
        "Integrity check failed in package. The package may have been tampered with.\n\n"
        "  Specifier: " +
            url + "\n  Actual: " + util::sha256_hex("export const sub = 'evil';\n") +
            "\n  Expected: " + util::sha256_hex(k_files.at("/sub.ts")));
  CHECK(error_of([&] { jsr.load(registry.jsr.url() + "@sbfn/hello/1.2.0/missing.ts"); }) ==
        "Module not found \"" + registry.jsr.url() + "@sbfn/hello/1.2.0/missing.ts\".");
}

TEST_CASE("bundler::JsrResolver records package dependencies and frozen refuses changes") {
  Registry registry;
  registry.jsr.publish("@sbfn/app", "1.0.0",
                       {{"/mod.ts", "import \"jsr:@sbfn/hello@^1\";\nimport \"npm:zod@3\";\n"}});
  Setup setup;
  auto jsr = setup.resolver(registry.jsr);
  auto app = jsr.resolve("jsr:@sbfn/app@1");
  jsr.resolve("jsr:@sbfn/hello@^1");
  setup.lock.specifiers["npm:zod@3"] = "3.23.8";  // what the npm resolver records
  jsr.record_dependency(app, "jsr:@sbfn/hello@^1");
  jsr.record_dependency(app, "npm:zod@3");
  jsr.record_dependency(app, "./local.ts");  // not a package: ignored
  CHECK(setup.lock.jsr.at("@sbfn/app@1.0.0").dependencies ==
        std::vector<std::string>{"jsr:@sbfn/hello@1", "npm:zod@3"});
  auto text = bundler::write_lockfile(setup.lock);
  CHECK(text.find("\"dependencies\": [\n        \"jsr:@sbfn/hello\",\n        \"npm:zod\"\n") !=
        std::string::npos);

  // The same lock read back is enough for a frozen run; anything new is refused.
  auto lock = bundler::read_lockfile(text, "deno.lock");
  bundler::JsrOptions options;
  options.registry_url = registry.jsr.url();
  options.frozen = true;
  bundler::JsrResolver frozen(setup.cache, setup.http, lock, options);
  CHECK(frozen.resolve("jsr:@sbfn/app@1") == app);
  frozen.record_dependency(app, "jsr:@sbfn/hello@^1");
  CHECK(error_of([&] { frozen.resolve("jsr:@sbfn/hello@1.0.0"); }) ==
        "The lockfile is out of date. Rerun without --frozen (or with --frozen=false) to update "
        "it.\nchanges:\n  + jsr @sbfn/hello@1.0.0: " +
            util::sha256_hex(registry.jsr.version_meta("@sbfn/hello", "1.0.0")));
}

TEST_CASE("bundler::JsrResolver sends DENO_AUTH_TOKENS to a private registry") {
  test_support::JsrRegistry registry;
  registry.publish("@private/lib", "1.0.0", {{"/mod.ts", "export const x = 1;\n"}});
  registry.server().require_authorization("/", "Bearer t0ken");
  Setup setup;
  auto anonymous = setup.resolver(registry);
  CHECK(error_of([&] {
          anonymous.resolve("jsr:@private/lib@1");
        }).find("JSR package manifest for '@private/lib' failed to load") == 0);
  auto host_port = registry.url().substr(7, registry.url().size() - 8);
  bundler::Lock lock;
  bundler::JsrOptions options;
  options.registry_url = registry.url();
  options.auth_tokens = bundler::AuthTokens("t0ken@" + host_port);
  bundler::JsrResolver authorised(setup.cache, setup.http, lock, options);
  CHECK(authorised.load(authorised.resolve("jsr:@private/lib@1")).source ==
        "export const x = 1;\n");
}

TEST_CASE("bundler::JsrResolver::resolve_all fetches every package's metadata at once") {
  Registry registry;
  registry.jsr.publish("@sbfn/a", "1.0.0", {{"/mod.ts", "export const a = 1;\n"}});
  registry.jsr.publish("@sbfn/b", "2.1.0", {{"/mod.ts", "export const b = 2;\n"}});
  Setup setup;
  auto jsr = setup.resolver(registry.jsr);
  auto urls = jsr.resolve_all({"jsr:@sbfn/a@1", "jsr:@sbfn/b@^2", "jsr:@sbfn/hello@1/sub"});
  CHECK(urls == std::vector<std::string>{registry.jsr.url() + "@sbfn/a/1.0.0/mod.ts",
                                         registry.jsr.url() + "@sbfn/b/2.1.0/mod.ts",
                                         registry.jsr.url() + "@sbfn/hello/1.2.0/sub.ts"});
  CHECK(registry.jsr.server().hits("/@sbfn/a/meta.json") == 1);
  CHECK(registry.jsr.server().hits("/@sbfn/b/2.1.0_meta.json") == 1);
}

TEST_CASE("bundler::JsrResolver: a damaged cached version metadata is asked for again") {
  // A cached <version>_meta.json that is not JSON made nlohmann's parse_error escape.
  Registry registry;
  Setup setup;
  auto url = registry.jsr.url() + "@sbfn/hello/1.2.0_meta.json";
  setup.cache.put_record("jsr", url, "{\"manifest\": ");
  auto jsr = setup.resolver(registry.jsr);
  CHECK(jsr.resolve("jsr:@sbfn/hello@1") == registry.jsr.url() + "@sbfn/hello/1.2.0/mod.ts");
  CHECK(registry.jsr.server().hits("/@sbfn/hello/1.2.0_meta.json") == 1);

  // Offline, a damaged record is no copy at all.
  setup.cache.put_record("jsr", url, "not json");
  bundler::Lock lock;
  bundler::JsrOptions offline_options;
  offline_options.registry_url = registry.jsr.url();
  offline_options.cached_only = true;
  bundler::JsrResolver offline(setup.cache, setup.http, lock, offline_options);
  CHECK(error_of([&] { offline.resolve("jsr:@sbfn/hello@1"); }) ==
        "Specifier not found in cache: \"" + url + "\", --cached-only is specified.");
}
