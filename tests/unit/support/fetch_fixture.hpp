#pragma once

// The fetch tests' servers (tests/js/servers/fetch_fixture.py) on 127.0.0.1, started
// once per test binary and stopped at its exit.

#include <string>
#include <utility>
#include <vector>

namespace test_support {

// SBFN_TEST_HTTP, SBFN_TEST_HTTPS, SBFN_TEST_PROXY, SBFN_TEST_CLOSED and SBFN_TEST_CA
// (the CA's PEM), as a worker's environment; empty when the fixture could not start.
const std::vector<std::pair<std::string, std::string>>& fetch_fixture_env();

}  // namespace test_support
