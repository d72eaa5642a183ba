#include "server/responses.hpp"

namespace server {

CannedResponse failure_response(runtime::Failure failure) {
  constexpr const char* json = "application/json";
  switch (failure) {
    case runtime::Failure::boot_error:
      return {
          503, json,
          R"json({"code":"BOOT_ERROR","message":"Worker failed to boot (please check logs)"})json"};
    case runtime::Failure::limit:
      return {
          546, json,
          R"json({"code":"WORKER_LIMIT","message":"Worker failed to respond due to a resource limit (please check logs)"})json"};
    case runtime::Failure::timeout:
      return {
          504, json,
          R"json({"code":"WORKER_TIMEOUT","message":"Worker did not respond in time (please check logs)"})json"};
    case runtime::Failure::worker_error:
      break;
  }
  return {
      500, json,
      R"json({"code":"WORKER_ERROR","message":"Function exited due to an error (please check logs)"})json"};
}

CannedResponse not_found_response() {
  return {404, "text/plain;charset=UTF-8", "Function not found"};
}

CannedResponse health_response() {
  return {200, "application/json", R"json({"message":"ok"})json"};
}

}  // namespace server
