#pragma once

#include "runtime/runtime.hpp"

namespace runtime {

// The snapshots and compilers built into this binary (library sbfn_assets).
Assets embedded_assets();

}  // namespace runtime
