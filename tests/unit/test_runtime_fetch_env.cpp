// fetch's proxy from the worker's environment (HTTP_PROXY, http_proxy, NO_PROXY), which
// tests/js cannot cover: Deno reads its process environment once, so the oracle here was
// `deno run` started with the same variables (it proxies 127.0.0.1 too unless NO_PROXY
// names it). The fixture's forward proxy marks what went through it.
#include "support/fetch_fixture.hpp"
#include "support/worker_fixture.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

std::string fixture(const std::string& name) {
  for (const auto& [key, value] : test_support::fetch_fixture_env()) {
    if (key == name) {
      return value;
    }
  }
  return {};
}

// What the fixture's echo saw in x-via-proxy ("none" when the request went direct).
std::string via_proxy(std::vector<std::pair<std::string, std::string>> env) {
  runtime::WorkerOptions options;
  options.env = std::move(env);
  test_support::ScriptWorker worker(options);
  auto result = worker.eval("fetch('" + fixture("SBFN_TEST_HTTP") +
                            "/echo').then((r) => r.json()).then((info) => "
                            "info.headers['x-via-proxy'] ?? 'none')");
  INFO(result.type << ": " << result.value);
  return result.value;
}

}  // namespace

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::fetch takes its proxy from the worker's environment") {
  REQUIRE(!fixture("SBFN_TEST_PROXY").empty());
  auto proxy = fixture("SBFN_TEST_PROXY");
  CHECK(via_proxy({}) == "none");
  CHECK(via_proxy({{"HTTP_PROXY", proxy}}) == "sbfn-fixture");
  CHECK(via_proxy({{"http_proxy", proxy}}) == "sbfn-fixture");
  CHECK(via_proxy({{"HTTP_PROXY", proxy}, {"NO_PROXY", "127.0.0.1"}}) == "none");
  CHECK(via_proxy({{"HTTP_PROXY", proxy}, {"no_proxy", "example.com, *.test"}}) == "sbfn-fixture");
  CHECK(via_proxy({{"HTTP_PROXY", proxy}, {"NO_PROXY", "*"}}) == "none");
  // An https proxy setting does not apply to http URLs.
  CHECK(via_proxy({{"HTTPS_PROXY", proxy}}) == "none");
}

TEST_SUITE_END();
