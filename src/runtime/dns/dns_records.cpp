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

// c-ares' reply lists, freed with ares_free_data.
template <typename T>
using AresList = std::unique_ptr<T, void (*)(void*)>;
template <typename T>
AresList<T> adopt(T* list) {
  return AresList<T>(list, &ares_free_data);
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

std::vector<DnsRecord> mx(const unsigned char* packet, int length) {
  ares_mx_reply* list = nullptr;
  std::vector<DnsRecord> out;
  if (ares_parse_mx_reply(packet, length, &list) != ARES_SUCCESS) {
    return out;
  }
  auto owned = adopt(list);
  for (auto* r = list; r; r = r->next) {
    out.push_back(fields({{"preference", double(r->priority)}, {"exchange", fqdn(r->host)}}));
  }
  return out;
}

std::vector<DnsRecord> srv(const unsigned char* packet, int length) {
  ares_srv_reply* list = nullptr;
  std::vector<DnsRecord> out;
  if (ares_parse_srv_reply(packet, length, &list) != ARES_SUCCESS) {
    return out;
  }
  auto owned = adopt(list);
  for (auto* r = list; r; r = r->next) {
    out.push_back(fields({{"priority", double(r->priority)},
                          {"weight", double(r->weight)},
                          {"port", double(r->port)},
                          {"target", fqdn(r->host)}}));
  }
  return out;
}

// One record per TXT record, holding each of its <character-string>s.
std::vector<DnsRecord> txt(const unsigned char* packet, int length) {
  ares_txt_ext* list = nullptr;
  std::vector<DnsRecord> out;
  if (ares_parse_txt_reply_ext(packet, length, &list) != ARES_SUCCESS) {
    return out;
  }
  auto owned = adopt(list);
  for (auto* r = list; r; r = r->next) {
    if (r->record_start || out.empty()) {
      DnsRecord record;
      record.shape = DnsRecord::Shape::texts;
      out.push_back(std::move(record));
    }
    out.back().texts.push_back(bytes(r->txt, r->length));
  }
  return out;
}

// The value as it is on the wire; js/deno_net.js formats issue/iodef values as Deno does.
std::vector<DnsRecord> caa(const unsigned char* packet, int length) {
  ares_caa_reply* list = nullptr;
  std::vector<DnsRecord> out;
  if (ares_parse_caa_reply(packet, length, &list) != ARES_SUCCESS) {
    return out;
  }
  auto owned = adopt(list);
  for (auto* r = list; r; r = r->next) {
    // c-ares keeps the whole flags byte; the issuer-critical flag is its top bit.
    out.push_back(fields({{"critical", (r->critical & 0x80) != 0},
                          {"tag", bytes(r->property, r->plength)},
                          {"value", bytes(r->value, r->length)}}));
  }
  return out;
}

std::vector<DnsRecord> naptr(const unsigned char* packet, int length) {
  ares_naptr_reply* list = nullptr;
  std::vector<DnsRecord> out;
  if (ares_parse_naptr_reply(packet, length, &list) != ARES_SUCCESS) {
    return out;
  }
  auto owned = adopt(list);
  for (auto* r = list; r; r = r->next) {
    out.push_back(fields({{"order", double(r->order)},
                          {"preference", double(r->preference)},
                          {"flags", c_text(r->flags)},
                          {"services", c_text(r->service)},
                          {"regexp", c_text(r->regexp)},
                          {"replacement", fqdn(r->replacement)}}));
  }
  return out;
}

std::vector<DnsRecord> soa(const unsigned char* packet, int length) {
  ares_soa_reply* reply = nullptr;
  std::vector<DnsRecord> out;
  if (ares_parse_soa_reply(packet, length, &reply) != ARES_SUCCESS) {
    return out;
  }
  auto owned = adopt(reply);
  // Deno keeps refresh, retry and expire as signed 32-bit numbers (RFC 1035 says
  // unsigned for them too); serial and minimum stay unsigned.
  auto as_signed = [](unsigned int value) { return double(static_cast<std::int32_t>(value)); };
  out.push_back(fields({{"mname", fqdn(reply->nsname)},
                        {"rname", fqdn(reply->hostmaster)},
                        {"serial", double(reply->serial)},
                        {"refresh", as_signed(reply->refresh)},
                        {"retry", as_signed(reply->retry)},
                        {"expire", as_signed(reply->expire)},
                        {"minimum", double(reply->minttl)}}));
  return out;
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
      return mx(packet, length);
    case k_type_srv:
      return srv(packet, length);
    case k_type_txt:
      return txt(packet, length);
    case k_type_caa:
      return caa(packet, length);
    case k_type_naptr:
      return naptr(packet, length);
    case k_type_soa:
      return soa(packet, length);
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
