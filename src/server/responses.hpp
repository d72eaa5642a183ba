#pragma once

#include "runtime/http.hpp"

#include <string>

namespace server {

// A canned response: the exact statuses and bodies of Supabase's main service.
struct CannedResponse {
  int status;
  std::string content_type;
  std::string body;
};

CannedResponse failure_response(runtime::Failure failure);
CannedResponse not_found_response();
CannedResponse health_response();

}  // namespace server
