// inspector::parse_address: the values of --inspect= as Node reads them, loopback unless a
// host is written out, and a reason for every value refused.
#include "runtime/inspector/inspector.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

namespace {

void check_address(const std::string& value, const std::string& host, int port) {
  INFO("--inspect=" << value);
  auto address = runtime::inspector::parse_address(value);
  CHECK(address.host == host);
  CHECK(address.port == port);
}

void check_refused(const std::string& value, const std::string& reason) {
  INFO("--inspect=" << value);
  try {
    runtime::inspector::parse_address(value);
    FAIL("accepted");
  } catch (const util::Error& error) {
    CHECK(std::string(error.what()).find(reason) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("runtime::inspector::parse_address: defaults to loopback, never all interfaces") {
  check_address("", "127.0.0.1", 9229);
  check_address("9230", "127.0.0.1", 9230);
  check_address("0", "127.0.0.1", 0);
  check_address("0.0.0.0:9229", "0.0.0.0", 9229);
  check_address("localhost:1234", "localhost", 1234);
  check_address("[::1]:9229", "::1", 9229);
  check_address("[::]", "::", 9229);
  check_address("my-host.internal", "my-host.internal", 9229);
}

TEST_CASE("runtime::inspector::parse_address: bad values say why") {
  check_refused("127.0.0.1:99999", "not a port number");
  check_refused("127.0.0.1:", "not a port number");
  check_refused("host:http", "not a port number");
  check_refused(":9229", "the host before ':' is empty");
  check_refused("::1:9229", "IPv6 address in brackets");
  check_refused("[::1", "closing ']'");
  check_refused("[::1]9229", "expected ':' after ']'");
  check_refused("a host:1", "not a host name or address");
}
