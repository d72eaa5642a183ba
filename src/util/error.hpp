#pragma once

#include <stdexcept>
#include <string>

namespace util {

// An error meant for a person: its message is printed as is, without a stack or a type.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace util
