#pragma once

// Wasm modules imported as ES modules, as Deno 2 does it (`import { add } from
// "./add.wasm"`): the module's imports are module specifiers resolved against the .wasm's
// URL (`(import "./env.js" "log" (func))` imports `log` from ./env.js), and its exports are
// the ES module's exports. V8 10.2 has no Wasm/ESM integration of its own, so the loader
// compiles the bytes and serves a generated JavaScript module in their place; this file
// reads what that wrapper needs from the bytes and writes the wrapper. The bundler uses
// the same reading to walk the graph through Wasm modules.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runtime {

// https://webassembly.github.io/spec/core/binary/modules.html#binary-importdesc
enum class WasmExternKind : std::uint8_t {
  function = 0,
  table = 1,
  memory = 2,
  global = 3,
  tag = 4,
  unknown = 0xff,  // an export kind this reader does not know (V8 decides whether it is valid)
};

struct WasmImport {
  std::string module;  // the module specifier: "./env.js"
  std::string name;    // the export of that module: "log"
  WasmExternKind kind = WasmExternKind::function;
};

struct WasmExport {
  std::string name;
  WasmExternKind kind = WasmExternKind::function;
};

// What a Wasm module imports and exports, in the order of its import and export sections.
struct WasmInterface {
  std::vector<WasmImport> imports;
  std::vector<WasmExport> exports;
};

// Reads the import and export sections of the Wasm module `bytes` (loaded from `url`),
// checking the framing of every section but not the code: V8 validates that when it
// compiles. Throws util::Error in Deno's words: "The Wasm module could not be parsed: not
// a Wasm module\n  Specifier: <url>" (or "unexpected end of file", "integer overflow",
// "invalid utf-8", "unsupported Wasm version: 2", "unknown import type 'N'", ...).
WasmInterface read_wasm_interface(std::string_view bytes, const std::string& url);

// The distinct module specifiers `wasm` imports from, in first-use order: its dependencies
// in the module graph.
std::vector<std::string> wasm_import_modules(const WasmInterface& wasm);

// The JavaScript module served for a Wasm module: it imports every import from its module
// statically (so the graph, cycles and missing exports behave as any ES module's), has
// `import.meta.wasmInstantiate(imports)` instantiate the compiled module (the loader
// defines it), and exports every export under its own name: functions, memories, tables
// and tags as they are, globals as their value at instantiation (as Deno does, and the
// WebAssembly.Global itself when reading its value throws, e.g. v128). A global imported
// from another Wasm module links to that module's WebAssembly.Global
// (`import.meta.wasmExportsOf(specifier)`), so mutable globals stay shared between them.
std::string wasm_module_wrapper(const WasmInterface& wasm);

}  // namespace runtime
