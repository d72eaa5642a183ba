#pragma once

#include <v8.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The checks native ops make against the worker's `permissions` (runtime/permissions.hpp)
// before they touch the network or a file. Each returns true when allowed (always, for a
// worker without permissions), else throws Deno.errors.NotCapable with Deno's message.
namespace runtime::api {

bool net_permitted(v8::Isolate* isolate, std::string_view host, std::optional<std::uint16_t> port);
// An http(s) or ws(s) URL as WHATWG's URL serialises it (fetch, WebSocket): its host and
// port, the scheme's default port when it has none.
bool url_permitted(v8::Isolate* isolate, std::string_view url);
// `path` as the function wrote it: relative ones are its folder's.
bool path_permitted(v8::Isolate* isolate, const std::string& path, bool write);
// Whether the worker has permissions at all (no: every check above passes).
bool has_permissions(v8::Isolate* isolate);

}  // namespace runtime::api
