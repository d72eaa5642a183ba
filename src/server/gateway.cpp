#include "server/gateway.hpp"

#include "server/api_keys.hpp"
#include "server/functions.hpp"
#include "server/jwt.hpp"
#include "server/log.hpp"
#include "server/net.hpp"
#include "server/request_parser.hpp"
#include "server/router.hpp"

#include <ctime>

namespace server {

runtime::HttpRequest function_request(RequestHead& message, std::string_view target,
                                      std::string_view remote_address, unsigned remote_port,
                                      std::shared_ptr<runtime::RequestBodySource> body_source) {
  runtime::HttpRequest request;
  request.method.assign(message.method());
  request.remote_address.assign(remote_address);
  request.remote_port = remote_port;
  auto host = message.find("host").value_or("");
  if (host.empty()) {
    host = "localhost";
  }
  request.url.reserve(7 + host.size() + target.size());
  request.url.append("http://").append(host).append(target);
  request.headers.reserve(message.size());
  for (std::size_t i = 0; i < message.size(); ++i) {
    request.headers.emplace_back(message.name(i), message.value(i));
  }
  if (body_source) {
    request.body_source = std::move(body_source);
  } else {
    request.body = std::move(message.body);
  }
  return request;
}

Admission Gateway::admit(RequestHead& message, std::string_view remote_address,
                         unsigned remote_port,
                         std::shared_ptr<runtime::RequestBodySource> body_source) const {
  // Built in place and returned as is (NRVO): the request is never copied on its way out.
  Admission admission;
  auto where = route(message.target());
  admission.slug = std::move(where.slug);
  if (where.kind == Route::Kind::health) {
    admission.answer = health_response();
    return admission;
  }
  if (where.kind == Route::Kind::not_found || where.kind == Route::Kind::admin) {
    admission.answer = not_found_response();
    return admission;
  }
  auto spec = functions.find(admission.slug);
  if (spec == nullptr) {
    admission.answer = not_found_response();
    return admission;
  }
  auto header = message.find("authorization");
  // Only a missing header or a `Bearer sb_…` one can be rewritten: the usual JWT request
  // skips the apikey lookup.
  if (!header || header->starts_with("Bearer sb_")) {
    auto rewritten = gateway_authorization(api_keys, header, message.find("apikey"));
    if (rewritten) {
      message.set("Authorization", *rewritten);
      header = message.find("authorization");
    }
  }
  if (spec->config.verify_jwt && jwt != nullptr && message.method() != "OPTIONS") {
    auto outcome = jwt->check_authorization(header, std::time(nullptr));
    if (outcome.status != 0) {
      log.event("info",
                admission.slug + ": " + std::to_string(outcome.status) + " " + outcome.reason);
      admission.answer =
          CannedResponse{outcome.status, "application/json", std::move(outcome.body)};
      return admission;
    }
  }
  admission.request = function_request(message, where.function_target, remote_address, remote_port,
                                       std::move(body_source));
  return admission;
}

}  // namespace server
