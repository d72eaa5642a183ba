#pragma once

#include "runtime/dns/dns_resolver.hpp"

#include <string>
#include <vector>

namespace runtime::dns {

// Answers that never reach a name server, as Deno's resolver (hickory) gives them, with
// the system's name servers or another: A and AAAA from the hosts file by name (every
// line naming it, in file order), PTR from it by address, then the loopback addresses
// for `localhost` and names under it (RFC 6761). Empty: ask the name servers.
std::vector<DnsRecord> local_records(const std::string& name, int type,
                                     const std::string& hosts_path = "/etc/hosts");

}  // namespace runtime::dns
