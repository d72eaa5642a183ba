#include "runtime/connection_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace runtime {

std::size_t outbound_connection_limit() {
  rlimit limit{};
  std::size_t open_files = 1024;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    open_files = limit.rlim_cur;
  } else if (limit.rlim_cur == RLIM_INFINITY) {
    open_files = std::size_t{1} << 20;
  }
  return std::clamp<std::size_t>(open_files / 16, 64, 4096);
}

}  // namespace runtime
