#pragma once

// tests/oracles: independent JavaScript oracles (AWS's own SigV4 signer) that the tests run
// with Node. Their npm packages come from tests/oracles/package-lock.json (`npm ci`, which
// scripts/bootstrap.sh runs); when they are missing, the first use tries `npm ci` once.

#include <filesystem>
#include <optional>
#include <string>

namespace test_support {

// tests/oracles, with its node_modules installed; nullopt after a failed install, with the
// reason in `why` (the caller fails the test with it: an oracle that cannot run is no pass).
std::optional<std::filesystem::path> oracle_dir(std::string* why);

}  // namespace test_support
