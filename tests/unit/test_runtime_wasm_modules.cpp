// Wasm modules in the module loader: how their bytes are read (imports, exports, and the
// errors Deno gives for broken ones) and what a worker reports when one cannot load.
// Modules are built byte by byte here and served from memory.
#include "support/worker_fixture.hpp"

#include "runtime/runtime.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

namespace {

using Files = std::map<std::string, std::string>;

std::string leb(std::uint64_t value) {
  std::string out;
  do {
    auto byte = static_cast<char>(value & 0x7F);
    value >>= 7;
    out += value != 0 ? static_cast<char>(byte | 0x80) : byte;
  } while (value != 0);
  return out;
}

std::string name(const std::string& text) {
  return leb(text.size()) + text;
}

std::string section(int id, const std::string& payload) {
  return std::string(1, static_cast<char>(id)) + leb(payload.size()) + payload;
}

const std::string k_header("\0asm\1\0\0\0", 8);

// A type section with one type: () -> ().
const std::string k_void_type = section(1, std::string("\x01\x60\x00\x00", 4));

std::string module_of(const std::string& sections) {
  return k_header + sections;
}

std::string parse_error(const std::string& bytes) {
  try {
    runtime::read_wasm_interface(bytes, "file:///m/x.wasm");
    return "";
  } catch (const util::Error& error) {
    return error.what();
  }
}

std::string reason(const std::string& bytes) {
  auto message = parse_error(bytes);
  const std::string prefix = "The Wasm module could not be parsed: ";
  const std::string suffix = "\n  Specifier: file:///m/x.wasm";
  REQUIRE(message.rfind(prefix, 0) == 0);
  REQUIRE(message.ends_with(suffix));
  return message.substr(prefix.size(), message.size() - prefix.size() - suffix.size());
}

// A worker whose modules are `files`; `limit_mb` its memory limit.
test_support::ScriptWorker worker_of(const Files& files, std::size_t limit_mb = 256) {
  runtime::WorkerOptions options;
  options.sources = runtime::make_memory_source_provider(files, "/m");
  options.root = "/nonexistent/sbfn-wasm";
  options.limits.memory_limit_mb = limit_mb;
  return test_support::ScriptWorker(options);
}

// What importing `url` gives: "Name: message" when it fails.
std::string import_outcome(test_support::ScriptWorker& worker, const std::string& url,
                           const std::string& then = "'loaded'") {
  return worker
      .eval("import('" + url + "').then((m) => " + then + ", (e) => `${e.name}: ${e.message}`)")
      .value;
}

}  // namespace

TEST_SUITE_BEGIN("runtime");

TEST_CASE("runtime::read_wasm_interface reads every kind of import and export, in order") {
  auto imports = std::string("\x06", 1) +                                           // 6 imports
                 name("./a.js") + name("f") + std::string("\x00\x00", 2) +          // func, type 0
                 name("./b.js") + name("t") + std::string("\x01\x70\x00\x01", 4) +  // table
                 name("./a.js") + name("m") + std::string("\x02\x03\x01\x02", 4) +  // shared mem
                 name("./c.js") + name("g") + std::string("\x03\x7f\x01", 3) +      // mut i32
                 name("./a.js") + name("e") + std::string("\x04\x00\x00", 3) +      // tag
                 name("./c.js") + name("m64") +
                 std::string("\x02\x05\x01\x80\x80\x80\x80\x80\x01", 9);  // memory64, max 2^35
  auto exports = std::string("\x03", 1) + name("run") + std::string("\x00\x00", 2) +
                 name("défaut \"q\"") + std::string("\x03\x00", 2) + name("odd") +
                 std::string("\x09\x00", 2);
  auto bytes = module_of(k_void_type + section(2, imports) + section(7, exports));
  auto wasm = runtime::read_wasm_interface(bytes, "file:///m/x.wasm");
  REQUIRE(wasm.imports.size() == 6);
  CHECK(wasm.imports[0].module == "./a.js");
  CHECK(wasm.imports[0].name == "f");
  CHECK(wasm.imports[0].kind == runtime::WasmExternKind::function);
  CHECK(wasm.imports[1].kind == runtime::WasmExternKind::table);
  CHECK(wasm.imports[2].kind == runtime::WasmExternKind::memory);
  CHECK(wasm.imports[3].kind == runtime::WasmExternKind::global);
  CHECK(wasm.imports[4].kind == runtime::WasmExternKind::tag);
  CHECK(wasm.imports[5].name == "m64");
  REQUIRE(wasm.exports.size() == 3);
  CHECK(wasm.exports[1].name == "défaut \"q\"");
  CHECK(wasm.exports[1].kind == runtime::WasmExternKind::global);
  CHECK(wasm.exports[2].kind == runtime::WasmExternKind::unknown);
  // The graph's edges: each module once, in first-use order.
  CHECK(runtime::wasm_import_modules(wasm) ==
        std::vector<std::string>{"./a.js", "./b.js", "./c.js"});
  // No sections at all: nothing imported, nothing exported.
  auto empty = runtime::read_wasm_interface(k_header, "file:///m/x.wasm");
  CHECK(empty.imports.empty());
  CHECK(empty.exports.empty());
}

TEST_CASE("runtime::read_wasm_interface refuses broken modules in Deno's words") {
  CHECK(parse_error("export {};") ==
        "The Wasm module could not be parsed: not a Wasm module\n  Specifier: file:///m/x.wasm");
  CHECK(reason("") == "not a Wasm module");
  CHECK(reason(std::string("\0as", 3)) == "not a Wasm module");
  CHECK(reason(std::string("\0asm\1\0", 6)) == "unexpected end of file");
  CHECK(reason(std::string("\0asm\2\0\0\0", 8)) == "unsupported Wasm version: 2");
  // A section whose size runs past the end, and one cut off in its size.
  CHECK(reason(k_header + std::string("\x01\x07\x01\x60", 4)) == "unexpected end of file");
  CHECK(reason(k_header + std::string("\x01\x80", 2)) == "unexpected end of file");
  // A size of more than 32 bits.
  CHECK(reason(k_header + std::string("\x01\xff\xff\xff\xff\x7f", 6)) == "integer overflow");
  auto import_of = [](const std::string& entry) {
    return module_of(section(2, std::string("\x01", 1) + entry));
  };
  CHECK(reason(import_of(name("./a.js") + name("f") + "\x07")) == "unknown import type '7'");
  CHECK(reason(import_of(name("./a.js") + name("g") + std::string("\x03\x7f\x02", 3))) ==
        "invalid mutability flag '2'");
  CHECK(reason(import_of(name("./a.js") + name("e") + std::string("\x04\x01\x00", 3))) ==
        "unknown attribute '1'");
  CHECK(reason(import_of(name("./a.js") + name("\xff\xfe") + std::string("\x00\x00", 2))) ==
        "invalid utf-8");
  // An overlong form of "/" and a lone surrogate are not UTF-8 either.
  CHECK(reason(import_of(name("\xc0\xaf") + name("f") + std::string("\x00\x00", 2))) ==
        "invalid utf-8");
  CHECK(reason(import_of(name("\xed\xa0\x80") + name("f") + std::string("\x00\x00", 2))) ==
        "invalid utf-8");
  // An entry cut off inside its section.
  CHECK(reason(import_of(name("./a.js"))) == "unexpected end of file");
}

TEST_CASE("runtime::wasm_module_wrapper quotes every name as a string literal") {
  runtime::WasmInterface wasm;
  wasm.imports = {{"./we\"ird\\\n.js", "na\"me", runtime::WasmExternKind::function}};
  wasm.exports = {{"a\nb", runtime::WasmExternKind::function},
                  {"default", runtime::WasmExternKind::global}};
  auto code = runtime::wasm_module_wrapper(wasm);
  INFO(code);
  CHECK(code.find("import { \"na\\\"me\" as import_0_0 } from \"./we\\\"ird\\\\\\u000a.js\";") !=
        std::string::npos);
  CHECK(code.find("export { e0 as \"a\\u000ab\" };") != std::string::npos);
  CHECK(code.find("const e1 = unwrap(instance[\"default\"]);") != std::string::npos);
}

TEST_CASE("runtime::ModuleLoader Wasm modules: names that need quoting reach JavaScript whole") {
  // (module (import "./we\"ird\n.js" "na\"me" (func)) (func (export "a\nb") (export "default")
  //   call 0))
  auto imports =
      std::string("\x01", 1) + name("./we\"ird\n.js") + name("na\"me") + std::string("\x00\x00", 2);
  auto exports = std::string("\x02", 1) + name("a\nb") + std::string("\x00\x01", 2) +
                 name("default") + std::string("\x00\x01", 2);
  auto bytes =
      module_of(k_void_type + section(2, imports) + section(3, std::string("\x01\x00", 2)) +
                section(7, exports) + section(10, std::string("\x01\x04\x00\x10\x00\x0b", 6)));
  Files files = {{"file:///m/odd.wasm", bytes},
                 {"file:///m/we\"ird\n.js",
                  "export let calls = 0;\nexport function na() {}\n"
                  "const f = () => { calls++; };\nexport { f as 'na\"me' };\n"}};
  auto worker = worker_of(files);
  CHECK(import_outcome(worker, "file:///m/odd.wasm",
                       "(m.default(), m['a\\nb'](), JSON.stringify(Object.keys(m)))") ==
        "[\"a\\nb\",\"default\"]");
  CHECK(worker.eval("import('file:///m/we\"ird\\n.js').then((m) => m.calls)").value == "2");
}

TEST_CASE("runtime::ModuleLoader Wasm modules: load errors") {
  // (module (func (export "f") (result i32) i32.const 1 i32.const 2)): two values for one.
  auto invalid = module_of(
      section(1, std::string("\x01\x60\x00\x01\x7f", 5)) + section(3, std::string("\x01\x00", 2)) +
      section(7, std::string("\x01", 1) + name("f") + std::string("\x00\x00", 2)) +
      section(10, std::string("\x01\x06\x00\x41\x01\x41\x02\x0b", 8)));
  auto missing =
      module_of(k_void_type + section(2, std::string("\x01", 1) + name("./env.js") +
                                             name("nosuch") + std::string("\x00\x00", 2)));
  auto wrong_kind =
      module_of(k_void_type + section(2, std::string("\x01", 1) + name("./env.js") + name("value") +
                                             std::string("\x00\x00", 2)));
  auto unresolved = module_of(k_void_type + section(2, std::string("\x01", 1) + name("./gone.js") +
                                                           name("f") + std::string("\x00\x00", 2)));
  Files files = {
      {"file:///m/text.wasm", "export const x = 1;\n"},
      {"file:///m/invalid.wasm", invalid},
      {"file:///m/missing.wasm", missing},
      {"file:///m/wrong_kind.wasm", wrong_kind},
      {"file:///m/unresolved.wasm", unresolved},
      {"file:///m/env.js", "export const value = 1;\n"},
      {"file:///m/main.js", "import './text.wasm';\n"},
  };
  auto worker = worker_of(files);
  CHECK(import_outcome(worker, "file:///m/text.wasm") ==
        "TypeError: The Wasm module could not be parsed: not a Wasm module\n"
        "  Specifier: file:///m/text.wasm");
  // Deno's words, then V8's reason.
  CHECK(import_outcome(worker, "file:///m/invalid.wasm")
            .starts_with("TypeError: Failed to compile Wasm module 'file:///m/invalid.wasm': "
                         "Compiling function #0 failed:"));
  CHECK(import_outcome(worker, "file:///m/missing.wasm") ==
        "SyntaxError: The requested module './env.js' does not provide an export named 'nosuch'");
  auto linked = import_outcome(worker, "file:///m/wrong_kind.wasm");
  CHECK(linked.starts_with("LinkError: WebAssembly.Instance(): Import #0 "));
  CHECK(linked.ends_with("function import requires a callable"));
  CHECK(import_outcome(worker, "file:///m/unresolved.wasm") ==
        "TypeError: Module not found \"file:///m/gone.js\"\n    at file:///m/unresolved.wasm");
  // Statically imported: named with the importing module.
  CHECK(import_outcome(worker, "file:///m/main.js") ==
        "TypeError: The Wasm module could not be parsed: not a Wasm module\n"
        "  Specifier: file:///m/text.wasm\n    at file:///m/main.js");
}

TEST_CASE("runtime::ModuleLoader Wasm modules: the memory budget limits their size") {
  // A valid module of ~40 MB (one custom section) against a 32 MB worker.
  auto big = module_of(section(0, name("pad") + std::string(std::size_t{40} << 20, '\0')));
  Files files = {{"file:///m/big.wasm", big}};
  auto worker = worker_of(files, 32);
  auto outcome = import_outcome(worker, "file:///m/big.wasm");
  CHECK(outcome.starts_with("TypeError: Module \"file:///m/big.wasm\" ("));
  CHECK(outcome.ends_with("bytes) is larger than the worker's remaining memory"));
}

TEST_SUITE_END();
