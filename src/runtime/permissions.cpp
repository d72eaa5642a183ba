#include "runtime/permissions.hpp"

#include <arpa/inet.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

namespace runtime {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// An IP address as bytes (4 or 16), from its text with or without IPv6 brackets.
std::optional<std::vector<unsigned char>> ip_bytes(std::string_view text) {
  std::string host(text);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::array<unsigned char, 16> raw{};
  if (inet_pton(AF_INET, host.c_str(), raw.data()) == 1) {
    return std::vector<unsigned char>(raw.begin(), raw.begin() + 4);
  }
  if (inet_pton(AF_INET6, host.c_str(), raw.data()) == 1) {
    return std::vector<unsigned char>(raw.begin(), raw.end());
  }
  return std::nullopt;
}

// One --allow-net / --deny-net item as Deno reads it: a host name (`*.example.com` also
// covers example.com and every subdomain), an IP address (IPv6 in brackets) or an IP
// range (`10.0.0.0/8`), each with an optional `:port`.
struct NetItem {
  std::string host;  // lower case; for a wildcard, the domain after "*."
  bool wildcard = false;
  std::optional<std::vector<unsigned char>> network;  // an IP range's address
  unsigned prefix = 0;
  std::optional<std::uint16_t> port;
};

NetItem parse_net_item(const std::string& text) {
  NetItem item;
  std::string rest = text;
  // The port: after the last ':' unless that ':' is inside an unbracketed IPv6 address.
  auto colon = rest.rfind(':');
  bool bracketed = !rest.empty() && rest.front() == '[';
  bool plain_v6 = !bracketed && std::count(rest.begin(), rest.end(), ':') > 1;
  if (colon != std::string::npos && !plain_v6 && (!bracketed || rest[colon - 1] == ']')) {
    auto port_text = rest.substr(colon + 1);
    if (port_text.empty() || port_text.size() > 5 ||
        !std::all_of(port_text.begin(), port_text.end(), ::isdigit) ||
        std::stoul(port_text) > 65535) {
      throw std::invalid_argument("invalid port in \"" + text + "\"");
    }
    item.port = static_cast<std::uint16_t>(std::stoul(port_text));
    rest = rest.substr(0, colon);
  }
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    auto bits = rest.substr(slash + 1);
    item.network = ip_bytes(rest.substr(0, slash));
    if (!item.network || bits.empty() || bits.size() > 3 ||
        !std::all_of(bits.begin(), bits.end(), ::isdigit) ||
        std::stoul(bits) > item.network->size() * 8) {
      throw std::invalid_argument("invalid IP range \"" + text + "\"");
    }
    item.prefix = static_cast<unsigned>(std::stoul(bits));
    return item;
  }
  if (rest.starts_with("*.")) {
    item.wildcard = true;
    rest = rest.substr(2);
  }
  if (rest.empty()) {
    throw std::invalid_argument("empty host in \"" + text + "\"");
  }
  if (auto bytes = ip_bytes(rest)) {
    // One address: a range of one, so that "::1" and "[::1]" and "0:0::1" agree.
    item.network = bytes;
    item.prefix = static_cast<unsigned>(bytes->size() * 8);
    return item;
  }
  item.host = lower(rest);
  return item;
}

bool in_range(const std::vector<unsigned char>& address, const NetItem& item) {
  if (address.size() != item.network->size()) {
    return false;
  }
  unsigned whole = item.prefix / 8, bits = item.prefix % 8;
  if (std::memcmp(address.data(), item.network->data(), whole) != 0) {
    return false;
  }
  if (bits == 0) {
    return true;
  }
  unsigned char mask = static_cast<unsigned char>(0xff << (8 - bits));
  return (address[whole] & mask) == ((*item.network)[whole] & mask);
}

bool net_item_matches(const NetItem& item, std::string_view host,
                      std::optional<std::uint16_t> port) {
  if (item.port && port && *item.port != *port) {
    return false;
  }
  if (item.network) {
    auto address = ip_bytes(host);
    return address && in_range(*address, item);
  }
  auto name = lower(host);
  if (name == item.host) {
    return true;
  }
  return item.wildcard && name.size() > item.host.size() + 1 && name.ends_with("." + item.host);
}

// A path item covers itself and everything below it, component by component.
bool path_covers(const fs::path& item, const fs::path& path) {
  auto it = path.begin();
  for (const auto& part : item) {
    if (it == path.end() || *it != part) {
      return false;
    }
    ++it;
  }
  return true;
}

std::optional<std::string> refusal(const char* kind, std::string_view what) {
  std::string message = std::string("Requires ") + kind + " access";
  if (!what.empty()) {
    message += " to \"" + std::string(what) + "\"";
  }
  return message + ", run again with the --allow-" + kind + " flag";
}

}  // namespace

Permissions Permissions::parse(std::string_view json) {
  Json options = Json::parse(json, nullptr, false);
  if (!options.is_object()) {
    throw std::invalid_argument("permissions must be an object");
  }
  Permissions permissions;
  if (auto all = options.find("allow_all"); all != options.end() && !all->is_null()) {
    if (!all->is_boolean()) {
      throw std::invalid_argument("permissions.allow_all must be a boolean");
    }
    permissions.m_all = all->get<bool>();
  }
  auto rule = [&](const char* name, bool paths) {
    Rule out;
    auto field = options.find(name);
    if (field == options.end() || field->is_null()) {
      return out;
    }
    if (!field->is_array()) {
      throw std::invalid_argument(std::string("permissions.") + name +
                                  " must be null or an array of strings");
    }
    out.granted = true;
    for (const auto& item : *field) {
      if (!item.is_string() || item.get<std::string>().empty()) {
        throw std::invalid_argument(std::string("permissions.") + name +
                                    " must be null or an array of strings");
      }
      auto text = item.get<std::string>();
      // Relative paths are the main service's, as a servicePath is.
      out.items.push_back(paths ? fs::absolute(text).lexically_normal().string() : text);
    }
    return out;
  };
  permissions.m_allow_net = rule("allow_net", false);
  permissions.m_deny_net = rule("deny_net", false);
  for (const auto* rules : {&permissions.m_allow_net, &permissions.m_deny_net}) {
    for (const auto& item : rules->items) {
      parse_net_item(item);  // refused now rather than at the first connection
    }
  }
  permissions.m_allow_read = rule("allow_read", true);
  permissions.m_deny_read = rule("deny_read", true);
  permissions.m_allow_write = rule("allow_write", true);
  permissions.m_deny_write = rule("deny_write", true);
  permissions.m_allow_env = rule("allow_env", false);
  permissions.m_deny_env = rule("deny_env", false);
  return permissions;
}

std::optional<std::string> Permissions::check_net(std::string_view host,
                                                  std::optional<std::uint16_t> port) const {
  auto any = [&](const Rule& rule, bool deny) {
    if (rule.granted && rule.items.empty()) {
      return true;
    }
    return std::any_of(rule.items.begin(), rule.items.end(), [&](const std::string& text) {
      auto item = parse_net_item(text);
      // A denied host:port does not deny a lookup of the host.
      if (deny && item.port && !port) {
        return false;
      }
      return net_item_matches(item, host, port);
    });
  };
  bool allowed = (m_all || any(m_allow_net, false)) && !any(m_deny_net, true);
  if (allowed) {
    return std::nullopt;
  }
  std::string shown(host);
  if (port) {
    shown += ":" + std::to_string(*port);
  }
  return refusal("net", shown);
}

std::optional<std::string> Permissions::check_read(const fs::path& absolute,
                                                   std::string_view shown) const {
  if ((m_all || covers(m_allow_read, absolute)) && !covers(m_deny_read, absolute)) {
    return std::nullopt;
  }
  return refusal("read", shown);
}

std::optional<std::string> Permissions::check_write(const fs::path& absolute,
                                                    std::string_view shown) const {
  if ((m_all || covers(m_allow_write, absolute)) && !covers(m_deny_write, absolute)) {
    return std::nullopt;
  }
  return refusal("write", shown);
}

bool Permissions::covers(const Rule& rule, const fs::path& absolute) {
  return rule.granted &&
         (rule.items.empty() ||
          std::any_of(rule.items.begin(), rule.items.end(), [&](const std::string& item) {
            return path_covers(fs::path(item), absolute);
          }));
}

std::string Permissions::env_json() const {
  auto list = [](const Rule& rule) { return rule.granted ? Json(rule.items) : Json(nullptr); };
  Json allow = m_all ? Json::array() : list(m_allow_env);
  return Json{{"allow", allow}, {"deny", list(m_deny_env)}}.dump();
}

}  // namespace runtime
