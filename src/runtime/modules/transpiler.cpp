#include "runtime/modules/transpiler.hpp"

#include "versions.hpp"

#include "runtime/assets.hpp"
#include "runtime/isolates.hpp"
#include "runtime/static_string.hpp"
#include "runtime/v8_util.hpp"
#include "util/checked_file.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace runtime {
namespace {

// Bump the number when the compilers' options change; a new compiler version changes the key
// by itself. Either way old cache entries stop matching.
const std::string k_cache_version = std::string("sbfn-transpile-3;sucrase-") + versions::sucrase +
                                    ";typescript-" + versions::typescript;

const char* kind_name(MediaType type) {
  switch (type) {
    case MediaType::typescript:
      return "ts";
    case MediaType::tsx:
      return "tsx";
    case MediaType::jsx:
      return "jsx";
    default:
      return "js";
  }
}

}  // namespace

class TranspilerImpl {
 public:
  TranspilerImpl() : m_thread([this] { thread_main(); }) {}

  ~TranspilerImpl() {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_wake.notify_all();
    m_thread.join();
  }

  Transpiled transpile(const std::string& url, const std::string& code, MediaType type) {
    bool use_typescript = type == MediaType::javascript ? javascript_needs_typescript_compiler(code)
                                                        : needs_typescript_compiler(code);
    if (type == MediaType::javascript && !use_typescript) {
      return {rewrite_import_attributes(code), ""};
    }
    auto key = util::sha256_hex(std::string(k_cache_version) + "\n" + kind_name(type) + "\n" +
                                (use_typescript ? "tsc" : "sucrase") + "\n" + code);
    if (auto cached = lookup(key)) {
      return *cached;
    }
    auto out = in_compiler<Transpiled>([&](v8::Local<v8::Context> context) {
      return compile(context, url, code, type, use_typescript);
    });  // rethrows a compile error
    out.code = rewrite_import_attributes(std::move(out.code));
    store(key, out);
    return out;
  }

  std::string call_tool(const std::string& name, const std::string& args_json) {
    return in_compiler<std::string>(
        [&](v8::Local<v8::Context> context) { return run_tool(context, name, args_json); });
  }

  std::string module_code_cache(const std::string& url, const std::string& code) {
    return in_compiler<std::string>(
        [&](v8::Local<v8::Context> context) { return make_code_cache(context, url, code); });
  }

 private:
  // Runs on the compiler thread only. Flags are process-wide, so a cache made here is
  // one the workers' isolates accept.
  std::string make_code_cache(v8::Local<v8::Context> context, const std::string& url,
                              const std::string& code) {
    v8::TryCatch try_catch(m_isolate);
    v8::ScriptOrigin origin(m_isolate, v8_str(m_isolate, url), 0, 0, false, -1, {}, false, false,
                            true);
    v8::ScriptCompiler::Source source(v8_str(m_isolate, code), origin);
    v8::Local<v8::Module> module;
    if (!v8::ScriptCompiler::CompileModule(m_isolate, &source).ToLocal(&module)) {
      throw util::Error("cannot compile " + url + ": " +
                        exception_message(context, try_catch.Exception()));
    }
    std::unique_ptr<v8::ScriptCompiler::CachedData> cache(
        v8::ScriptCompiler::CreateCodeCache(module->GetUnboundModuleScript()));
    return cache ? std::string(reinterpret_cast<const char*>(cache->data),
                               static_cast<std::size_t>(cache->length))
                 : std::string();
  }

  // Runs `job` on the compiler thread inside the compiler isolate's context, waits, and
  // returns its result or rethrows.
  template <typename T>
  T in_compiler(const std::function<T(v8::Local<v8::Context>)>& job) {
    std::packaged_task<T()> task([&] {
      ensure_isolate();
      v8::Isolate::Scope isolate_scope(m_isolate);
      v8::HandleScope handle_scope(m_isolate);
      auto context = m_context.Get(m_isolate);
      v8::Context::Scope context_scope(context);
      return job(context);
    });
    auto result = task.get_future();
    {
      std::lock_guard lock(m_mutex);
      m_jobs.emplace_back([&task] { task(); });
    }
    m_wake.notify_one();
    return result.get();
  }

  // Runs on the compiler thread only.
  std::string run_tool(v8::Local<v8::Context> context, const std::string& name,
                       const std::string& args_json) {
    v8::TryCatch try_catch(m_isolate);
    auto global = context->Global();
    auto fn = global->Get(context, v8_str(m_isolate, "sbfnTool")).ToLocalChecked();
    v8::Local<v8::Value> args[] = {v8_str(m_isolate, name), v8_str(m_isolate, args_json)};
    v8::Local<v8::Value> result;
    if (!fn.As<v8::Function>()->Call(context, global, 2, args).ToLocal(&result)) {
      throw util::Error(name + ": " + exception_message(context, try_catch.Exception()));
    }
    return to_utf8(m_isolate, result);
  }

  std::string exception_message(v8::Local<v8::Context> context, v8::Local<v8::Value> exception) {
    v8::Local<v8::Value> message;
    return exception->IsObject() && exception.As<v8::Object>()
                                        ->Get(context, v8_str(m_isolate, "message"))
                                        .ToLocal(&message)
               ? to_utf8(m_isolate, message)
               : to_utf8(m_isolate, exception);
  }

  std::optional<Transpiled> lookup(const std::string& key) {
    {
      std::lock_guard lock(m_mutex);
      if (auto it = m_memory.find(key); it != m_memory.end()) {
        return it->second;
      }
    }
    auto dir = util::cache_dir() / "transpiled" / key.substr(0, 2);
    // Checked: a damaged entry (a full disk, a crash, an edit) is transpiled again and
    // rewritten rather than served (tests/faults).
    auto code = util::read_checked_file(dir / (key + ".js"));
    auto map = util::read_checked_file(dir / (key + ".map"));
    if (!code || !map) {
      return std::nullopt;
    }
    Transpiled out{std::move(*code), std::move(*map)};
    std::lock_guard lock(m_mutex);
    m_memory.emplace(key, out);
    return out;
  }

  void store(const std::string& key, const Transpiled& out) {
    {
      std::lock_guard lock(m_mutex);
      m_memory.emplace(key, out);
    }
    // A cache that cannot be written (read-only home, full disk) only costs speed.
    try {
      auto dir = util::cache_dir() / "transpiled" / key.substr(0, 2);
      util::write_checked_file(dir / (key + ".map"), out.source_map);
      util::write_checked_file(dir / (key + ".js"), out.code);
    } catch (const std::exception&) {
    }
  }

  void thread_main() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [&] { return m_stopping || !m_jobs.empty(); });
        if (m_jobs.empty()) {
          break;
        }
        job = std::move(m_jobs.front());
        m_jobs.pop_front();
      }
      job();
    }
    if (m_isolate) {
      m_context.Reset();
      m_isolate->Dispose();
      delete m_allocator;
    }
  }

  // Runs on the compiler thread only.
  Transpiled compile(v8::Local<v8::Context> context, const std::string& url,
                     const std::string& code, MediaType type, bool use_typescript) {
    v8::TryCatch try_catch(m_isolate);
    if (use_typescript) {
      ensure_typescript(context);
    }
    auto global = context->Global();
    auto fn = global->Get(context, v8_str(m_isolate, "sbfnCompile")).ToLocalChecked();
    v8::Local<v8::Value> args[] = {v8_str(m_isolate, code), v8_str(m_isolate, url),
                                   v8_str(m_isolate, kind_name(type)),
                                   v8::Boolean::New(m_isolate, use_typescript)};
    v8::Local<v8::Value> result;
    if (!fn.As<v8::Function>()->Call(context, global, 4, args).ToLocal(&result) &&
        !use_typescript) {
      // sucrase often blames the wrong place for a syntax error (the start of the
      // enclosing function); TypeScript's parser names the right line and column.
      try_catch.Reset();
      ensure_typescript(context);
      args[3] = v8::Boolean::New(m_isolate, true);
      std::ignore = fn.As<v8::Function>()->Call(context, global, 4, args).ToLocal(&result);
    }
    if (result.IsEmpty()) {
      // The compiler's own stack would only show sucrase's internals: keep the message,
      // which names the file, line and column.
      auto reason = exception_message(context, try_catch.Exception());
      if (reason.find(url) == std::string::npos) {
        reason += " at " + url;
      }
      throw util::Error("The module's source code could not be parsed: " + reason);
    }
    auto array = result.As<v8::Array>();
    return {to_utf8(m_isolate, array->Get(context, 0).ToLocalChecked()),
            to_utf8(m_isolate, array->Get(context, 1).ToLocalChecked())};
  }

  void ensure_isolate() {
    if (m_isolate) {
      return;
    }
    m_blob = {assets().compiler_snapshot.data(),
              static_cast<int>(assets().compiler_snapshot.size())};
    m_allocator = v8::ArrayBuffer::Allocator::NewDefaultAllocator();
    v8::Isolate::CreateParams params;
    params.snapshot_blob = &m_blob;
    params.array_buffer_allocator = m_allocator;
    m_isolate = new_compiler_isolate(params);
    v8::Isolate::Scope isolate_scope(m_isolate);
    v8::HandleScope handle_scope(m_isolate);
    m_context.Reset(m_isolate, v8::Context::New(m_isolate));
  }

  // TypeScript is big (9 MB) and rarely needed, so it is evaluated on first use only.
  void ensure_typescript(v8::Local<v8::Context> context) {
    if (m_typescript_loaded) {
      return;
    }
    auto source = new_static_string(m_isolate, assets().typescript_js);
    v8::ScriptOrigin origin(m_isolate, v8_str(m_isolate, "sbfn:typescript.js"));
    auto script = v8::Script::Compile(context, source, &origin).ToLocalChecked();
    std::ignore = script->Run(context).ToLocalChecked();
    m_typescript_loaded = true;
  }

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<std::function<void()>> m_jobs;
  bool m_stopping = false;
  std::unordered_map<std::string, Transpiled> m_memory;

  v8::StartupData m_blob{};
  v8::ArrayBuffer::Allocator* m_allocator = nullptr;
  v8::Isolate* m_isolate = nullptr;
  v8::Global<v8::Context> m_context;
  bool m_typescript_loaded = false;
  std::thread m_thread;  // last: starts after every other member is ready
};

Transpiler& Transpiler::instance() {
  static Transpiler transpiler;
  return transpiler;
}

Transpiler::Transpiler() : m_impl(std::make_unique<TranspilerImpl>()) {}
Transpiler::~Transpiler() = default;

Transpiled Transpiler::transpile(const std::string& url, const std::string& code, MediaType type) {
  return m_impl->transpile(url, code, type);
}

std::string Transpiler::module_code_cache(const std::string& url, const std::string& code) {
  return m_impl->module_code_cache(url, code);
}

std::string Transpiler::call_tool(const std::string& name, const std::string& args_json) {
  return m_impl->call_tool(name, args_json);
}

}  // namespace runtime
