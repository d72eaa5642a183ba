#pragma once

// Between the inspector protocol's strings (8-bit or UTF-16 views) and UTF-8. Include only
// from files compiled with V8's own include folder (v8-inspector.h; see CMakeLists.txt).

#include <v8-inspector.h>

#include <string>
#include <string_view>

namespace runtime::inspector {

// The protocol's messages are 8-bit (JSON escapes what is not ASCII) or UTF-16.
std::string to_utf8(const v8_inspector::StringView& view);

// A view of UTF-8 (ASCII in practice: JSON messages and names) without copying.
inline v8_inspector::StringView view_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace runtime::inspector
