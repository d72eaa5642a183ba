#include "project/local_stack.hpp"
#include "server/api_keys.hpp"
#include "server/functions.hpp"
#include "server/gateway.hpp"
#include "server/jwt.hpp"
#include "server/log.hpp"
#include "server/request_parser.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using Message = server::RequestHead;

// A body source the gateway only passes along.
struct NoBody : runtime::RequestBodySource {
  void pull(Deliver deliver) override { deliver("", true, ""); }
};

// Two functions, one with verify_jwt off; the local stack's keys and JWT secret. Finding a
// function never boots it, so no function code is needed.
struct GatewayFixture {
  GatewayFixture()
      : functions({spec("hello", true), spec("open", false)}, server::WorkerSettings{},
                  server::FunctionHooks{}),
        keys{project::default_publishable_key(), project::default_secret_key(),
             project::demo_anon_key(), project::demo_service_role_key()},
        verifier(server::default_jwt_secret(), std::nullopt) {}

  static server::FunctionSpec spec(const std::string& slug, bool verify_jwt) {
    server::FunctionSpec spec;
    spec.config.slug = slug;
    spec.config.entrypoint = "/nowhere/" + slug + "/index.ts";
    spec.config.verify_jwt = verify_jwt;
    spec.folder = "/nowhere/" + slug;
    return spec;
  }

  static Message message(std::string_view method, const std::string& target) {
    return Message::make(method, target, {{"Host", "example.test:9000"}});
  }

  server::Admission admit(Message& message,
                          std::shared_ptr<runtime::RequestBodySource> body_source = nullptr) {
    return gateway().admit(message, "10.1.2.3", 40000, std::move(body_source));
  }

  server::Gateway gateway() { return server::Gateway{functions, keys, &verifier, log}; }

  static std::string header(const runtime::HttpRequest& request, std::string_view name) {
    for (const auto& [field, value] : request.headers) {
      if (field == name) {
        return value;
      }
    }
    return "<absent>";
  }

  server::FunctionTable functions;
  server::ApiKeys keys;
  server::JwtVerifier verifier;
  server::Logger log{server::Logger::Format::text};
};

// What `run` writes to stdout (where the server's info events go).
template <typename Run>
std::string stdout_of(Run run) {
  std::cout.flush();
  std::fflush(stdout);
  std::FILE* capture = std::tmpfile();
  REQUIRE(capture != nullptr);
  int saved = ::dup(1);
  ::dup2(::fileno(capture), 1);
  run();
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  std::rewind(capture);
  std::string text;
  char buffer[4096];
  while (auto n = std::fread(buffer, 1, sizeof buffer, capture)) {
    text.append(buffer, n);
  }
  std::fclose(capture);
  return text;
}

}  // namespace

TEST_SUITE_BEGIN("server");

TEST_CASE_FIXTURE(GatewayFixture, "server::Gateway answers the health check itself") {
  for (const char* target : {"/health", "/_internal/health"}) {
    auto request = message("GET", target);
    auto admission = admit(request);
    REQUIRE(admission.answer);
    CHECK(admission.answer->status == 200);
    CHECK(admission.answer->body == R"({"message":"ok"})");
    CHECK(admission.slug.empty());
  }
}

TEST_CASE_FIXTURE(GatewayFixture, "server::Gateway answers 404 for what names no function") {
  SUBCASE("an unknown function, named in the log") {
    auto request = message("GET", "/functions/v1/nope/x");
    auto admission = admit(request);
    REQUIRE(admission.answer);
    CHECK(admission.answer->status == 404);
    CHECK(admission.answer->body == "Function not found");
    CHECK(admission.slug == "nope");
  }
  SUBCASE("a target that is no function route") {
    auto request = message("GET", "/");
    auto admission = admit(request);
    REQUIRE(admission.answer);
    CHECK(admission.answer->status == 404);
  }
}

TEST_CASE_FIXTURE(GatewayFixture, "server::Gateway answers 401 for a bad token") {
  auto request = message("GET", "/functions/v1/hello");
  request.set("Authorization", "Bearer not-a-jwt");
  std::optional<server::Admission> admission;
  // The Logger is made inside the capture: it batches stdout, and its end flushes it.
  auto logged = stdout_of([&] {
    server::Logger log{server::Logger::Format::text};
    admission =
        server::Gateway{functions, keys, &verifier, log}.admit(request, "10.1.2.3", 40000, nullptr);
  });
  REQUIRE(admission->answer);
  CHECK(admission->answer->status == 401);
  CHECK(admission->answer->content_type == "application/json");
  CHECK(admission->answer->body == R"({"msg":"Invalid JWT"})");
  CHECK(admission->slug == "hello");
  CHECK(logged.find("hello: 401 invalid JWT") != std::string::npos);

  SUBCASE("and for no token at all") {
    auto bare = message("POST", "/hello");
    std::optional<server::Admission> refused;
    logged = stdout_of([&] {
      server::Logger log{server::Logger::Format::text};
      refused = server::Gateway{functions, keys, &verifier, log}.admit(bare, "", 0, nullptr);
    });
    REQUIRE(refused->answer);
    CHECK(refused->answer->status == 401);
    CHECK(logged.find("hello: 401 missing Authorization header") != std::string::npos);
  }
}

TEST_CASE_FIXTURE(GatewayFixture, "server::Gateway lets through what needs no token") {
  SUBCASE("OPTIONS skips the JWT check") {
    auto request = message("OPTIONS", "/functions/v1/hello");
    CHECK_FALSE(admit(request).answer);
  }
  SUBCASE("a function with verify_jwt off") {
    auto request = message("GET", "/functions/v1/open");
    request.set("Authorization", "Bearer not-a-jwt");
    auto admission = admit(request);
    CHECK_FALSE(admission.answer);
    CHECK(header(admission.request, "Authorization") == "Bearer not-a-jwt");
  }
  SUBCASE("no verifier (--no-verify-jwt)") {
    auto request = message("GET", "/functions/v1/hello");
    auto admission = server::Gateway{functions, keys, nullptr, log}.admit(request, "", 0, nullptr);
    CHECK_FALSE(admission.answer);
  }
}

TEST_CASE_FIXTURE(GatewayFixture, "server::Gateway swaps an apikey for its JWT") {
  SUBCASE("the publishable key becomes the anon JWT") {
    auto request = message("GET", "/functions/v1/hello");
    request.set("apikey", keys.publishable);
    auto admission = admit(request);
    CHECK_FALSE(admission.answer);
    CHECK(header(admission.request, "Authorization") == "Bearer " + keys.anon_jwt);
    CHECK(request.find("authorization") == "Bearer " + keys.anon_jwt);
  }
  SUBCASE("a bearer secret key becomes the service_role JWT") {
    auto request = message("GET", "/functions/v1/hello");
    request.set("Authorization", "Bearer " + keys.secret);
    auto admission = admit(request);
    CHECK_FALSE(admission.answer);
    CHECK(header(admission.request, "Authorization") == "Bearer " + keys.service_role_jwt);
  }
  SUBCASE("a JWT in Authorization is kept") {
    auto request = message("GET", "/functions/v1/hello");
    request.set("Authorization", "Bearer " + keys.service_role_jwt);
    request.set("apikey", keys.publishable);
    auto admission = admit(request);
    CHECK_FALSE(admission.answer);
    CHECK(header(admission.request, "Authorization") == "Bearer " + keys.service_role_jwt);
  }
}

TEST_CASE_FIXTURE(GatewayFixture, "server::Gateway builds the function's request") {
  auto request = message("POST", "/functions/v1/hello/a/b?x=1&y=2");
  request.set("Authorization", "Bearer " + keys.anon_jwt);
  request.set("x-custom", "value");
  request.body = "the body";
  auto admission = admit(request);
  REQUIRE_FALSE(admission.answer);
  CHECK(admission.slug == "hello");
  const auto& built = admission.request;
  CHECK(built.method == "POST");
  CHECK(built.url == "http://example.test:9000/hello/a/b?x=1&y=2");
  CHECK(built.remote_address == "10.1.2.3");
  CHECK(built.remote_port == 40000);
  CHECK(header(built, "Host") == "example.test:9000");
  CHECK(header(built, "x-custom") == "value");
  CHECK(built.headers.size() == 3);
  CHECK(built.body == "the body");
  CHECK(built.body_source == nullptr);

  SUBCASE("without a Host, the URL names localhost") {
    auto bare = Message::make("GET", "/hello", {}, 10);
    bare.set("apikey", keys.publishable);
    CHECK(admit(bare).request.url == "http://localhost/hello");
  }
  SUBCASE("a streamed body stays with its source") {
    auto streamed = message("POST", "/hello");
    streamed.set("Authorization", "Bearer " + keys.anon_jwt);
    streamed.body = "first piece";
    auto source = std::make_shared<NoBody>();
    auto passed = admit(streamed, source);
    CHECK(passed.request.body_source == source);
    CHECK(passed.request.body.empty());
    CHECK(streamed.body == "first piece");
  }
}

TEST_SUITE_END();
