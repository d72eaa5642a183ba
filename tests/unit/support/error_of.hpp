#pragma once

#include "util/error.hpp"

#include <string>

namespace test_support {

// The message of the util::Error `action` throws, or "(no error)": for CHECKs on the words
// a person sees.
template <typename F>
std::string error_of(F&& action) {
  try {
    action();
  } catch (const util::Error& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace test_support
