#include "runtime/tools.hpp"

#include "versions.hpp"

#include "runtime/modules/transpiler.hpp"
#include "util/checked_file.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <nlohmann/json.hpp>

namespace runtime {

std::string compiler_tool(const std::string& name, const std::string& args_json) {
  return Transpiler::instance().call_tool(name, args_json);
}

std::vector<ModuleImport> module_imports(const std::string& code) {
  // Cached on disk by content, like transpiled code: with a warm cache a function boots
  // without the compiler isolate (creating it costs ~30 ms on a first boot).
  auto key = util::sha256_hex(std::string("sbfn-imports-1;es-module-lexer-") +
                              versions::es_module_lexer + "\n" + code);
  auto file = util::cache_dir() / "imports" / key.substr(0, 2) / (key + ".json");
  // Checked: a damaged entry is made again rather than parsed (tests/faults).
  auto text = util::read_checked_file(file);
  if (!text) {
    text = compiler_tool("moduleImports", nlohmann::json::array({code}).dump());
    try {
      util::write_checked_file(file, *text);
    } catch (const std::exception&) {  // a read-only cache only costs speed
    }
  }
  auto result = nlohmann::json::parse(*text);
  std::vector<ModuleImport> out;
  for (const auto& entry : result) {
    out.push_back({entry.at("specifier").get<std::string>(), entry.at("dynamic").get<bool>(),
                   entry.at("typeOnly").get<bool>(), entry.at("line").get<int>()});
  }
  return out;
}

std::string transpile_module(const std::string& url, const std::string& code, MediaType type) {
  return Transpiler::instance().transpile(url, code, type).code;
}

std::string transpiled_source_map(const std::string& url, const std::string& code, MediaType type) {
  auto map = Transpiler::instance().transpile(url, code, type).source_map;
  if (map.empty()) {
    return map;
  }
  // The transpile cache is keyed by content: the map may name the first file that had it
  // (in "sources" and "file").
  auto json = nlohmann::json::parse(map);
  json["sources"] = nlohmann::json::array({url});
  if (json.contains("file")) {
    json["file"] = url;
  }
  return json.dump();
}

std::string module_code_cache(const std::string& url, const std::string& code) {
  return Transpiler::instance().module_code_cache(url, code);
}

CjsExports cjs_exports(const std::string& code) {
  auto result =
      nlohmann::json::parse(compiler_tool("cjsExports", nlohmann::json::array({code}).dump()));
  return {result.at("exports").get<std::vector<std::string>>(),
          result.at("reexports").get<std::vector<std::string>>()};
}

}  // namespace runtime
