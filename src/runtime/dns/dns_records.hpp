#pragma once

#include "runtime/dns/dns_resolver.hpp"

#include <optional>
#include <string>
#include <vector>

namespace runtime::dns {

// The records of type `type` in a DNS response (`packet`, as c-ares hands it over),
// decoded with c-ares' parsers into Deno's shapes; names carry a trailing dot as Deno
// prints them. Records of other types in the answer (a CNAME leading to the addresses
// asked for) are left out, as Deno does. nullopt: `type` has records but Deno returns
// no shape for it (NotSupported).
std::optional<std::vector<DnsRecord>> decode_records(const unsigned char* packet, int length,
                                                     int type);

}  // namespace runtime::dns
