// Where a request target leads, and the canned answers: both are contracts with clients
// (Supabase's URLs and main-service bodies), so each case is checked to the byte.
#include "server/responses.hpp"
#include "server/router.hpp"

#include <doctest/doctest.h>

using server::Route;
using server::route;

TEST_SUITE_BEGIN("server");

TEST_CASE("server::route reaches a function by both URL shapes, keeping path and query") {
  for (const char* target : {"/functions/v1/hello/a/b?x=1&y", "/hello/a/b?x=1&y"}) {
    INFO(target);
    auto where = route(target);
    CHECK(where.kind == Route::Kind::function);
    CHECK(where.slug == "hello");
    CHECK(where.function_target == "/hello/a/b?x=1&y");
  }
  auto bare = route("/functions/v1/hello");
  CHECK(bare.kind == Route::Kind::function);
  CHECK(bare.function_target == "/hello");
  auto query_only = route("/hello?q=/x");
  CHECK(query_only.slug == "hello");
  CHECK(query_only.function_target == "/hello?q=/x");
}

TEST_CASE("server::route answers the health checks and nothing else at the root") {
  CHECK(route("/health").kind == Route::Kind::health);
  CHECK(route("/_internal/health").kind == Route::Kind::health);
  CHECK(route("/health?verbose").kind == Route::Kind::health);
  // A function may be called "health2" but "/health/x" is a function named health.
  CHECK(route("/health/x").kind == Route::Kind::function);
  for (const char* target :
       {"/", "", "/functions/v1", "/functions/v1/", "//x", "*", "http://example.com/hello"}) {
    INFO("target: '" << target << "'");
    CHECK(route(target).kind == Route::Kind::not_found);
  }
}

TEST_CASE("server::route takes /functions/v1 only as a whole segment") {
  auto where = route("/functions/v10/x");
  CHECK(where.kind == Route::Kind::function);
  CHECK(where.slug == "functions");
  CHECK(where.function_target == "/functions/v10/x");
}

TEST_CASE("server canned responses are Supabase's main service's, byte for byte") {
  auto check = [](const server::CannedResponse& r, int status, const char* type, const char* body) {
    CHECK(r.status == status);
    CHECK(r.content_type == type);
    CHECK(r.body == body);
  };
  check(server::not_found_response(), 404, "text/plain;charset=UTF-8", "Function not found");
  check(server::health_response(), 200, "application/json", R"({"message":"ok"})");
  check(server::failure_response(runtime::Failure::boot_error), 503, "application/json",
        R"json({"code":"BOOT_ERROR","message":"Worker failed to boot (please check logs)"})json");
  check(
      server::failure_response(runtime::Failure::worker_error), 500, "application/json",
      R"json({"code":"WORKER_ERROR","message":"Function exited due to an error (please check logs)"})json");
  check(
      server::failure_response(runtime::Failure::limit), 546, "application/json",
      R"json({"code":"WORKER_LIMIT","message":"Worker failed to respond due to a resource limit (please check logs)"})json");
  check(
      server::failure_response(runtime::Failure::timeout), 504, "application/json",
      R"json({"code":"WORKER_TIMEOUT","message":"Worker did not respond in time (please check logs)"})json");
}

TEST_SUITE_END();
