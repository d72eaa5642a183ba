// CommonJS modules and node: built-ins in the module loader. `require` itself (the module
// cache, cycles, require.resolve) is JavaScript (js/node/module.js); this file gives it
// compiled module wrappers, and gives importers synthetic modules whose exports come from
// it: `import x from "./a.cjs"` runs the module through `require`, as Node and Deno do.
#include "runtime/modules/module_loader.hpp"
#include "runtime/modules/synthetic_steps.hpp"
#include "runtime/modules/transpiler.hpp"
#include "runtime/tools.hpp"
#include "runtime/v8_util.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <array>
#include <climits>

namespace runtime {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string path_of(const std::string& url) {
  return url.rfind("file:", 0) == 0 ? file_url_to_path(url) : url;
}

// The messages V8 gives for ES module syntax in a CommonJS wrapper: Node's list
// (lib/internal/modules/helpers.js), by which `require` of a `.js` file with `import` or
// `export` loads it as an ES module instead.
bool is_esm_syntax_error(const std::string& message) {
  static constexpr std::array<std::string_view, 4> k_messages = {
      "Cannot use import statement outside a module",
      "Unexpected token 'export'",
      "Cannot use 'import.meta' outside a module",
      "await is only valid in async functions and the top level bodies of modules",
  };
  return std::any_of(k_messages.begin(), k_messages.end(),
                     [&](std::string_view m) { return message.find(m) != std::string::npos; });
}

// An Error whose `code` is `code` (Node's error codes, which packages test).
v8::Local<v8::Value> error_with_code(v8::Isolate* isolate, const std::string& message,
                                     const char* code) {
  auto error = v8::Exception::Error(v8_str(isolate, message)).As<v8::Object>();
  std::ignore =
      error->Set(isolate->GetCurrentContext(), v8_str(isolate, "code"), v8_str(isolate, code));
  return error;
}

}  // namespace

void ModuleLoader::set_node_hooks(v8::Local<v8::Function> builtin,
                                  v8::Local<v8::Function> require_url) {
  m_builtin_hook.Reset(m_isolate, builtin);
  m_require_hook.Reset(m_isolate, require_url);
}

v8::Local<v8::Object> ModuleLoader::builtin_exports(v8::Local<v8::Context> context,
                                                    const std::string& name) {
  v8::Local<v8::Value> exports;
  if (!m_builtin_hook.IsEmpty()) {
    v8::Local<v8::Value> args[] = {v8_str(m_isolate, name)};
    if (!m_builtin_hook.Get(m_isolate)
             ->Call(context, context->Global(), 1, args)
             .ToLocal(&exports)) {
      throw PendingJsException{};
    }
  }
  if (exports.IsEmpty() || !exports->IsObject()) {
    if (is_node_builtin(name)) {
      throw util::Error("Node built-in module \"node:" + name + "\" is not available in sbfn yet");
    }
    throw util::Error("No such built-in module: node:" + name);
  }
  return exports.As<v8::Object>();
}

v8::Local<v8::Module> ModuleLoader::compile_builtin(v8::Local<v8::Context> context,
                                                    const std::string& url, Record& record) {
  auto exports = builtin_exports(context, url.substr(5));
  // Node's rule for built-ins imported from ESM: the default export is the exports object,
  // and every own enumerable key is a named export too.
  v8::Local<v8::Array> keys;
  if (!exports->GetOwnPropertyNames(context).ToLocal(&keys)) {
    throw PendingJsException{};
  }
  std::vector<v8::Local<v8::String>> names = {v8_str(m_isolate, "default")};
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    v8::Local<v8::Value> key;
    if (!keys->Get(context, i).ToLocal(&key) || !key->IsString()) {
      continue;
    }
    auto name = to_utf8(m_isolate, key);
    if (name != "default") {
      record.names.push_back(name);
      names.push_back(key.As<v8::String>());
    }
  }
  record.builtin = true;
  return v8::Module::CreateSyntheticModule(m_isolate, v8_str(m_isolate, url), names,
                                           evaluate_synthetic);
}

std::string ModuleLoader::commonjs_code(const std::string& url, const ModuleSource& loaded) {
  auto type = loaded.media_type;
  if (type == MediaType::commonjs || type == MediaType::javascript) {
    return loaded.code;  // CommonJS runs as written: no import attributes to rewrite
  }
  auto kind = type == MediaType::commonjs_typescript ? MediaType::typescript : type;
  Transpiled transpiled;
  try {
    transpiled = Transpiler::instance().transpile(url, loaded.code, kind);
  } catch (const util::Error& error) {
    throw ParseError{error.what()};
  }
  if (!transpiled.source_map.empty()) {
    m_source_maps.insert_or_assign(url, SourceMap::parse(transpiled.source_map));
  }
  return transpiled.code;
}

v8::Local<v8::Module> ModuleLoader::compile_commonjs(v8::Local<v8::Context> context,
                                                     const std::string& url, ModuleSource loaded,
                                                     Record& record) {
  auto code = commonjs_code(url, loaded);
  std::vector<std::string> visited;
  collect_commonjs_names(context, url, code, record.names, visited);
  // As Deno does: the default export is module.exports, and so is "module.exports".
  std::vector<v8::Local<v8::String>> names = {v8_str(m_isolate, "default"),
                                              v8_str(m_isolate, "module.exports")};
  std::erase_if(record.names, [](const std::string& name) {
    return name == "default" || name == "module.exports";
  });
  for (const auto& name : record.names) {
    names.push_back(v8_str(m_isolate, name));
  }
  m_commonjs_sources.insert_or_assign(
      url, CommonJsSource{std::move(code), std::move(loaded.code_cache), loaded.media_type});
  return v8::Module::CreateSyntheticModule(m_isolate, v8_str(m_isolate, url), names,
                                           evaluate_synthetic);
}

void ModuleLoader::collect_commonjs_names(v8::Local<v8::Context> context, const std::string& url,
                                          const std::string& code, std::vector<std::string>& names,
                                          std::vector<std::string>& visited) {
  if (std::find(visited.begin(), visited.end(), url) != visited.end()) {
    return;
  }
  visited.push_back(url);
  CjsExports found;
  try {
    found = cjs_exports(code);
  } catch (const util::Error&) {
    return;  // the lexer gave up: only the default export (Node does the same)
  }
  for (auto& name : found.names) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(std::move(name));
    }
  }
  for (const auto& specifier : found.reexports) {
    // Node follows a re-export only when it resolves; one that does not is skipped.
    try {
      auto bare = specifier.rfind("node:", 0) == 0 ? specifier.substr(5) : specifier;
      if (specifier.rfind("node:", 0) == 0 || is_node_builtin(bare)) {
        auto exports = builtin_exports(context, bare);
        v8::Local<v8::Array> keys;
        if (exports->GetOwnPropertyNames(context).ToLocal(&keys)) {
          for (uint32_t i = 0; i < keys->Length(); ++i) {
            auto name = to_utf8(m_isolate, keys->Get(context, i).ToLocalChecked());
            if (std::find(names.begin(), names.end(), name) == names.end()) {
              names.push_back(name);
            }
          }
        }
        continue;
      }
      auto target = resolve(specifier, url, ResolutionKind::require);
      auto type = media_type_of(target);
      if (type == MediaType::json || ends_with(path_of(target), ".mjs")) {
        continue;
      }
      std::string target_code;
      if (auto it = m_commonjs_sources.find(target); it != m_commonjs_sources.end()) {
        target_code = it->second.code;
      } else {
        auto loaded = m_provider.load(target, m_max_bytes());
        if (loaded.media_type == MediaType::json) {
          continue;
        }
        target_code = commonjs_code(target, loaded);
        m_commonjs_sources.emplace(
            target, CommonJsSource{target_code, loaded.code_cache, loaded.media_type});
      }
      collect_commonjs_names(context, target, target_code, names, visited);
    } catch (const PendingJsException&) {
      throw;
    } catch (const ParseError&) {
      continue;  // reported when the module itself runs
    } catch (const std::exception&) {
      continue;
    }
  }
}

v8::MaybeLocal<v8::Value> ModuleLoader::evaluate_synthetic(v8::Local<v8::Context> context,
                                                           v8::Local<v8::Module> module) {
  auto* isolate = context->GetIsolate();
  return run_synthetic_steps(isolate, [&] {
    auto& loader = loader_of(isolate);
    auto* record = loader.record_of(module);
    v8::Local<v8::Value> exports;
    if (record->builtin) {
      try {
        exports = loader.builtin_exports(context, record->url.substr(5));
      } catch (const PendingJsException&) {
        return false;
      } catch (const std::exception& error) {
        isolate->ThrowException(v8::Exception::TypeError(v8_str(isolate, error.what())));
        return false;
      }
    } else {
      v8::Local<v8::Value> args[] = {v8_str(isolate, record->url)};
      if (!loader.m_require_hook.Get(isolate)
               ->Call(context, context->Global(), 1, args)
               .ToLocal(&exports)) {
        return false;
      }
      // Left unread when `require` had already run the module (its cache answered).
      loader.m_commonjs_sources.erase(record->url);
      if (module->SetSyntheticModuleExport(isolate, v8_str(isolate, "module.exports"), exports)
              .IsNothing()) {
        return false;
      }
    }
    if (module->SetSyntheticModuleExport(isolate, v8_str(isolate, "default"), exports)
            .IsNothing()) {
      return false;
    }
    for (const auto& name : record->names) {
      // Values are copied once, when the module is evaluated (Node and Deno do the same).
      v8::Local<v8::Value> value = v8::Undefined(isolate);
      if (exports->IsObject() &&
          !exports.As<v8::Object>()->Get(context, v8_str(isolate, name)).ToLocal(&value)) {
        return false;
      }
      if (module->SetSyntheticModuleExport(isolate, v8_str(isolate, name), value).IsNothing()) {
        return false;
      }
    }
    return true;
  });
}

v8::MaybeLocal<v8::Object> ModuleLoader::load_for_require(v8::Local<v8::Context> context,
                                                          const std::string& url) {
  v8::EscapableHandleScope scope(m_isolate);
  auto result = v8::Object::New(m_isolate);
  auto set = [&](const char* key, v8::Local<v8::Value> value) {
    std::ignore = result->Set(context, v8_str(m_isolate, key), value);
  };
  std::string code;
  std::string code_cache;
  MediaType type = media_type_of(url);
  if (auto it = m_commonjs_sources.find(url); it != m_commonjs_sources.end()) {
    code = std::move(it->second.code);
    code_cache = std::move(it->second.code_cache);
    type = it->second.media_type;
    m_commonjs_sources.erase(it);
  } else {
    ModuleSource loaded;
    try {
      loaded = m_provider.load(url, m_max_bytes());
      type = loaded.media_type;
      if (type == MediaType::json) {
        v8::Local<v8::String> text;
        if (!new_string(m_isolate, loaded.code).ToLocal(&text)) {
          return {};
        }
        set("format", v8_str(m_isolate, "json"));
        set("text", text);
        return scope.Escape(result);
      }
      auto path = path_of(url);
      // A Wasm module is an ES module to `require`, as in Deno.
      if (type == MediaType::declaration || type == MediaType::wasm || ends_with(path, ".mjs") ||
          ends_with(path, ".mts")) {
        set("format", v8_str(m_isolate, "esm"));
        return scope.Escape(result);
      }
      code = commonjs_code(url, loaded);
      code_cache = std::move(loaded.code_cache);
    } catch (const ParseError& error) {
      m_isolate->ThrowException(v8::Exception::SyntaxError(v8_str(m_isolate, error.message)));
      return {};
    } catch (const ModuleNotFound& error) {
      m_isolate->ThrowException(error_with_code(m_isolate, error.what(), "MODULE_NOT_FOUND"));
      return {};
    } catch (const ModuleAccessDenied& error) {
      m_isolate->ThrowException(error_with_code(m_isolate, error.what(), "ERR_ACCESS_DENIED"));
      return {};
    } catch (const std::exception& error) {
      m_isolate->ThrowException(v8::Exception::Error(v8_str(m_isolate, error.what())));
      return {};
    }
  }
  v8::Local<v8::String> source_text;
  if (!new_string(m_isolate, code).ToLocal(&source_text)) {
    return {};
  }
  v8::ScriptOrigin origin(m_isolate, v8_str(m_isolate, url));
  // Source owns the CachedData; the bytes stay code_cache's.
  auto* cache =
      code_cache.empty() || code_cache.size() > INT_MAX
          ? nullptr
          : new v8::ScriptCompiler::CachedData(reinterpret_cast<const uint8_t*>(code_cache.data()),
                                               static_cast<int>(code_cache.size()));
  v8::ScriptCompiler::Source source(source_text, origin, cache);
  v8::Local<v8::String> params[] = {v8_str(m_isolate, "exports"), v8_str(m_isolate, "require"),
                                    v8_str(m_isolate, "module"), v8_str(m_isolate, "__filename"),
                                    v8_str(m_isolate, "__dirname")};
  v8::TryCatch try_catch(m_isolate);
  v8::Local<v8::Function> fn;
  if (!v8::ScriptCompiler::CompileFunction(
           context, &source, 5, params, 0, nullptr,
           cache ? v8::ScriptCompiler::kConsumeCodeCache : v8::ScriptCompiler::kNoCompileOptions)
           .ToLocal(&fn)) {
    auto message = try_catch.Message();
    auto text = message.IsEmpty() ? std::string() : to_utf8(m_isolate, message->Get());
    bool may_be_esm = type != MediaType::commonjs && type != MediaType::commonjs_typescript;
    if (may_be_esm && is_esm_syntax_error(text)) {
      set("format", v8_str(m_isolate, "esm"));
      return scope.Escape(result);
    }
    try_catch.ReThrow();
    return {};
  }
  set("format", v8_str(m_isolate, "commonjs"));
  set("fn", fn);
  return scope.Escape(result);
}

v8::MaybeLocal<v8::Value> ModuleLoader::require_esm(v8::Local<v8::Context> context,
                                                    const std::string& url,
                                                    const std::string& parent_path) {
  v8::EscapableHandleScope scope(m_isolate);
  v8::Local<v8::Module> module;
  if (!load(context, url).ToLocal(&module)) {
    return {};
  }
  if (module->GetStatus() == v8::Module::kErrored) {
    m_isolate->ThrowException(module->GetException());
    return {};
  }
  if (module->GetStatus() < v8::Module::kEvaluating && module->IsGraphAsync()) {
    m_isolate->ThrowException(error_with_code(
        m_isolate,
        "require() cannot be used on an ESM graph with top-level await. Use import() instead. "
        "To see where the top-level await comes from, use --stack-trace-limit=100 and inspect "
        "the dependency graph. Requiring " +
            url + ". From " + parent_path,
        "ERR_REQUIRE_ASYNC_MODULE"));
    return {};
  }
  if (module->GetStatus() == v8::Module::kEvaluating) {
    m_isolate->ThrowException(error_with_code(m_isolate,
                                              "Cannot require() ES Module " + url + " in a cycle.",
                                              "ERR_REQUIRE_CYCLE_MODULE"));
    return {};
  }
  v8::Local<v8::Value> evaluation;
  if (!module->Evaluate(context).ToLocal(&evaluation)) {
    return {};
  }
  if (evaluation->IsPromise()) {
    auto promise = evaluation.As<v8::Promise>();
    if (promise->State() == v8::Promise::kRejected) {
      promise->MarkAsHandled();
      m_isolate->ThrowException(promise->Result());
      return {};
    }
    if (promise->State() == v8::Promise::kPending) {
      // Already evaluating asynchronously (imported elsewhere, still awaiting).
      m_isolate->ThrowException(
          error_with_code(m_isolate,
                          "require() cannot be used on an ESM graph with top-level await. Use "
                          "import() instead. Requiring " +
                              url + ". From " + parent_path,
                          "ERR_REQUIRE_ASYNC_MODULE"));
      return {};
    }
  }
  auto ns = module->GetModuleNamespace().As<v8::Object>();
  v8::Local<v8::Value> special;
  auto module_exports = v8_str(m_isolate, "module.exports");
  if (ns->HasOwnProperty(context, module_exports).FromMaybe(false)) {
    if (!ns->Get(context, module_exports).ToLocal(&special)) {
      return {};
    }
    return scope.Escape(special);
  }
  if (!ns->HasOwnProperty(context, v8_str(m_isolate, "default")).FromMaybe(false)) {
    return scope.Escape(ns);
  }
  // Node 22 and Deno: a namespace with a default export comes with `__esModule: true`, so
  // that transpiled CommonJS importing it picks the default the way bundlers do. A synthetic
  // module keeps it a real namespace object ([object Module]).
  v8::Local<v8::Array> keys;
  if (!ns->GetOwnPropertyNames(context).ToLocal(&keys)) {
    return {};
  }
  std::vector<v8::Local<v8::String>> names = {v8_str(m_isolate, "__esModule")};
  Record facade;
  facade.url = url + "#require";
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    auto key = keys->Get(context, i).ToLocalChecked();
    names.push_back(key.As<v8::String>());
    facade.names.push_back(to_utf8(m_isolate, key));
  }
  if (auto it = m_by_url.find(facade.url); it != m_by_url.end()) {
    return scope.Escape(it->second.module.Get(m_isolate)->GetModuleNamespace());
  }
  auto copy = v8::Module::CreateSyntheticModule(
      m_isolate, v8_str(m_isolate, facade.url), names,
      [](v8::Local<v8::Context> ctx, v8::Local<v8::Module> self) -> v8::MaybeLocal<v8::Value> {
        auto* isolate = ctx->GetIsolate();
        return run_synthetic_steps(isolate, [&] {
          auto& loader = loader_of(isolate);
          auto* record = loader.record_of(self);
          auto source_url = record->url.substr(0, record->url.size() - 8);  // "#require"
          auto source = loader.m_by_url.at(source_url).module.Get(isolate);
          auto source_ns = source->GetModuleNamespace().As<v8::Object>();
          if (self->SetSyntheticModuleExport(isolate, v8_str(isolate, "__esModule"),
                                             v8::True(isolate))
                  .IsNothing()) {
            return false;
          }
          for (const auto& name : record->names) {
            v8::Local<v8::Value> value;
            if (!source_ns->Get(ctx, v8_str(isolate, name)).ToLocal(&value) ||
                self->SetSyntheticModuleExport(isolate, v8_str(isolate, name), value).IsNothing()) {
              return false;
            }
          }
          return true;
        });
      });
  facade.module.Reset(m_isolate, copy);
  m_by_hash.emplace(copy->GetIdentityHash(), facade.url);
  m_by_url.emplace(facade.url, std::move(facade));
  if (!copy->InstantiateModule(context, resolve_callback).FromMaybe(false) ||
      copy->Evaluate(context).IsEmpty()) {
    return {};
  }
  return scope.Escape(copy->GetModuleNamespace());
}

}  // namespace runtime
