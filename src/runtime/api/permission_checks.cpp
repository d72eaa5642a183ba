#include "runtime/api/permission_checks.hpp"

#include "runtime/api/op_errors.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/tmp_fs.hpp"
#include "runtime/permissions.hpp"

namespace runtime::api {
namespace {

bool permitted(v8::Isolate* isolate, const std::optional<std::string>& refusal) {
  if (refusal) {
    throw_coded(isolate, "NotCapable", *refusal);
    return false;
  }
  return true;
}

}  // namespace

bool has_permissions(v8::Isolate* isolate) {
  return OpHost::of(isolate).permissions() != nullptr;
}

bool net_permitted(v8::Isolate* isolate, std::string_view host, std::optional<std::uint16_t> port) {
  const auto* permissions = OpHost::of(isolate).permissions();
  if (permissions == nullptr) {
    return true;
  }
  // An IPv6 address as Deno names it, in brackets.
  bool bare_v6 = host.find(':') != std::string_view::npos && !host.starts_with('[');
  auto named = bare_v6 ? "[" + std::string(host) + "]" : std::string(host);
  return permitted(isolate, permissions->check_net(named, port));
}

bool url_permitted(v8::Isolate* isolate, std::string_view url) {
  if (OpHost::of(isolate).permissions() == nullptr) {
    return true;
  }
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return true;  // data:, blob: and the like reach no host
  }
  auto scheme = url.substr(0, scheme_end);
  std::uint16_t port = scheme == "https" || scheme == "wss" ? 443 : 80;
  auto authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  auto host = authority;
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    auto digits = authority.substr(colon + 1);
    if (!digits.empty()) {
      port = static_cast<std::uint16_t>(std::stoul(std::string(digits)));
    }
  }
  return net_permitted(isolate, host, port);
}

bool path_permitted(v8::Isolate* isolate, const std::string& path, bool write) {
  auto& host = OpHost::of(isolate);
  const auto* permissions = host.permissions();
  if (permissions == nullptr) {
    return true;
  }
  std::filesystem::path written(path);
  // As Deno shows it: a relative path as written, an absolute one normalised.
  auto absolute = (written.is_absolute() ? written : host.tmp_fs().function_root() / written)
                      .lexically_normal();
  auto shown = written.is_absolute() ? absolute.string() : path;
  return permitted(isolate, write ? permissions->check_write(absolute, shown)
                                  : permissions->check_read(absolute, shown));
}

}  // namespace runtime::api
