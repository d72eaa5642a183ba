#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace boost::asio {
class io_context;
}

// Deno.resolveDns's network half: DNS queries with c-ares, driven by the worker's own
// event loop (c-ares says which sockets to watch; asio waits on them), so no thread per
// query and nothing blocks. Records come back in the shapes Deno gives them; JavaScript
// (js/deno_net.js) checks the arguments and words the errors.
namespace runtime::dns {

// What to ask: `name` as given, `type` the record type's number (1 = A, 28 = AAAA, ...).
struct DnsQuery {
  std::string name;
  int type = 1;
  // A name server to ask instead of the system's (/etc/resolv.conf): its IP address
  // (v4 or v6) and port. Empty: the system's, with its search domains.
  std::string server_ip;
  std::uint16_t server_port = 53;
};

// One record as Deno returns it: a string (A, AAAA, ANAME, CNAME, NS, PTR), a list of
// strings (TXT; Latin-1 bytes, one per <character-string>), or an object whose fields
// are listed in Deno's order (CAA, MX, NAPTR, SOA, SRV).
struct DnsRecord {
  using Value = std::variant<std::string, double, bool>;
  enum class Shape { text, texts, fields } shape = Shape::text;
  std::vector<std::string> texts;  // text: one item
  std::vector<std::pair<std::string, Value>> fields;

  static DnsRecord text(std::string value) {
    DnsRecord record;
    record.texts.push_back(std::move(value));
    return record;
  }
};

enum class DnsStatus {
  ok,
  not_found,      // NXDOMAIN, no records of that type, or the server refused or failed
  timed_out,      // no answer in time (or only ICMP errors, which Deno's resolver ignores)
  not_supported,  // records came back, of a type Deno does not return
  cancelled,
  failed,  // anything else; `detail` says what
};

struct DnsAnswer {
  DnsStatus status = DnsStatus::ok;
  std::string detail;
  std::vector<DnsRecord> records;
};

class DnsResolver {
 public:
  using Done = std::function<void(DnsAnswer)>;
  explicit DnsResolver(boost::asio::io_context& io);
  ~DnsResolver();  // cancels what is in flight without calling back
  DnsResolver(const DnsResolver&) = delete;
  DnsResolver& operator=(const DnsResolver&) = delete;

  // Starts a query; `done` is called once, from a task of its own on the loop (never
  // from inside this call). Returns an id for `cancel`.
  std::uint32_t resolve(DnsQuery query, Done done);
  // Ends the query: `done` gets `cancelled` (if it was not called already).
  void cancel(std::uint32_t id);

 private:
  struct Impl;
  std::shared_ptr<Impl> m_impl;
};

}  // namespace runtime::dns
