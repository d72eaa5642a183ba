#pragma once

#include "runtime/modules/module_source.hpp"

#include <memory>
#include <string>

namespace runtime {

struct Transpiled {
  std::string code;
  std::string source_map;  // JSON; empty when the code is unchanged
};

class TranspilerImpl;

// Turns TypeScript/JSX (and syntax newer than V8 10.2) into JavaScript V8 can run.
// sucrase does the common case; TypeScript's transpileModule handles what sucrase
// cannot (namespaces, decorators, `using`). Runs in a compiler isolate on a thread of
// its own, created on first use; results are cached on disk by content hash.
class Transpiler {
 public:
  static Transpiler& instance();
  Transpiled transpile(const std::string& url, const std::string& code, MediaType type);
  // Calls one of the compiler isolate's tools (runtime/tools.hpp) with JSON arguments.
  std::string call_tool(const std::string& name, const std::string& args_json);
  // A V8 code cache for the ES module `code` (runtime/tools.hpp).
  std::string module_code_cache(const std::string& url, const std::string& code);
  ~Transpiler();

 private:
  Transpiler();
  std::unique_ptr<TranspilerImpl> m_impl;
};

// Rewrites `import ... with { type: "json" }` to the `assert` form V8 10.2 parses.
// Works on JavaScript text; leaves strings and comments that merely look alike alone.
std::string rewrite_import_attributes(std::string code);

// Whether `code` uses syntax only TypeScript's compiler lowers (namespaces, decorators,
// `using`). Plain JavaScript without any of it runs on V8 10.2 untouched.
bool needs_typescript_compiler(const std::string& code);
// The same for a JavaScript file: only `using`. Namespaces are TypeScript, and Deno runs
// JavaScript as written (no decorators), so the `@param` of every JSDoc comment in an npm
// package must not send it through TypeScript's compiler.
bool javascript_needs_typescript_compiler(const std::string& code);

}  // namespace runtime
