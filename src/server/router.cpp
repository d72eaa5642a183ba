#include "server/router.hpp"

namespace server {

Route route(std::string_view target) {
  auto query_at = target.find('?');
  auto path = target.substr(0, query_at);
  auto query = query_at == std::string_view::npos ? std::string_view() : target.substr(query_at);
  Route result;
  if (path == "/health" || path == "/_internal/health") {
    result.kind = Route::Kind::health;
    return result;
  }
  if (path.starts_with("/_admin/") || path == "/_admin") {
    result.kind = Route::Kind::admin;
    return result;
  }
  constexpr std::string_view prefix = "/functions/v1";
  if (path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/')) {
    path.remove_prefix(prefix.size());
  }
  if (path.size() < 2 || path[0] != '/') {
    return result;
  }
  auto slug_end = path.find('/', 1);
  auto slug = path.substr(1, slug_end == std::string_view::npos ? path.size() - 1 : slug_end - 1);
  if (slug.empty()) {
    return result;
  }
  result.kind = Route::Kind::function;
  result.slug = std::string(slug);
  result.function_target = std::string(path) + std::string(query);
  return result;
}

}  // namespace server
