#include "runtime/dns/system_servers.hpp"

#include <ares.h>
#include <arpa/inet.h>

namespace runtime::dns {

std::vector<std::pair<std::string, std::uint16_t>> system_name_servers() {
  std::vector<std::pair<std::string, std::uint16_t>> out;
  ares_channel channel = nullptr;
  if (ares_init(&channel) != ARES_SUCCESS) {
    return out;
  }
  ares_addr_port_node* servers = nullptr;
  if (ares_get_servers_ports(channel, &servers) == ARES_SUCCESS) {
    for (auto* node = servers; node != nullptr; node = node->next) {
      char text[INET6_ADDRSTRLEN] = {};
      if (inet_ntop(node->family, &node->addr, text, sizeof text) != nullptr) {
        auto port = node->udp_port != 0 ? node->udp_port : 53;
        out.emplace_back(text, static_cast<std::uint16_t>(port));
      }
    }
    ares_free_data(servers);
  }
  ares_destroy(channel);
  return out;
}

}  // namespace runtime::dns
