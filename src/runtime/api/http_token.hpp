#pragma once

#include <algorithm>
#include <string_view>

namespace runtime::api {

// RFC 9110 token: a header name, a WebSocket subprotocol. Checked natively before either
// goes on the wire, whatever the function's JavaScript did to its own checks.
inline bool is_http_token(std::string_view text) {
  auto tchar = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  };
  return !text.empty() && std::all_of(text.begin(), text.end(), tchar);
}

}  // namespace runtime::api
