#include "bundler/remote/url.hpp"

#include <cstddef>
#include <cstdint>

// ada 2.x's C API (ada_c.h), exported by libnode.so.108; Debian ships no header for it.
extern "C" {
struct ada_string {
  const char* data;
  std::size_t length;
};
using ada_url = void*;
ada_url ada_parse(const char* input, std::size_t length);
ada_url ada_parse_with_base(const char* input, std::size_t input_length, const char* base,
                            std::size_t base_length);
bool ada_is_valid(ada_url result);
void ada_free(ada_url result);
ada_string ada_get_href(ada_url result);
ada_string ada_get_protocol(ada_url result);
ada_string ada_get_hostname(ada_url result);
ada_string ada_get_port(ada_url result);
ada_string ada_get_pathname(ada_url result);
ada_string ada_get_search(ada_url result);
}

namespace bundler {
namespace {

std::string copy(ada_string s) {
  return s.data ? std::string(s.data, s.length) : std::string();
}

}  // namespace

std::optional<Url> Url::from_handle(void* handle) {
  if (!handle) {
    return std::nullopt;
  }
  std::optional<Url> out;
  if (ada_is_valid(handle)) {
    Url url;
    url.m_href = copy(ada_get_href(handle));
    url.m_scheme = copy(ada_get_protocol(handle));
    if (!url.m_scheme.empty() && url.m_scheme.back() == ':') {
      url.m_scheme.pop_back();
    }
    url.m_hostname = copy(ada_get_hostname(handle));
    url.m_port = copy(ada_get_port(handle));
    url.m_pathname = copy(ada_get_pathname(handle));
    url.m_search = copy(ada_get_search(handle));
    out = std::move(url);
  }
  ada_free(handle);
  return out;
}

std::optional<Url> Url::parse(std::string_view input) {
  return from_handle(ada_parse(input.data(), input.size()));
}

std::optional<Url> Url::parse(std::string_view input, std::string_view base) {
  return from_handle(ada_parse_with_base(input.data(), input.size(), base.data(), base.size()));
}

bool Url::is_special() const {
  return m_scheme == "http" || m_scheme == "https" || m_scheme == "ws" || m_scheme == "wss" ||
         m_scheme == "ftp" || m_scheme == "file";
}

}  // namespace bundler
