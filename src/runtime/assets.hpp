#pragma once

#include "runtime/runtime.hpp"

namespace runtime {

// The assets given to init(); internal to the runtime.
const Assets& assets();

}  // namespace runtime
