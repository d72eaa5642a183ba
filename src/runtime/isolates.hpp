#pragma once

#include <v8.h>

namespace runtime {

// Every isolate is made here. Workers get V8's random seed (string hashes and Math.random
// stay unpredictable, so a request cannot flood a hash table). The compiler isolate gets
// a fixed one: V8 writes string hashes into the code caches it makes, and an artifact
// must be the same bytes whichever process built it. The seed is a process-wide flag, so
// while it is set no worker isolate is being made.
v8::Isolate* new_worker_isolate(const v8::Isolate::CreateParams& params);
v8::Isolate* new_compiler_isolate(const v8::Isolate::CreateParams& params);

}  // namespace runtime
