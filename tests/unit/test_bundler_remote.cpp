// https: modules against a real module server on 127.0.0.1: redirects, media types, the
// cache, deno.lock's remote hashes and redirects, DENO_AUTH_TOKENS, and every failure with
// the message a person sees.
#include "support/module_server_fixture.hpp"
#include "support/temp_dir.hpp"

#include "bundler/lockfile.hpp"
#include "bundler/remote/remote.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <doctest/doctest.h>

using bundler::MediaType;

namespace {

// The cache, client and lock one graph build would have.
struct Setup {
  test_support::TempDir dir{"sbfn-remote"};
  bundler::Cache cache{dir.path};
  bundler::HttpClient http;
  bundler::Lock lock;

  bundler::RemoteModules remote(bundler::RemoteOptions options = {}) {
    return bundler::RemoteModules(cache, http, lock, std::move(options));
  }
};

std::string error_of(bundler::RemoteModules& remote, const std::string& url) {
  try {
    remote.fetch(url);
  } catch (const util::Error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("bundler media types: Content-Type first, refined by the extension (deno.md §7)") {
  using bundler::media_type_from_content_type;
  CHECK(media_type_from_content_type("https://x/a.ts", "application/typescript") ==
        MediaType::typescript);
  CHECK(media_type_from_content_type("https://x/a", "application/typescript; charset=utf-8") ==
        MediaType::typescript);
  CHECK(media_type_from_content_type("https://x/a.d.ts", "text/typescript") == MediaType::dts);
  CHECK(media_type_from_content_type("https://x/a.tsx", "video/mp2t") == MediaType::tsx);
  CHECK(media_type_from_content_type("https://x/a.mts", "application/x-typescript") ==
        MediaType::mts);
  CHECK(media_type_from_content_type("https://x/a.ts", "application/javascript") ==
        MediaType::javascript);
  CHECK(media_type_from_content_type("https://x/a.mts", "text/javascript") == MediaType::mjs);
  CHECK(media_type_from_content_type("https://x/a.cts", "text/javascript") == MediaType::cjs);
  CHECK(media_type_from_content_type("https://x/a.jsx", "TEXT/JAVASCRIPT") == MediaType::jsx);
  CHECK(media_type_from_content_type("https://x/a", "text/jscript") == MediaType::jsx);
  CHECK(media_type_from_content_type("https://x/a.ts", "text/jsx") == MediaType::jsx);
  CHECK(media_type_from_content_type("https://x/a.js", "text/tsx") == MediaType::tsx);
  CHECK(media_type_from_content_type("https://x/a", "application/json") == MediaType::json);
  CHECK(media_type_from_content_type("https://x/a", "text/jsonc") == MediaType::jsonc);
  CHECK(media_type_from_content_type("https://x/a", "application/wasm") == MediaType::wasm);
  CHECK(media_type_from_content_type("https://x/a.ts", "text/plain") == MediaType::typescript);
  CHECK(media_type_from_content_type("https://x/a.wasm", "application/octet-stream") ==
        MediaType::wasm);
  CHECK(media_type_from_content_type("https://x/a.ts", "text/html") == MediaType::unknown);
  CHECK(media_type_from_content_type("https://x/a", "text/plain") == MediaType::unknown);
  CHECK(bundler::media_type_from_url("https://x/types.d.mts?v=1") == MediaType::dmts);
  CHECK(bundler::media_type_from_url("https://x/lib.d.foo.ts") == MediaType::dts);
  CHECK(bundler::media_type_from_url("https://x/a.js") == MediaType::javascript);
  CHECK(bundler::media_type_name(MediaType::unknown) == "Unknown");
}

TEST_CASE("bundler::AuthTokens: Bearer or Basic, host exact or dot-suffix, port must match") {
  bundler::AuthTokens tokens("abc@example.com;user:pw@127.0.0.1:8080;xyz@[::1]:9000;bad");
  CHECK(tokens.header_for("https://example.com/mod.ts") == "Bearer abc");
  CHECK(tokens.header_for("https://deno.example.com/mod.ts") == "Bearer abc");
  CHECK_FALSE(tokens.header_for("https://notexample.com/mod.ts"));
  CHECK_FALSE(tokens.header_for("https://example.com:8443/mod.ts"));
  CHECK(tokens.header_for("http://127.0.0.1:8080/x") == "Basic dXNlcjpwdw==");
  CHECK_FALSE(tokens.header_for("http://127.0.0.1:8081/x"));
  CHECK(tokens.header_for("http://[::1]:9000/x") == "Bearer xyz");
}

TEST_CASE("bundler::RemoteModules fetches, follows and records redirects, caches") {
  test_support::ModuleServer server;
  server.serve("/remote/real.ts?v=1", "export const real = 1;\n", "application/typescript");
  server.redirect("/remote/redirect.ts", "/remote/hop.ts");  // relative Location
  server.redirect("/remote/hop.ts", "real.ts?v=1", 301);     // relative to the hop
  server.serve("/remote/lib.js", "export default 2;\n", "application/javascript",
               {{"X-TypeScript-Types", "./lib.d.ts"}, {"X-Deno-Warning", "old"}});
  Setup setup;
  auto remote = setup.remote();
  auto modules =
      remote.fetch_all({server.url("/remote/redirect.ts"), server.url("/remote/lib.js")});
  CHECK(modules[0].url == server.url("/remote/real.ts?v=1"));
  CHECK(modules[0].specifier == server.url("/remote/redirect.ts"));
  CHECK(modules[0].media_type == MediaType::typescript);
  CHECK(modules[0].source == "export const real = 1;\n");
  CHECK(modules[1].media_type == MediaType::javascript);
  CHECK(modules[1].warning == "old");
  CHECK(server.last_headers("/remote/lib.js").at("accept") == "*/*");
  CHECK(server.hits("/remote/lib.d.ts") == 0);  // X-TypeScript-Types is for type checking only

  CHECK(setup.lock.redirects.at(server.url("/remote/redirect.ts")) ==
        server.url("/remote/real.ts?v=1"));
  CHECK(setup.lock.remote.at(server.url("/remote/real.ts?v=1")) ==
        util::sha256_hex("export const real = 1;\n"));
  CHECK(setup.lock.remote.at(server.url("/remote/lib.js")) ==
        util::sha256_hex("export default 2;\n"));
  CHECK(setup.lock.remote.size() == 2);

  // A second graph build, even another process, asks the network nothing.
  int before = server.total_hits();
  bundler::Lock fresh_lock;
  bundler::RemoteModules again(setup.cache, setup.http, fresh_lock, {true, false, {}});
  auto cached = again.fetch(server.url("/remote/redirect.ts"));
  CHECK(cached.url == server.url("/remote/real.ts?v=1"));
  CHECK(cached.source == "export const real = 1;\n");
  CHECK(server.total_hits() == before);
}

TEST_CASE("bundler::RemoteModules: .d.ts imports are never fetched nor locked") {
  test_support::ModuleServer server;
  Setup setup;
  auto remote = setup.remote();
  auto module = remote.fetch(server.url("/types/index.d.ts"));
  CHECK(module.media_type == MediaType::dts);
  CHECK(module.source.empty());
  CHECK(server.total_hits() == 0);
  CHECK(setup.lock.remote.empty());
}

TEST_CASE("bundler::RemoteModules: query strings are part of the module's identity") {
  test_support::ModuleServer server;
  server.serve("/m.js?a=1", "export const a = 1;", "text/javascript");
  server.serve("/m.js?a=2", "export const a = 2;", "text/javascript");
  Setup setup;
  auto remote = setup.remote();
  auto modules = remote.fetch_all({server.url("/m.js?a=1"), server.url("/m.js?a=2")});
  CHECK(modules[0].source == "export const a = 1;");
  CHECK(modules[1].source == "export const a = 2;");
  CHECK(setup.lock.remote.size() == 2);
}

TEST_CASE("bundler::RemoteModules: the lock's hash is checked, with Deno's message") {
  test_support::ModuleServer server;
  server.serve("/remote/real.ts?v=1", "export const real = 1;\n", "application/typescript");
  Setup setup;
  auto url = server.url("/remote/real.ts?v=1");
  setup.lock.remote[url] = std::string(64, '0');
  auto remote = setup.remote();
  auto actual = util::sha256_hex("export const real = 1;\n");
  CHECK(error_of(remote, url) ==
        "Integrity check failed for remote specifier. The source code is invalid, as it does not "
        "match the expected hash in the lock file.\n\n  Specifier: " +
            url + "\n  Actual: " + actual + "\n  Expected: " + std::string(64, '0') +
            "\n\nThis could be caused by:\n  * the lock file may be corrupt\n  * the source itself "
            "may be corrupt\n\nInvestigate the lockfile; delete it to regenerate the lockfile or "
            "--reload to reload the source code from the server.");
  // The cached copy is checked the same way.
  setup.lock.remote[url] = actual;
  CHECK(remote.fetch(url).source == "export const real = 1;\n");
  setup.lock.remote[url] = std::string(64, 'f');
  CHECK(error_of(remote, url).find("Integrity check failed for remote specifier") == 0);
}

TEST_CASE("bundler::RemoteModules: a locked redirect is taken without asking its source") {
  test_support::ModuleServer server;
  server.serve("/v2/mod.ts", "export const v = 2;", "application/typescript");
  server.redirect("/latest/mod.ts", "/v3/mod.ts");
  Setup setup;
  setup.lock.redirects[server.url("/latest/mod.ts")] = server.url("/v2/mod.ts");
  auto remote = setup.remote();
  CHECK(remote.fetch(server.url("/latest/mod.ts")).url == server.url("/v2/mod.ts"));
  CHECK(server.hits("/latest/mod.ts") == 0);
}

TEST_CASE("bundler::RemoteModules: frozen and cached-only refuse what they must") {
  test_support::ModuleServer server;
  server.serve("/a.ts", "export {};", "application/typescript");
  Setup setup;
  auto frozen = setup.remote({false, true, {}});
  CHECK(error_of(frozen, server.url("/a.ts")) ==
        "The lockfile is out of date. Rerun without --frozen (or with --frozen=false) to update "
        "it.\nchanges:\n  + remote " +
            server.url("/a.ts") + ": " + util::sha256_hex("export {};"));
  CHECK(setup.lock.remote.empty());

  test_support::TempDir empty{"sbfn-remote-empty"};
  bundler::Cache empty_cache(empty.path);
  bundler::RemoteModules offline(empty_cache, setup.http, setup.lock, {true, false, {}});
  CHECK(error_of(offline, server.url("/b.ts")) == "Specifier not found in cache: \"" +
                                                      server.url("/b.ts") +
                                                      "\", --cached-only is specified.");
  CHECK(server.hits("/b.ts") == 0);
}

TEST_CASE("bundler::RemoteModules: failures say what happened, naming the URL") {
  test_support::ModuleServer server;
  server.redirect("/loop/a.ts", "/loop/b.ts");
  server.redirect("/loop/b.ts", "/loop/a.ts");
  server.fail("/error.ts", 500);
  server.cut("/cut.js", std::string(4000, 'x'), 100);
  server.serve("/no-location.ts", "", "text/plain");
  Setup setup;
  auto remote = setup.remote();
  CHECK(error_of(remote, server.url("/loop/a.ts")) == "Too many redirects.");
  CHECK(error_of(remote, server.url("/missing.ts")) ==
        "Module not found \"" + server.url("/missing.ts") + "\".");
  CHECK(error_of(remote, server.url("/error.ts")) ==
        "Import '" + server.url("/error.ts") + "' failed: 500 Internal Server Error");
  auto cut = error_of(remote, server.url("/cut.js"));
  CHECK(cut.find("Import '" + server.url("/cut.js") + "' failed: ") == 0);
  CHECK(cut.find("closed before the whole response arrived") != std::string::npos);
  CHECK(error_of(remote, "http://127.0.0.1:1/refused.ts")
            .find("Import 'http://127.0.0.1:1/refused.ts' failed: ") == 0);
  // Nothing half-downloaded was kept: the next attempt downloads again.
  server.serve("/cut.js", "export const whole = true;", "application/javascript");
  CHECK(remote.fetch(server.url("/cut.js")).source == "export const whole = true;");
}

TEST_CASE("bundler::RemoteModules sends DENO_AUTH_TOKENS to private hosts only") {
  test_support::ModuleServer server;
  server.serve("/private/mod.ts", "export const secret = 1;", "application/typescript");
  server.require_authorization("/private/", "Bearer s3cret");
  Setup setup;
  auto anonymous = setup.remote({false, false, bundler::AuthTokens("")});
  CHECK(error_of(anonymous, server.url("/private/mod.ts")) ==
        "Import '" + server.url("/private/mod.ts") + "' failed: 401 Unauthorized");
  auto host_port = server.url("").substr(7);  // "127.0.0.1:<port>"
  auto with_token = setup.remote({false, false, bundler::AuthTokens("s3cret@" + host_port)});
  CHECK(with_token.fetch(server.url("/private/mod.ts")).source == "export const secret = 1;");
}
