#pragma once

// `GET /metrics` (`serve --metrics`, and /_admin/v1/metrics with the admin API): counters the
// server keeps while it runs, written in Prometheus' text format (version 0.0.4).
// Recording is a few relaxed atomic adds once a function has been seen; nothing is kept
// when metrics are off.

#include <array>
#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

namespace server {

class Metrics {
 public:
  // Upper bounds, in seconds, of the latency histogram's buckets.
  static constexpr std::array<double, 12> k_buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,   0.25,   0.5,   1,    2.5,   10};

  // A response finished: `slug` empty for requests no function took (404, health).
  void request(std::string_view slug, int status, double ms);
  void boot(std::string_view slug, bool ok, double ms);
  void limit(std::string_view slug, std::string_view kind);

  // What the server knows only when asked.
  struct Gauges {
    std::size_t live_workers = 0;
    std::size_t active_requests = 0;
    std::size_t connections = 0;
  };
  std::string render(const Gauges& gauges) const;

 private:
  struct Function {
    std::array<std::atomic<std::uint64_t>, k_buckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> latency_us{0};
    std::atomic<std::uint64_t> boots_ok{0};
    std::atomic<std::uint64_t> boots_failed{0};
    std::atomic<std::uint64_t> boot_us{0};
    std::array<std::atomic<std::uint64_t>, 5> limits{};       // memory, cpu_soft, cpu_hard, ...
    std::array<std::atomic<std::uint64_t>, 600> by_status{};  // 100..599
  };
  Function& of(std::string_view slug);

  mutable std::shared_mutex m_mutex;
  std::map<std::string, std::unique_ptr<Function>, std::less<>> m_functions;
};

}  // namespace server
