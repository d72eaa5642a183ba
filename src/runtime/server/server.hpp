#pragma once

// The HTTP front of `sbfn serve`: listener, router, worker table, logs.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace server {

struct ServeOptions {
  std::filesystem::path functions_dir;
  std::optional<std::filesystem::path> config_toml;
  std::vector<std::string> only;  // serve just these slugs (all when empty)
  std::string host = "127.0.0.1";
  std::uint16_t port = 54321;
  std::size_t max_body_bytes = 20u << 20;
  std::size_t memory_limit_mb = 256;
  bool json_logs = false;
};

// Serves until SIGINT/SIGTERM, then drains for up to 10 s. Returns the exit code;
// throws util::Error for a configuration a person must fix.
int serve(const ServeOptions& options);

}  // namespace server
