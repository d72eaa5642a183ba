#pragma once

#include "runtime/dns/dns_resolver.hpp"

#include <v8.h>

#include <vector>

namespace runtime::api {

// Deno.resolveDns's result: an array of strings, of string arrays (TXT, whose bytes are
// read as Latin-1, as Deno does) or of plain objects with the fields in Deno's order.
v8::Local<v8::Array> dns_records_value(v8::Isolate* isolate,
                                       const std::vector<dns::DnsRecord>& records);

}  // namespace runtime::api
