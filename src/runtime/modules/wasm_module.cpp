// Reading a Wasm module's imports and exports from its binary form, and the JavaScript
// module that stands in for it. Only the framing is read here (sections, the import and
// export entries); V8 validates the rest when it compiles the bytes. The messages are those
// of Deno's reader (denoland/wasm_dep_analyzer), so a broken module fails in Deno's words.
#include "runtime/modules/wasm_module.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace runtime {
namespace {

// Thrown inside the reader with the reason alone; read_wasm_interface adds the rest.
struct Malformed {
  std::string reason;
};

std::string hex(std::uint8_t byte) {
  char text[4];
  std::snprintf(text, sizeof text, "%X", byte);
  return text;
}

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF), as Wasm names must be.
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The sequence's length, smallest code point and the lead byte's payload.
    std::size_t extra = 0;
    std::uint32_t min = 0;
    std::uint32_t code = 0;
    if ((lead & 0xE0) == 0xC0) {
      extra = 1;
      min = 0x80;
      code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2;
      min = 0x800;
      code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3;
      min = 0x10000;
      code = lead & 0x07;
    } else {
      return false;
    }
    if (extra >= text.size() - i) {
      return false;  // cut off
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) {
        return false;
      }
      code = (code << 6) | (next & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : m_bytes(bytes) {}

  bool done() const { return m_pos == m_bytes.size(); }

  std::uint8_t byte() {
    if (done()) {
      throw Malformed{"unexpected end of file"};
    }
    return static_cast<std::uint8_t>(m_bytes[m_pos++]);
  }

  std::string_view take(std::size_t size) {
    if (size > m_bytes.size() - m_pos) {
      throw Malformed{"unexpected end of file"};
    }
    auto out = m_bytes.substr(m_pos, size);
    m_pos += size;
    return out;
  }

  // LEB128, unsigned, at most `bits` wide (u32 and u64 in the spec).
  std::uint64_t leb(unsigned bits = 32) {
    std::uint64_t value = 0;
    for (unsigned shift = 0;; shift += 7) {
      auto b = byte();
      if (shift >= bits || (shift + 7 > bits && (b & 0x7F) >> (bits - shift) != 0)) {
        throw Malformed{"integer overflow"};
      }
      value |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }

  // A signed LEB128 of up to 33 bits (a heap type); only skipped.
  void skip_s33() {
    for (unsigned shift = 0;; shift += 7) {
      if (shift >= 35) {
        throw Malformed{"integer overflow"};
      }
      if ((byte() & 0x80) == 0) {
        return;
      }
    }
  }

  std::string name() {
    auto text = take(leb());
    if (!valid_utf8(text)) {
      throw Malformed{"invalid utf-8"};
    }
    return std::string(text);
  }

  // A value or reference type: one byte, or (ref null? <heap type>) with its heap type.
  void skip_value_type() {
    auto type = byte();
    if (type == 0x63 || type == 0x64) {
      skip_s33();
    }
  }

  // Limits: a flags byte (bit 0: has a maximum; bit 2: 64-bit memory), the minimum and
  // maybe the maximum.
  void skip_limits() {
    auto flags = byte();
    unsigned bits = (flags & 0x04) != 0 ? 64 : 32;
    leb(bits);
    if ((flags & 0x01) != 0) {
      leb(bits);
    }
  }

 private:
  std::string_view m_bytes;
  std::size_t m_pos = 0;
};

WasmImport read_import(Reader& in) {
  WasmImport import;
  import.module = in.name();
  import.name = in.name();
  auto kind = in.byte();
  switch (kind) {
    case 0x00:  // a function: its type index
      in.leb();
      break;
    case 0x01:  // a table: its element type and limits
      in.skip_value_type();
      in.skip_limits();
      break;
    case 0x02:  // a memory: its limits
      in.skip_limits();
      break;
    case 0x03: {  // a global: its value type and mutability
      in.skip_value_type();
      auto mutability = in.byte();
      if (mutability > 1) {
        throw Malformed{"invalid mutability flag '" + hex(mutability) + "'"};
      }
      break;
    }
    case 0x04: {  // a tag: its attribute (0: an exception) and type index
      auto attribute = in.byte();
      if (attribute != 0) {
        throw Malformed{"unknown attribute '" + hex(attribute) + "'"};
      }
      in.leb();
      break;
    }
    default:
      throw Malformed{"unknown import type '" + hex(kind) + "'"};
  }
  import.kind = static_cast<WasmExternKind>(kind);
  return import;
}

WasmExport read_export(Reader& in) {
  WasmExport out;
  out.name = in.name();
  auto kind = in.byte();
  in.leb();  // the index in its kind's index space
  out.kind = kind <= 0x04 ? static_cast<WasmExternKind>(kind) : WasmExternKind::unknown;
  return out;
}

template <typename Entry>
std::vector<Entry> read_vector(std::string_view section, Entry (*read)(Reader&)) {
  Reader in(section);
  auto count = in.leb();
  std::vector<Entry> entries;
  // Each entry takes at least three bytes: no reservation past what the section can hold.
  entries.reserve(std::min<std::uint64_t>(count, section.size() / 3));
  for (std::uint64_t i = 0; i < count; ++i) {
    entries.push_back(read(in));
  }
  return entries;
}

// `text` as a JavaScript string literal.
std::string js_string(std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7F) {
      out += "\\u00";
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

WasmInterface read_wasm_interface(std::string_view bytes, const std::string& url) {
  try {
    Reader in(bytes);
    if (bytes.substr(0, 4) != std::string_view("\0asm", 4)) {
      throw Malformed{"not a Wasm module"};
    }
    in.take(4);
    auto version = in.take(4);
    std::uint32_t number = 0;
    for (int i = 3; i >= 0; --i) {
      number = (number << 8) | static_cast<unsigned char>(version[i]);
    }
    if (number != 1) {
      throw Malformed{"unsupported Wasm version: " + std::to_string(number)};
    }
    WasmInterface wasm;
    bool imports_read = false;
    bool exports_read = false;
    // Every section's framing is checked, not only the two read: a module cut off after its
    // exports is as broken as one cut off before.
    while (!in.done()) {
      auto id = in.byte();
      auto section = in.take(in.leb());
      if (id == 2 && !imports_read) {
        wasm.imports = read_vector(section, read_import);
        imports_read = true;
      } else if (id == 7 && !exports_read) {
        wasm.exports = read_vector(section, read_export);
        exports_read = true;
      }
    }
    return wasm;
  } catch (const Malformed& error) {
    throw util::Error("The Wasm module could not be parsed: " + error.reason +
                      "\n  Specifier: " + url);
  }
}

std::vector<std::string> wasm_import_modules(const WasmInterface& wasm) {
  std::vector<std::string> modules;
  for (const auto& import : wasm.imports) {
    if (std::find(modules.begin(), modules.end(), import.module) == modules.end()) {
      modules.push_back(import.module);
    }
  }
  return modules;
}

std::string wasm_module_wrapper(const WasmInterface& wasm) {
  // The local names (import_<module>_<n>, as Deno names them, since a cycle's
  // ReferenceError quotes them; x<module>, e<n>) cannot clash with the Wasm names, which
  // appear only as string literals.
  auto modules = wasm_import_modules(wasm);
  // Each module's imports, in order, in one pass (a module may have thousands).
  std::map<std::string_view, std::vector<const WasmImport*>> by_module;
  for (const auto& import : wasm.imports) {
    by_module[import.module].push_back(&import);
  }
  std::string code;
  std::string linked;  // `const x<m> = ...` for modules that globals are imported from
  std::string imports_object = "{\n";
  for (std::size_t m = 0; m < modules.size(); ++m) {
    auto module = js_string(modules[m]);
    auto exports = "x" + std::to_string(m);
    std::string names;
    bool has_global = false;
    imports_object += "  " + module + ": {\n";
    const auto& imports = by_module[modules[m]];
    for (std::size_t n = 0; n < imports.size(); ++n) {
      auto local = "import_" + std::to_string(m) + "_" + std::to_string(n);
      auto name = js_string(imports[n]->name);
      names += (names.empty() ? "" : ", ") + name + " as " + local;
      imports_object += "    " + name + ": ";
      if (imports[n]->kind == WasmExternKind::global) {
        // The exporting Wasm module's own WebAssembly.Global when it has been instantiated
        // (a mutable global cannot be linked from a plain number); else the JS value.
        has_global = true;
        imports_object +=
            exports + " === undefined ? " + local + " : " + exports + "[" + name + "]";
      } else {
        imports_object += local;
      }
      imports_object += ",\n";
    }
    imports_object += "  },\n";
    code += "import { " + names + " } from " + module + ";\n";
    if (has_global) {
      linked += "const " + exports + " = import.meta.wasmExportsOf(" + module + ");\n";
    }
  }
  imports_object += "}";
  code += linked + "const instance = import.meta.wasmInstantiate(" + imports_object + ");\n";
  bool has_global_export =
      std::any_of(wasm.exports.begin(), wasm.exports.end(),
                  [](const WasmExport& e) { return e.kind == WasmExternKind::global; });
  if (has_global_export) {
    code +=
        "const unwrap = (global) => { try { return global.value; } catch { return global; } };\n";
  }
  for (std::size_t e = 0; e < wasm.exports.size(); ++e) {
    const auto& out = wasm.exports[e];
    auto local = "e" + std::to_string(e);
    auto name = js_string(out.name);
    auto value = "instance[" + name + "]";
    if (out.kind == WasmExternKind::global) {
      value = "unwrap(" + value + ")";
    }
    code += "const " + local + " = " + value + ";\nexport { " + local + " as " + name + " };\n";
  }
  return code;
}

}  // namespace runtime
