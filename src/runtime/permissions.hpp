#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtime {

// Deno's permissions for one worker, as a main service's `EdgeRuntime.userWorkers.create`
// gives them in `permissions` (deno_permissions' PermissionsOptions: `allow_all`, and per
// kind `allow_<kind>` / `deny_<kind>`, each null = not granted / none denied, [] = all,
// [items] = those). They narrow sbfn's sandbox (its folder read-only, a private /tmp),
// never widen it. Each check returns nullopt when allowed, else Deno's NotCapable message.
class Permissions {
 public:
  // `json`: the option's object. Throws std::invalid_argument naming the field at fault.
  static Permissions parse(std::string_view json);

  // `port` unset: any port of `host` will do (a name lookup).
  std::optional<std::string> check_net(std::string_view host,
                                       std::optional<std::uint16_t> port) const;
  // `absolute`: the path normalised, as the function sees it; `shown`: what the message
  // names (Deno shows a relative path as written).
  std::optional<std::string> check_read(const std::filesystem::path& absolute,
                                        std::string_view shown) const;
  std::optional<std::string> check_write(const std::filesystem::path& absolute,
                                         std::string_view shown) const;
  // The env rules for the JavaScript side (deno.js): {"allow": null | [...], "deny": null |
  // [...]}, `allow_all` folded in.
  std::string env_json() const;

 private:
  // One kind's grant: `granted` false = none; `items` empty with `granted` = all.
  struct Rule {
    bool granted = false;
    std::vector<std::string> items;
  };
  static bool covers(const Rule& rule, const std::filesystem::path& absolute);
  bool m_all = false;
  Rule m_allow_net, m_deny_net;
  Rule m_allow_read, m_deny_read;
  Rule m_allow_write, m_deny_write;
  Rule m_allow_env, m_deny_env;
};

}  // namespace runtime
