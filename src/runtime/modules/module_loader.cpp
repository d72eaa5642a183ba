#include "runtime/modules/module_loader.hpp"

#include "runtime/modules/synthetic_steps.hpp"
#include "runtime/modules/transpiler.hpp"
#include "runtime/runtime.hpp"
#include "runtime/v8_util.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <climits>

namespace runtime {
namespace {

std::atomic<std::size_t> g_code_caches_accepted{0};
std::atomic<std::size_t> g_code_caches_rejected{0};

void count_code_cache(bool accepted) {
  (accepted ? g_code_caches_accepted : g_code_caches_rejected)
      .fetch_add(1, std::memory_order_relaxed);
}

std::string parse_failure(const std::string& reason) {
  return "The module's source code could not be parsed: " + reason;
}

constexpr int k_loader_slot = 1;

// Deno.errors.PermissionDenied when the global still offers it (functions test with
// instanceof), else an Error with that name.
v8::Local<v8::Value> permission_denied(v8::Local<v8::Context> context, const std::string& message) {
  auto* isolate = context->GetIsolate();
  auto text = v8_str(isolate, message);
  v8::Local<v8::Value> deno;
  v8::Local<v8::Value> errors;
  v8::Local<v8::Value> cls;
  v8::Local<v8::Object> error;
  v8::TryCatch ignore(isolate);
  if (context->Global()->Get(context, v8_str(isolate, "Deno")).ToLocal(&deno) && deno->IsObject() &&
      deno.As<v8::Object>()->Get(context, v8_str(isolate, "errors")).ToLocal(&errors) &&
      errors->IsObject() &&
      errors.As<v8::Object>()->Get(context, v8_str(isolate, "PermissionDenied")).ToLocal(&cls) &&
      cls->IsFunction()) {
    v8::Local<v8::Value> args[] = {text};
    if (cls.As<v8::Function>()->NewInstance(context, 1, args).ToLocal(&error)) {
      return error;
    }
  }
  error = v8::Exception::Error(text).As<v8::Object>();
  std::ignore = error->Set(context, v8_str(isolate, "name"), v8_str(isolate, "PermissionDenied"));
  return error;
}

// The transpiler's map made whole for a debugger: its one source is the module's own URL
// with the original text inside (a frontend cannot read file: URLs itself), as a data:
// URL. Empty when the map is not JSON.
std::string debugger_source_map_url(const std::string& url, const std::string& original,
                                    const std::string& map_json) {
  auto map = nlohmann::json::parse(map_json, nullptr, false);
  if (!map.is_object()) {
    return {};
  }
  map.erase("sourceRoot");
  map["sources"] = nlohmann::json::array({url});
  map["sourcesContent"] = nlohmann::json::array({original});
  return "data:application/json;charset=utf-8;base64," + util::base64_encode(map.dump());
}

}  // namespace

CodeCacheCounts code_cache_counts() {
  return {g_code_caches_accepted.load(), g_code_caches_rejected.load()};
}

ModuleLoader::ModuleLoader(v8::Isolate* isolate, ModuleResolver& resolver,
                           ModuleSourceProvider& provider, std::function<std::size_t()> max_bytes)
    : m_isolate(isolate),
      m_resolver(resolver),
      m_provider(provider),
      m_max_bytes(std::move(max_bytes)) {
  m_isolate->SetData(k_loader_slot, this);
}

ModuleLoader& loader_of(v8::Isolate* isolate) {
  return *static_cast<ModuleLoader*>(isolate->GetData(k_loader_slot));
}

v8::MaybeLocal<v8::Module> ModuleLoader::load(v8::Local<v8::Context> context,
                                              const std::string& url) {
  v8::EscapableHandleScope scope(m_isolate);
  v8::Local<v8::Module> module;
  try {
    module = compile_graph(context, url);
  } catch (const PendingJsException&) {
    return {};
  } catch (const ParseError& error) {
    m_isolate->ThrowException(v8::Exception::SyntaxError(v8_str(m_isolate, error.message)));
    return {};
  } catch (const ModuleAccessDenied& error) {
    m_isolate->ThrowException(permission_denied(context, error.what()));
    return {};
  } catch (const std::exception& error) {
    m_isolate->ThrowException(v8::Exception::TypeError(v8_str(m_isolate, error.what())));
    return {};
  }
  if (module->GetStatus() == v8::Module::kUninstantiated &&
      !module->InstantiateModule(context, resolve_callback).FromMaybe(false)) {
    return {};
  }
  return scope.Escape(module);
}

std::string ModuleLoader::resolve(const std::string& specifier, const std::string& referrer,
                                  ResolutionKind kind) const {
  return m_resolver.resolve(specifier, referrer, kind);
}

v8::Local<v8::Module> ModuleLoader::compile_graph(v8::Local<v8::Context> context,
                                                  const std::string& url) {
  if (auto it = m_by_url.find(url); it != m_by_url.end()) {
    return it->second.module.Get(m_isolate);
  }
  auto module = compile_one(context, url);
  auto requests = module->GetModuleRequests();
  for (int i = 0; i < requests->Length(); ++i) {
    auto request = requests->Get(context, i).As<v8::ModuleRequest>();
    auto specifier = to_utf8(m_isolate, request->GetSpecifier());
    std::string target;
    try {
      target = resolve(specifier, url);
    } catch (const util::Error& error) {
      throw util::Error(error.what());
    }
    m_by_url[url].resolved[specifier] = target;
    // Name the importing module once, at the innermost failure.
    auto with_importer = [&](const util::Error& error) {
      std::string message = error.what();
      if (message.find("\n    at ") == std::string::npos) {
        message += "\n    at " + url;
      }
      return message;
    };
    try {
      compile_graph(context, target);
    } catch (const ModuleAccessDenied& error) {
      throw ModuleAccessDenied(with_importer(error));
    } catch (const util::Error& error) {
      throw util::Error(with_importer(error));
    }
  }
  return module;
}

v8::Local<v8::Module> ModuleLoader::compile_one(v8::Local<v8::Context> context,
                                                const std::string& url) {
  auto type = media_type_of(url);
  Record record;
  record.url = url;
  v8::Local<v8::Module> module;
  if (url.rfind("node:", 0) == 0) {
    module = compile_builtin(context, url, record);
  } else if (type == MediaType::declaration) {
    // Types only (`import "jsr:@supabase/functions-js/edge-runtime.d.ts"`): an empty
    // module, and no fetch at all.
    v8::ScriptOrigin origin(m_isolate, v8_str(m_isolate, url), 0, 0, false, -1, {}, false, false,
                            true);
    v8::ScriptCompiler::Source source(v8_str(m_isolate, ""), origin);
    module = v8::ScriptCompiler::CompileModule(m_isolate, &source).ToLocalChecked();
  } else {
    auto loaded = m_provider.load(url, m_max_bytes());
    // The provider knows better than the extension: a `.js` file of a CommonJS package.
    type = loaded.media_type;
    if (type == MediaType::commonjs || type == MediaType::commonjs_typescript) {
      module = compile_commonjs(context, url, std::move(loaded), record);
    } else if (type == MediaType::wasm) {
      module = compile_wasm(context, url, loaded, record);
    } else if (type == MediaType::json) {
      std::vector<v8::Local<v8::String>> exports = {v8_str(m_isolate, "default")};
      module = v8::Module::CreateSyntheticModule(m_isolate, v8_str(m_isolate, url), exports,
                                                 evaluate_json);
      record.json = std::move(loaded.code);
    } else {
      Transpiled transpiled;
      try {
        transpiled = Transpiler::instance().transpile(url, loaded.code, type);
      } catch (const util::Error& error) {
        throw ParseError{error.what()};
      }
      v8::Local<v8::Value> source_map_url;
      if (!transpiled.source_map.empty()) {
        m_source_maps.emplace(url, SourceMap::parse(transpiled.source_map));
        if (m_debugger_source_maps) {
          if (auto data_url = debugger_source_map_url(url, loaded.code, transpiled.source_map);
              !data_url.empty()) {
            source_map_url = v8_str(m_isolate, data_url);
          }
        }
      }
      v8::ScriptOrigin origin(m_isolate, v8_str(m_isolate, url), 0, 0, false, -1, source_map_url,
                              false, false, true);
      v8::Local<v8::String> code;
      if (!new_string(m_isolate, transpiled.code).ToLocal(&code)) {
        throw PendingJsException{};
      }
      // Source owns the CachedData; the bytes stay loaded.code_cache's.
      auto* cache = loaded.code_cache.empty() || loaded.code_cache.size() > INT_MAX
                        ? nullptr
                        : new v8::ScriptCompiler::CachedData(
                              reinterpret_cast<const uint8_t*>(loaded.code_cache.data()),
                              static_cast<int>(loaded.code_cache.size()));
      v8::ScriptCompiler::Source source(code, origin, cache);
      v8::TryCatch try_catch(m_isolate);
      auto options =
          cache ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions;
      if (!v8::ScriptCompiler::CompileModule(m_isolate, &source, options).ToLocal(&module)) {
        throw ParseError{parse_failure(describe_syntax_error(context, url, try_catch))};
      }
      if (cache) {
        count_code_cache(!source.GetCachedData()->rejected);
      }
    }
  }
  record.module.Reset(m_isolate, module);
  m_by_hash.emplace(module->GetIdentityHash(), url);
  m_by_url.emplace(url, std::move(record));
  return module;
}

// "Unexpected token '='" + " at file:///f.ts:2:11", the position in the original source.
std::string ModuleLoader::describe_syntax_error(v8::Local<v8::Context> context,
                                                const std::string& url,
                                                const v8::TryCatch& try_catch) const {
  std::string reason;
  auto exception = try_catch.Exception();
  v8::Local<v8::Value> message_value;
  if (exception->IsObject() && exception.As<v8::Object>()
                                   ->Get(context, v8_str(m_isolate, "message"))
                                   .ToLocal(&message_value)) {
    reason = to_utf8(m_isolate, message_value);
  } else {
    reason = to_utf8(m_isolate, exception);
  }
  auto message = try_catch.Message();
  if (message.IsEmpty()) {
    return reason + " at " + url;
  }
  int line = message->GetLineNumber(context).FromMaybe(0);
  int column = message->GetStartColumn(context).FromMaybe(0) + 1;
  if (auto original = original_position(url, line, column)) {
    line = original->line;
    column = original->column;
  }
  return reason + " at " + url + ":" + std::to_string(line) + ":" + std::to_string(column);
}

ModuleLoader::Record* ModuleLoader::record_of(v8::Local<v8::Module> module) {
  auto range = m_by_hash.equal_range(module->GetIdentityHash());
  for (auto it = range.first; it != range.second; ++it) {
    auto& record = m_by_url.at(it->second);
    if (record.module.Get(m_isolate) == module) {
      return &record;
    }
  }
  return nullptr;
}

std::string ModuleLoader::url_of(v8::Local<v8::Module> module) const {
  auto* self = const_cast<ModuleLoader*>(this);
  auto* record = self->record_of(module);
  return record ? record->url : std::string();
}

std::optional<SourceMap::Position> ModuleLoader::original_position(const std::string& url, int line,
                                                                   int column) const {
  auto it = m_source_maps.find(url);
  if (it == m_source_maps.end()) {
    return std::nullopt;
  }
  return it->second.original(line, column);
}

std::optional<std::string> ModuleLoader::source_line(const std::string& url, int line) const {
  // Only modules this worker loaded: error reports point at them, nothing else is read.
  if (line < 1 || (!m_by_url.count(url) && !m_commonjs_sources.count(url))) {
    return std::nullopt;
  }
  std::string code;
  try {
    code = m_provider.load(url, m_max_bytes()).code;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::size_t start = 0;
  for (int i = 1; i < line; ++i) {
    start = code.find('\n', start);
    if (start == std::string::npos) {
      return std::nullopt;
    }
    ++start;
  }
  auto stop = code.find('\n', start);
  auto text = code.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
  if (!text.empty() && text.back() == '\r') {
    text.pop_back();
  }
  return text;
}

v8::MaybeLocal<v8::Module> ModuleLoader::resolve_callback(v8::Local<v8::Context> context,
                                                          v8::Local<v8::String> specifier,
                                                          v8::Local<v8::FixedArray> assertions,
                                                          v8::Local<v8::Module> referrer) {
  auto* isolate = context->GetIsolate();
  auto& loader = loader_of(isolate);
  auto* record = loader.record_of(referrer);
  auto name = to_utf8(isolate, specifier);
  if (record) {
    if (auto it = record->resolved.find(name); it != record->resolved.end()) {
      if (auto target = loader.m_by_url.find(it->second); target != loader.m_by_url.end()) {
        return target->second.module.Get(isolate);
      }
    }
  }
  throw_type_error(isolate, "Module not loaded: " + name);
  return {};
}

v8::MaybeLocal<v8::Value> ModuleLoader::evaluate_json(v8::Local<v8::Context> context,
                                                      v8::Local<v8::Module> module) {
  auto* isolate = context->GetIsolate();
  return run_synthetic_steps(isolate, [&] {
    auto* record = loader_of(isolate).record_of(module);
    v8::Local<v8::String> text;
    v8::Local<v8::Value> value;
    return new_string(isolate, record->json).ToLocal(&text) &&
           v8::JSON::Parse(context, text).ToLocal(&value) &&
           module->SetSyntheticModuleExport(isolate, v8_str(isolate, "default"), value).IsJust();
  });
}

}  // namespace runtime
