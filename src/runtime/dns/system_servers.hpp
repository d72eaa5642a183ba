#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace runtime::dns {

// The name servers the system's configuration (/etc/resolv.conf) names, as c-ares reads
// it for every look-up: [(address, port)...] in order; empty when it names none.
// node:dns's getServers() before any setServers().
std::vector<std::pair<std::string, std::uint16_t>> system_name_servers();

}  // namespace runtime::dns
