// Against the public npm registry (this machine and CI reach it): real packuments, real
// tarballs, real exports maps. When the registry cannot be reached these tests fail and
// say so; they never pass without having checked anything.
#include "support/npm_registry_fixture.hpp"
#include "support/temp_dir.hpp"

#include "bundler/npm/npm.hpp"
#include "runtime/tools.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <variant>

namespace fs = std::filesystem;
using bundler::NpmResolver;
using bundler::parse_npm_specifier;
using bundler::ResolutionKind;

namespace {

constexpr const char* k_public = "https://registry.npmjs.org/";

// Empty when the public registry answers; else why not.
std::string unreachable(bundler::HttpClient& http) {
  bundler::HttpRequest request;
  request.url = std::string(k_public) + "zod";
  request.headers = {{"Accept", "application/vnd.npm.install-v1+json"}};
  auto results = http.get_all({request});
  if (auto* error = std::get_if<std::string>(&results[0])) {
    return *error;
  }
  auto status = std::get<bundler::HttpResponse>(results[0]).status;
  return status == 200 ? "" : "it answered " + std::to_string(status) + " for " + request.url;
}

bundler::Npmrc public_npmrc() {
  // The public registry whatever NPM_CONFIG_REGISTRY or ~/.npmrc say on this machine.
  return bundler::Npmrc(
      [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Follows every static import from `entry` through the installed packages, as the module
// graph will: each must resolve to a file. Returns how many modules it reached.
std::size_t walk_imports(const NpmResolver& resolver, const std::string& entry) {
  std::set<std::string> seen{entry};
  std::vector<std::string> pending{entry};
  while (!pending.empty()) {
    auto file = pending.back();
    pending.pop_back();
    if (resolver.is_commonjs(file)) {
      continue;  // CommonJS requires are resolved when they run
    }
    for (const auto& import : runtime::module_imports(util::read_file(file))) {
      if (import.type_only) {
        continue;
      }
      auto target = resolver.resolve_from(import.specifier, file, ResolutionKind::import);
      INFO(import.specifier << " imported from " << file);
      REQUIRE(target.has_value());
      if (target->rfind("node:", 0) != 0 && seen.insert(*target).second) {
        CHECK(fs::is_regular_file(*target));
        pending.push_back(*target);
      }
    }
  }
  return seen.size();
}

}  // namespace

TEST_CASE(
    "bundler::NpmResolver installs zod@3 and @supabase/supabase-js@2 from the public registry") {
  bundler::HttpClient http;
  auto why = unreachable(http);
  if (!why.empty()) {
    FAIL("The public npm registry " << std::string(k_public)
                                    << " cannot be reached from this machine, so "
                                    << "this test cannot check anything: " << why
                                    << ". It needs network access (HTTPS_PROXY is honoured).");
  }
  test_support::TempDir temp;
  bundler::Cache cache(temp.path / "cache");
  bundler::Lock lock;
  auto roots = std::vector<bundler::NpmSpecifier>{
      parse_npm_specifier("npm:zod@3"), parse_npm_specifier("npm:@supabase/supabase-js@2")};
  auto start = std::chrono::steady_clock::now();
  NpmResolver resolver(cache, http, public_npmrc(), lock);
  resolver.install(roots);
  auto cold = seconds_since(start);

  auto zod_import = resolver.resolve(roots[0], ResolutionKind::import);
  auto zod_require = resolver.resolve(roots[0], ResolutionKind::require);
  CHECK(fs::is_regular_file(zod_import));
  CHECK(fs::is_regular_file(zod_require));
  CHECK(zod_import != zod_require);  // zod 3 ships an ESM and a CommonJS build
  CHECK(resolver.is_commonjs(zod_require));
  CHECK_FALSE(resolver.is_commonjs(zod_import));
  CHECK(lock.specifiers.at("npm:zod@3").rfind("3.", 0) == 0);
  CHECK(lock.npm.at("zod@" + lock.specifiers.at("npm:zod@3")).integrity.rfind("sha512-", 0) == 0);

  auto supabase = resolver.resolve(roots[1], ResolutionKind::import);
  CHECK(fs::is_regular_file(supabase));
  auto modules = walk_imports(resolver, supabase);
  // supabase-js's ESM entry, its own modules, and the entries of its @supabase/* packages
  // (some of which Deno enters through their CommonJS "main": no "exports", no "type").
  CHECK(modules >= 6);
  CHECK(lock.npm.size() > 5);  // auth-js, functions-js, postgrest-js, realtime-js, storage-js...

  // A second install with the lock and the cache needs no network at all.
  start = std::chrono::steady_clock::now();
  NpmResolver offline(cache, http, public_npmrc(), lock, {true, false});
  offline.install(roots);
  auto warm = seconds_since(start);
  CHECK(offline.resolve(roots[1], ResolutionKind::import) == supabase);
  MESSAGE("public registry: zod@3 + @supabase/supabase-js@2 ("
          << lock.npm.size() << " packages) installed cold in " << cold << " s, warm (locked, "
          << "cached-only) in " << warm << " s; " << modules << " ES modules reached from "
          << "supabase-js");
}
