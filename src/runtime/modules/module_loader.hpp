#pragma once

#include "runtime/modules/module_source.hpp"
#include "runtime/modules/source_map.hpp"

#include <v8.h>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace runtime {

// ES module loading for one isolate: resolves specifiers through a ModuleResolver, fetches
// sources through a ModuleSourceProvider, transpiles, compiles, and keeps every module by
// URL. Loading a graph is synchronous; V8 then instantiates it through resolve_callback().
class ModuleLoader {
 public:
  // `max_bytes()`: the largest source the worker's memory budget still allows.
  ModuleLoader(v8::Isolate* isolate, ModuleResolver& resolver, ModuleSourceProvider& provider,
               std::function<std::size_t()> max_bytes);

  // Loads `url` and everything it imports statically, then instantiates it. Returns an
  // empty handle with a pending exception (a JS Error naming the problem) on failure.
  v8::MaybeLocal<v8::Module> load(v8::Local<v8::Context> context, const std::string& url);

  // Resolves `specifier` as imported by the module at `referrer`; throws util::Error.
  std::string resolve(const std::string& specifier, const std::string& referrer) const;

  // The URL a compiled module was loaded from ("" when unknown).
  std::string url_of(v8::Local<v8::Module> module) const;

  // Maps a generated position of a transpiled module back to its source.
  std::optional<SourceMap::Position> original_position(const std::string& url, int line,
                                                       int column) const;

  static v8::MaybeLocal<v8::Module> resolve_callback(v8::Local<v8::Context> context,
                                                     v8::Local<v8::String> specifier,
                                                     v8::Local<v8::FixedArray> assertions,
                                                     v8::Local<v8::Module> referrer);

 private:
  struct Record {
    std::string url;
    v8::Global<v8::Module> module;
    std::string json;  // the text of a JSON module, parsed when it is evaluated
    std::unordered_map<std::string, std::string> resolved;  // specifier -> URL
  };

  // Compiles `url` and, depth first, its static imports; throws util::Error.
  v8::Local<v8::Module> compile_graph(v8::Local<v8::Context> context, const std::string& url);
  v8::Local<v8::Module> compile_one(v8::Local<v8::Context> context, const std::string& url);
  std::string describe_syntax_error(v8::Local<v8::Context> context, const std::string& url,
                                    const v8::TryCatch& try_catch) const;
  Record* record_of(v8::Local<v8::Module> module);
  static v8::MaybeLocal<v8::Value> evaluate_json(v8::Local<v8::Context> context,
                                                 v8::Local<v8::Module> module);

  v8::Isolate* m_isolate;
  ModuleResolver& m_resolver;
  ModuleSourceProvider& m_provider;
  std::function<std::size_t()> m_max_bytes;
  std::unordered_map<std::string, Record> m_by_url;
  std::unordered_multimap<int, std::string> m_by_hash;  // identity hash -> URL
  std::unordered_map<std::string, SourceMap> m_source_maps;
};

// The loader serving `isolate`, found through the isolate's embedder data.
ModuleLoader& loader_of(v8::Isolate* isolate);

}  // namespace runtime
