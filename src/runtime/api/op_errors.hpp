#pragma once

#include <v8.h>

#include <string>

// Errors native ops throw for JavaScript to turn into Deno.errors classes (deno_errors.js
// `fromOpError`): an Error with `name` set to the class ("NotFound") and, for system
// errors, `code` set to the errno name ("ENOENT"), as Deno's errors carry.
namespace runtime::api {

void throw_coded(v8::Isolate* isolate, const std::string& cls, const std::string& message,
                 const std::string& code = {});

// An errno as Deno reports it: "No such file or directory (os error 2): <context>" with the
// class Deno maps it to. `context` may be empty (no ": " then).
void throw_os_error(v8::Isolate* isolate, int error, const std::string& context);

// The Deno.errors class of an errno ("Error" when Deno has none).
const char* error_class(int error);

}  // namespace runtime::api
