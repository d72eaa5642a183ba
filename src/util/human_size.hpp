#pragma once

#include <cstddef>
#include <string>

namespace util {

// "512 B", "12.3 KiB", "4.0 MiB": sizes as people read them in progress and summaries.
std::string human_size(std::size_t bytes);

}  // namespace util
