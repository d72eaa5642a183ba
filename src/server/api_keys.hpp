#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace server {

// Supabase's new-style API keys (`sb_publishable_…`, `sb_secret_…`) are not JWTs. Supabase's
// local gateway swaps them for the legacy anon and service_role JWTs before a function sees
// the request, so clients that send only the new keys pass `verify_jwt`; we do the same.
struct ApiKeys {
  std::string publishable;
  std::string secret;
  std::string anon_jwt;
  std::string service_role_jwt;
};

// The `Authorization` value the gate checks and the function sees, by the local gateway's
// rule: an `Authorization` that is not `Bearer sb_…` is kept; otherwise the key (the `apikey`
// header, else the bearer token) is swapped for its JWT; an unknown `apikey` becomes the
// header as it is. nullopt: leave the request unchanged.
std::optional<std::string> gateway_authorization(const ApiKeys& keys,
                                                 std::optional<std::string_view> authorization,
                                                 std::optional<std::string_view> apikey);

// The JWK Set functions get as SUPABASE_JWKS when none is configured: the HS256 secret as an
// `oct` key, as the Supabase CLI gives it when a project has no signing keys.
std::string secret_jwks(std::string_view hs256_secret);

}  // namespace server
