#pragma once

#include "runtime/runtime.hpp"

namespace runtime {

// The assets given to init(); internal to the runtime.
const Assets& assets();

// Every native callback the worker snapshot refers to, null-terminated (V8 needs the
// same table when it creates and when it deserialises the snapshot).
const intptr_t* external_references();

}  // namespace runtime
