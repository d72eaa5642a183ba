#pragma once

// Tools that run in the compiler isolate (one per process, on its own thread): npm's own
// semver, es-module-lexer and cjs-module-lexer. The bundler and the module loader use
// these reference implementations instead of rewrites. Every call may block while the
// compiler thread finishes other work; none touches a worker's isolate.

#include "runtime/modules/module_source.hpp"

#include <string>
#include <vector>

namespace runtime {

// Calls tool `name` with a JSON array of arguments; returns its JSON result. Throws
// util::Error naming the tool and the JavaScript error's message.
std::string compiler_tool(const std::string& name, const std::string& args_json);

struct ModuleImport {
  std::string specifier;
  bool dynamic = false;    // import("literal")
  bool type_only = false;  // `import type` left in the source
  int line = 0;            // 1-based, in the code given
};

// The specifiers JavaScript `code` imports (static, re-exports, literal dynamic imports).
// Throws util::Error when the code does not lex.
std::vector<ModuleImport> module_imports(const std::string& code);

struct CjsExports {
  std::vector<std::string> names;      // exports.x = ..., Object.defineProperty(exports, "x")
  std::vector<std::string> reexports;  // module.exports = require("./x"): its specifiers
};

// `code` of `type` as the JavaScript V8 runs (TypeScript and JSX lowered, as the module
// loader does it, from the same on-disk cache). Throws util::Error with the place of a
// syntax error.
std::string transpile_module(const std::string& url, const std::string& code, MediaType type);

// The source map (JSON) of transpile_module's result; empty when the code is unchanged.
std::string transpiled_source_map(const std::string& url, const std::string& code, MediaType type);

// A V8 code cache for the ES module `code` (already JavaScript), made by this process's V8
// with its flags: a worker compiling exactly `code` from the same URL skips parsing.
// Throws util::Error when the code does not compile.
std::string module_code_cache(const std::string& url, const std::string& code);

// What a CommonJS module exports, found statically the way Node finds it.
CjsExports cjs_exports(const std::string& code);

}  // namespace runtime
