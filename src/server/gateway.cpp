#include "server/gateway.hpp"

#include "server/api_keys.hpp"
#include "server/functions.hpp"
#include "server/jwt.hpp"
#include "server/log.hpp"
#include "server/net.hpp"
#include "server/router.hpp"

#include <ctime>
#include <iterator>

namespace server {

runtime::HttpRequest function_request(http::request<http::string_body>& message,
                                      std::string_view target, std::string_view remote_address,
                                      unsigned remote_port,
                                      std::shared_ptr<runtime::RequestBodySource> body_source) {
  runtime::HttpRequest request;
  request.method = std::string(message.method_string());
  request.remote_address = std::string(remote_address);
  request.remote_port = remote_port;
  auto host = message[http::field::host];
  request.url = "http://" + std::string(host.empty() ? "localhost" : host) + std::string(target);
  request.headers.reserve(std::distance(message.begin(), message.end()));
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  if (body_source) {
    request.body_source = std::move(body_source);
  } else {
    request.body = std::move(message.body());
  }
  return request;
}

Admission Gateway::admit(http::request<http::string_body>& message, std::string_view remote_address,
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
  auto field = message.find(http::field::authorization);
  std::optional<std::string_view> header;
  if (field != message.end()) {
    header = field->value();
  }
  // Only a missing header or a `Bearer sb_…` one can be rewritten: the usual JWT request
  // skips the apikey lookup.
  if (!header || header->starts_with("Bearer sb_")) {
    auto apikey = message.find("apikey");
    auto rewritten = gateway_authorization(
        api_keys, header, apikey == message.end() ? std::nullopt : std::optional(apikey->value()));
    if (rewritten) {
      message.set(http::field::authorization, *rewritten);
      header = message[http::field::authorization];
    }
  }
  if (spec->config.verify_jwt && jwt != nullptr && message.method() != http::verb::options) {
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
