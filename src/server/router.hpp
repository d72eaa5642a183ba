#pragma once

#include <string>
#include <string_view>

namespace server {

// Where a request target leads.
struct Route {
  enum class Kind { health, function, admin, not_found };
  Kind kind = Kind::not_found;
  std::string slug;
  std::string function_target;  // "/<slug>/rest?query": what the function sees
};

// `/functions/v1/<slug>/...` and `/<slug>/...` reach a function; `/health` and
// `/_internal/health` the health check; `/_admin/...` the admin API (404 when the server has none:
// `_admin` is no function's name).
Route route(std::string_view target);

}  // namespace server
