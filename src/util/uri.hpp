#pragma once

#include <string>
#include <string_view>

namespace util {

// RFC 3986 percent-encoding of everything but the unreserved `A-Za-z0-9-_.~`, with
// upper-case hex (what SigV4 signs and OAuth forms carry); `/` is kept when `keep_slash`.
std::string percent_encode(std::string_view text, bool keep_slash = false);

}  // namespace util
