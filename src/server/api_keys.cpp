#include "server/api_keys.hpp"

#include "util/base64.hpp"

#include <nlohmann/json.hpp>

namespace server {
namespace {

constexpr std::string_view k_bearer = "Bearer ";
constexpr std::string_view k_new_key_prefix = "sb_";

}  // namespace

std::optional<std::string> gateway_authorization(const ApiKeys& keys,
                                                 std::optional<std::string_view> authorization,
                                                 std::optional<std::string_view> apikey) {
  const bool bearer_new_key = authorization && authorization->starts_with(k_bearer) &&
                              authorization->substr(k_bearer.size()).starts_with(k_new_key_prefix);
  if (authorization && !authorization->empty() && !bearer_new_key) {
    return std::nullopt;
  }
  std::string_view key;
  if (apikey && !apikey->empty()) {
    key = *apikey;
  } else if (bearer_new_key) {
    key = authorization->substr(k_bearer.size());
  } else {
    return std::nullopt;
  }
  if (!keys.secret.empty() && key == keys.secret) {
    return std::string(k_bearer) + keys.service_role_jwt;
  }
  if (!keys.publishable.empty() && key == keys.publishable) {
    return std::string(k_bearer) + keys.anon_jwt;
  }
  if (bearer_new_key) {
    return std::nullopt;  // an unknown sb_ token: the gate answers "Invalid JWT"
  }
  return std::string(key);
}

std::string secret_jwks(std::string_view hs256_secret) {
  nlohmann::json key = {
      {"kty", "oct"}, {"k", util::base64url_encode(hs256_secret)}, {"alg", "HS256"}};
  return nlohmann::json{{"keys", nlohmann::json::array({key})}}.dump();
}

}  // namespace server
