#include "support/node_oracles.hpp"

#include <cstdlib>
#include <mutex>

namespace test_support {

std::optional<std::filesystem::path> oracle_dir(std::string* why) {
  static std::once_flag once;
  static std::string failure;
  const std::filesystem::path dir = std::filesystem::path(SBFN_SOURCE_DIR) / "tests" / "oracles";
  std::call_once(once, [&] {
    if (std::filesystem::exists(dir / "node_modules" / "@smithy" / "signature-v4" /
                                "package.json")) {
      return;
    }
    const std::string command =
        "cd '" + dir.string() + "' && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1";
    if (std::system(command.c_str()) != 0) {
      failure =
          "the SigV4 oracle's npm packages (@smithy/signature-v4, @smithy/hash-node) are "
          "not installed in " +
          dir.string() +
          " and `npm ci` there failed: is the npm registry reachable? Run "
          "scripts/bootstrap.sh or `npm ci` in that folder.";
    }
  });
  if (!failure.empty()) {
    if (why) {
      *why = failure;
    }
    return std::nullopt;
  }
  return dir;
}

}  // namespace test_support
