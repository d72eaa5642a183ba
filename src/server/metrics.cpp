#include "server/metrics.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

namespace server {
namespace {

constexpr std::array<std::string_view, 5> k_limits = {"memory", "cpu_soft", "cpu_hard",
                                                      "wall_clock_half", "wall_clock"};

// A label value as Prometheus' text format escapes it.
std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

// Resident set size from /proc/self/statm (pages).
std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0;
  std::uint64_t resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

Metrics::Function& Metrics::of(std::string_view slug) {
  {
    std::shared_lock lock(m_mutex);
    auto it = m_functions.find(slug);
    if (it != m_functions.end()) {
      return *it->second;
    }
  }
  std::unique_lock lock(m_mutex);
  auto& entry = m_functions[std::string(slug)];
  if (!entry) {
    entry = std::make_unique<Function>();
  }
  return *entry;
}

void Metrics::request(std::string_view slug, int status, double ms) {
  auto& f = of(slug);
  if (status >= 100 && status < 600) {
    f.by_status[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
  }
  auto bucket = k_buckets.size();
  for (std::size_t i = 0; i < k_buckets.size(); ++i) {
    if (ms <= k_buckets[i] * 1000) {
      bucket = i;
      break;
    }
  }
  f.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  f.latency_us.fetch_add(static_cast<std::uint64_t>(ms * 1000), std::memory_order_relaxed);
}

void Metrics::boot(std::string_view slug, bool ok, double ms) {
  auto& f = of(slug);
  (ok ? f.boots_ok : f.boots_failed).fetch_add(1, std::memory_order_relaxed);
  f.boot_us.fetch_add(static_cast<std::uint64_t>(ms * 1000), std::memory_order_relaxed);
}

void Metrics::limit(std::string_view slug, std::string_view kind) {
  for (std::size_t i = 0; i < k_limits.size(); ++i) {
    if (k_limits[i] == kind) {
      of(slug).limits[i].fetch_add(1, std::memory_order_relaxed);
    }
  }
}

std::string Metrics::render(const Gauges& gauges) const {
  std::ostringstream out;
  std::shared_lock lock(m_mutex);
  auto load = [](const std::atomic<std::uint64_t>& value) {
    return value.load(std::memory_order_relaxed);
  };
  auto name_of = [](const std::string& slug) {
    return slug.empty() ? std::string("function=\"\"") : "function=\"" + label(slug) + "\"";
  };

  header(out, "sbfn_requests_total", "counter",
         "Responses sent, by function (empty: no function took the request) and status.");
  for (const auto& [slug, f] : m_functions) {
    for (std::size_t status = 100; status < f->by_status.size(); ++status) {
      if (auto n = load(f->by_status[status])) {
        out << "sbfn_requests_total{" << name_of(slug) << ",status=\"" << status << "\"} " << n
            << '\n';
      }
    }
  }
  header(out, "sbfn_request_duration_seconds", "histogram",
         "Time from a request's head to the end of its response.");
  for (const auto& [slug, f] : m_functions) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < k_buckets.size(); ++i) {
      cumulative += load(f->buckets[i]);
      out << "sbfn_request_duration_seconds_bucket{" << name_of(slug) << ",le=\""
          << number(k_buckets[i]) << "\"} " << cumulative << '\n';
    }
    cumulative += load(f->buckets[k_buckets.size()]);
    if (cumulative == 0) {
      continue;
    }
    out << "sbfn_request_duration_seconds_bucket{" << name_of(slug) << ",le=\"+Inf\"} "
        << cumulative << '\n';
    out << "sbfn_request_duration_seconds_sum{" << name_of(slug) << "} "
        << number(static_cast<double>(load(f->latency_us)) / 1e6) << '\n';
    out << "sbfn_request_duration_seconds_count{" << name_of(slug) << "} " << cumulative << '\n';
  }
  header(out, "sbfn_worker_boots_total", "counter", "Workers booted, by function and result.");
  for (const auto& [slug, f] : m_functions) {
    if (slug.empty()) {
      continue;
    }
    out << "sbfn_worker_boots_total{" << name_of(slug) << ",result=\"ok\"} " << load(f->boots_ok)
        << '\n';
    out << "sbfn_worker_boots_total{" << name_of(slug) << ",result=\"failed\"} "
        << load(f->boots_failed) << '\n';
  }
  header(out, "sbfn_worker_boot_seconds_total", "counter",
         "Time spent booting workers (divide by sbfn_worker_boots_total for the mean).");
  for (const auto& [slug, f] : m_functions) {
    if (!slug.empty()) {
      out << "sbfn_worker_boot_seconds_total{" << name_of(slug) << "} "
          << number(static_cast<double>(load(f->boot_us)) / 1e6) << '\n';
    }
  }
  header(out, "sbfn_worker_limits_total", "counter",
         "Limits that retired or ended a worker, by function and limit.");
  for (const auto& [slug, f] : m_functions) {
    for (std::size_t i = 0; i < k_limits.size(); ++i) {
      if (auto n = load(f->limits[i])) {
        out << "sbfn_worker_limits_total{" << name_of(slug) << ",limit=\"" << k_limits[i] << "\"} "
            << n << '\n';
      }
    }
  }
  header(out, "sbfn_workers", "gauge", "Workers alive, serving or finishing their requests.");
  out << "sbfn_workers " << gauges.live_workers << '\n';
  header(out, "sbfn_active_requests", "gauge", "Requests being answered.");
  out << "sbfn_active_requests " << gauges.active_requests << '\n';
  header(out, "sbfn_connections", "gauge", "Client connections open.");
  out << "sbfn_connections " << gauges.connections << '\n';
  header(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  out << "process_resident_memory_bytes " << resident_bytes() << '\n';
  return out.str();
}

}  // namespace server
