// A DNS response into Deno's record shapes, through c-ares' parsers. c-ares has none for
// records that hold a single name (CNAME, ANAME, NS and PTR; its NS and PTR parsers
// answer with a hostent), so those are read by walking the answer section with
// ares_expand_name, which also tells whether a type Deno cannot shape had records.
#include "runtime/dns/dns_records.hpp"

#include <ares.h>
#include <arpa/inet.h>

#include <cstdint>
#include <memory>

namespace runtime::dns {
namespace {

constexpr int k_type_a = 1;
constexpr int k_type_ns = 2;
constexpr int k_type_cname = 5;
constexpr int k_type_soa = 6;
constexpr int k_type_ptr = 12;
constexpr int k_type_mx = 15;
constexpr int k_type_txt = 16;
constexpr int k_type_aaaa = 28;
constexpr int k_type_srv = 33;
constexpr int k_type_naptr = 35;
constexpr int k_type_caa = 257;
constexpr int k_type_aname = 65305;

// RFC 1035's fixed sizes: the header, a question's type and class, a record's type,
// class, TTL and data length.
constexpr int k_header_size = 12;
constexpr int k_question_tail = 4;
constexpr int k_record_head = 10;

int u16(const unsigned char* at) {
  return (at[0] << 8) | at[1];
}

// Deno prints names fully qualified ("mail.example.com."; the root is ".").
std::string fqdn(const char* name) {
  std::string text = name ? name : "";
  if (text.empty() || text.back() != '.') {
    text += '.';
  }
  return text;
}

std::string bytes(const unsigned char* data, std::size_t length) {
  return {reinterpret_cast<const char*>(data), length};
}

std::string c_text(const unsigned char* data) {
  return data ? reinterpret_cast<const char*>(data) : "";
}

DnsRecord fields(std::vector<std::pair<std::string, DnsRecord::Value>> values) {
  DnsRecord record;
  record.shape = DnsRecord::Shape::fields;
  record.fields = std::move(values);
  return record;
}

struct AresString {
  char* text = nullptr;
  ~AresString() { ares_free_string(text); }
};

// The names held by the answer section's records of `type` (each record's data is one
// name), and how many such records there were.
struct NameRecords {
  std::vector<std::string> names;
  int count = 0;
};

NameRecords walk_answers(const unsigned char* packet, int length, int type) {
  NameRecords out;
  if (length < k_header_size) {
    return out;
  }
  int questions = u16(packet + 4);
  int answers = u16(packet + 6);
  const unsigned char* at = packet + k_header_size;
  const unsigned char* end = packet + length;
  auto skip_name = [&]() {
    AresString name;
    long used = 0;
    if (ares_expand_name(at, packet, length, &name.text, &used) != ARES_SUCCESS) {
      return false;
    }
    at += used;
    return true;
  };
  for (int i = 0; i < questions; ++i) {
    if (!skip_name() || end - at < k_question_tail) {
      return out;
    }
    at += k_question_tail;
  }
  for (int i = 0; i < answers; ++i) {
    if (!skip_name() || end - at < k_record_head) {
      return out;
    }
    int record_type = u16(at);
    int data_length = u16(at + 8);
    at += k_record_head;
    if (end - at < data_length) {
      return out;
    }
    if (record_type == type) {
      ++out.count;
      AresString name;
      long used = 0;
      if (ares_expand_name(at, packet, length, &name.text, &used) == ARES_SUCCESS) {
        out.names.push_back(fqdn(name.text));
      }
    }
    at += data_length;
  }
  return out;
}

const void* address_of(const ares_addrttl& entry) {
  return &entry.ipaddr;
}
const void* address_of(const ares_addr6ttl& entry) {
  return &entry.ip6addr;
}

template <typename AddrTtl, typename Parse>
std::vector<DnsRecord> addresses(const unsigned char* packet, int length, int family, Parse parse) {
  std::vector<AddrTtl> found(length < k_header_size ? 0 : u16(packet + 6) + 1);
  int count = static_cast<int>(found.size());
  std::vector<DnsRecord> out;
  if (count == 0 || parse(packet, length, nullptr, found.data(), &count) != ARES_SUCCESS) {
    return out;
  }
  for (int i = 0; i < count; ++i) {
    char address[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, address_of(found[i]), address, sizeof address);
    out.push_back(DnsRecord::text(address));
  }
  return out;
}

// What c-ares' parser `parse` finds in the packet: each reply it lists (or SOA's single
// one) turned into records by `add(reply, out)`.
template <typename Reply, typename Add>
std::vector<DnsRecord> parsed(const unsigned char* packet, int length,
                              int (*parse)(const unsigned char*, int, Reply**), Add add) {
  Reply* replies = nullptr;
  std::vector<DnsRecord> out;
  if (parse(packet, length, &replies) != ARES_SUCCESS) {
    return out;
  }
  std::unique_ptr<Reply, void (*)(void*)> owned(replies, &ares_free_data);
  for (auto* reply = replies; reply != nullptr;) {
    add(*reply, out);
    if constexpr (requires { reply->next; }) {
      reply = reply->next;
    } else {
      reply = nullptr;
    }
  }
  return out;
}

using Records = std::vector<DnsRecord>;

void add_mx(const ares_mx_reply& r, Records& out) {
  out.push_back(fields({{"preference", double(r.priority)}, {"exchange", fqdn(r.host)}}));
}

void add_srv(const ares_srv_reply& r, Records& out) {
  out.push_back(fields({{"priority", double(r.priority)},
                        {"weight", double(r.weight)},
                        {"port", double(r.port)},
                        {"target", fqdn(r.host)}}));
}

// One record per TXT record, holding each of its <character-string>s.
void add_txt(const ares_txt_ext& r, Records& out) {
  if (r.record_start || out.empty()) {
    DnsRecord record;
    record.shape = DnsRecord::Shape::texts;
    out.push_back(std::move(record));
  }
  out.back().texts.push_back(bytes(r.txt, r.length));
}

// The value as it is on the wire; js/deno_net.js formats issue/iodef values as Deno does.
void add_caa(const ares_caa_reply& r, Records& out) {
  // c-ares keeps the whole flags byte; the issuer-critical flag is its top bit.
  out.push_back(fields({{"critical", (r.critical & 0x80) != 0},
                        {"tag", bytes(r.property, r.plength)},
                        {"value", bytes(r.value, r.length)}}));
}

void add_naptr(const ares_naptr_reply& r, Records& out) {
  out.push_back(fields({{"order", double(r.order)},
                        {"preference", double(r.preference)},
                        {"flags", c_text(r.flags)},
                        {"services", c_text(r.service)},
                        {"regexp", c_text(r.regexp)},
                        {"replacement", fqdn(r.replacement)}}));
}

// Deno keeps refresh, retry and expire as signed 32-bit numbers (RFC 1035 says unsigned
// for them too); serial and minimum stay unsigned.
void add_soa(const ares_soa_reply& r, Records& out) {
  auto as_signed = [](unsigned int value) { return double(static_cast<std::int32_t>(value)); };
  out.push_back(fields({{"mname", fqdn(r.nsname)},
                        {"rname", fqdn(r.hostmaster)},
                        {"serial", double(r.serial)},
                        {"refresh", as_signed(r.refresh)},
                        {"retry", as_signed(r.retry)},
                        {"expire", as_signed(r.expire)},
                        {"minimum", double(r.minttl)}}));
}

}  // namespace

std::optional<std::vector<DnsRecord>> decode_records(const unsigned char* packet, int length,
                                                     int type) {
  switch (type) {
    case k_type_a:
      return addresses<ares_addrttl>(packet, length, AF_INET, &ares_parse_a_reply);
    case k_type_aaaa:
      return addresses<ares_addr6ttl>(packet, length, AF_INET6, &ares_parse_aaaa_reply);
    case k_type_mx:
      return parsed(packet, length, &ares_parse_mx_reply, add_mx);
    case k_type_srv:
      return parsed(packet, length, &ares_parse_srv_reply, add_srv);
    case k_type_txt:
      return parsed(packet, length, &ares_parse_txt_reply_ext, add_txt);
    case k_type_caa:
      return parsed(packet, length, &ares_parse_caa_reply, add_caa);
    case k_type_naptr:
      return parsed(packet, length, &ares_parse_naptr_reply, add_naptr);
    case k_type_soa:
      return parsed(packet, length, &ares_parse_soa_reply, add_soa);
    default:
      break;
  }
  auto named = walk_answers(packet, length, type);
  if (type == k_type_cname || type == k_type_aname || type == k_type_ns || type == k_type_ptr) {
    std::vector<DnsRecord> out;
    for (auto& name : named.names) {
      out.push_back(DnsRecord::text(std::move(name)));
    }
    return out;
  }
  if (named.count > 0) {
    return std::nullopt;
  }
  return std::vector<DnsRecord>{};
}

}  // namespace runtime::dns
