#pragma once

// The servers tests/js talks to (tests/js/servers/*_fixture.py), started once per test
// process on 127.0.0.1 and stopped at its end. Each fixture prints one JSON object of
// addresses; every key `k` becomes the environment variable SBFN_TEST_<K> the tests
// read, except "env", an object of variables set as they are (DENO_CERT, which the
// runtime reads itself). tests/js/run_under_deno.sh does the same for Deno.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace test_support {

// The variables of every fixture in `folder`, starting them on first use. A fixture that
// fails to start adds nothing (the tests that need it fail, naming the variable).
const std::vector<std::pair<std::string, std::string>>& fixture_env(
    const std::filesystem::path& folder);

}  // namespace test_support
