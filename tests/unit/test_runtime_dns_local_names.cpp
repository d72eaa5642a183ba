// The answers Deno.resolveDns gives without a name server: a hosts file written here
// (tests/js covers the machine's own through the fixture server), checked against what
// Deno 2.9 answered from /etc/hosts (every line naming a host, reverse look-ups by
// address, RFC 6761's localhost).
#include "runtime/dns/local_names.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace {

std::vector<std::string> texts(const std::vector<runtime::dns::DnsRecord>& records) {
  std::vector<std::string> out;
  for (const auto& record : records) {
    out.push_back(record.texts.at(0));
  }
  return out;
}

}  // namespace

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::dns::local_records answers from the hosts file and for localhost") {
  auto hosts = fs::temp_directory_path() / ("sbfn-hosts-" + std::to_string(::getpid()));
  std::ofstream(hosts) << "# a comment\n"
                          "127.0.0.1 localhost\n"
                          "10.0.0.7   db.internal db   # trailing comment\n"
                          "10.0.0.8 DB.internal\n"
                          "2001:db8:0:0::7 db.internal\n"
                          "127.0.0.1 runsc\n";
  auto look = [&](const std::string& name, int type) {
    return texts(runtime::dns::local_records(name, type, hosts.string()));
  };
  using V = std::vector<std::string>;
  CHECK(look("db.internal", 1) == V{"10.0.0.7", "10.0.0.8"});
  CHECK(look("DB.Internal.", 1) == V{"10.0.0.7", "10.0.0.8"});
  CHECK(look("db", 1) == V{"10.0.0.7"});
  CHECK(look("db.internal", 28) == V{"2001:db8::7"});
  CHECK(look("db", 28).empty());  // no IPv6 line names it: the servers are asked
  CHECK(look("db.internal", 15).empty());
  CHECK(look("7.0.0.10.in-addr.arpa", 12) == V{"db.internal.", "db."});
  CHECK(look("1.0.0.127.in-addr.arpa.", 12) == V{"localhost.", "runsc."});
  CHECK(look("7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", 12) ==
        V{"db.internal."});
  CHECK(look("9.9.9.9.in-addr.arpa", 12).empty());
  // RFC 6761: localhost and names under it, when the hosts file does not say otherwise.
  CHECK(look("localhost", 28) == V{"::1"});
  CHECK(look("api.localhost", 1) == V{"127.0.0.1"});
  CHECK(look("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa", 12) ==
        V{"localhost."});
  fs::remove(hosts);
  // No hosts file: only localhost.
  CHECK(look("db.internal", 1).empty());
  CHECK(look("localhost", 1) == V{"127.0.0.1"});
}

TEST_SUITE_END();
