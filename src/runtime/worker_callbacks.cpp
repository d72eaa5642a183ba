// The callbacks V8 makes into a worker: unhandled rejections, stack traces, dynamic
// import() and import.meta (both through the worker's module seam).
#include "runtime/modules/module_source.hpp"
#include "runtime/v8_util.hpp"
#include "runtime/worker_impl.hpp"

namespace runtime {
namespace {

// No file path is this long (PATH_MAX is 4096), and no sane URL.
constexpr int k_max_specifier_length = 1 << 20;

}  // namespace

void WorkerImpl::on_promise_reject(v8::PromiseRejectMessage message) {
  auto promise = message.GetPromise();
  auto* isolate = promise->GetIsolate();
  auto& self = from(isolate);
  auto& list = self.m_unhandled;
  if (message.GetEvent() == v8::kPromiseRejectWithNoHandler) {
    list.emplace_back(v8::Global<v8::Promise>(isolate, promise),
                      v8::Global<v8::Value>(isolate, message.GetValue()));
  } else if (message.GetEvent() == v8::kPromiseHandlerAddedAfterReject) {
    std::erase_if(list, [&](auto& entry) { return entry.first.Get(isolate) == promise; });
  }
}

v8::MaybeLocal<v8::Value> WorkerImpl::prepare_stack_trace(v8::Local<v8::Context> context,
                                                          v8::Local<v8::Value> error,
                                                          v8::Local<v8::Array> sites) {
  auto* isolate = context->GetIsolate();
  auto& self = from(isolate);
  static thread_local bool formatting = false;
  if (formatting || self.m_hooks.format_stack.IsEmpty()) {
    return error->ToString(context).FromMaybe(v8::Local<v8::String>());
  }
  formatting = true;
  v8::Local<v8::Value> args[] = {error, sites};
  auto result = self.m_hooks.format_stack.Get(isolate)->Call(context, context->Global(), 2, args);
  formatting = false;
  return result;
}

v8::MaybeLocal<v8::Promise> WorkerImpl::import_dynamically(v8::Local<v8::Context> context,
                                                           v8::Local<v8::Data> options,
                                                           v8::Local<v8::Value> resource_name,
                                                           v8::Local<v8::String> specifier,
                                                           v8::Local<v8::FixedArray> assertions) {
  auto* isolate = context->GetIsolate();
  auto& self = from(isolate);
  v8::EscapableHandleScope scope(isolate);
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) {
    return {};
  }
  v8::TryCatch try_catch(isolate);
  auto referrer = to_utf8(isolate, resource_name);
  if (referrer.find("://") == std::string::npos) {
    referrer = self.m_main_url.empty() ? "file:///" : self.m_main_url;
  }
  auto reject = [&](v8::Local<v8::Value> reason) {
    std::ignore = resolver->Reject(context, reason);
    return scope.Escape(resolver->GetPromise());
  };
  if (specifier->Length() > k_max_specifier_length) {
    // Before copying it: resolving a specifier of hundreds of megabytes costs gigabytes.
    return reject(v8::Exception::TypeError(v8_str(
        isolate, "Module specifier is too long (" + std::to_string(specifier->Length()) +
                     " characters; the limit is " + std::to_string(k_max_specifier_length) + ")")));
  }
  std::string url;
  try {
    url = self.m_loader->resolve(to_utf8(isolate, specifier), referrer);
  } catch (const std::exception& error) {
    return reject(v8::Exception::TypeError(v8_str(isolate, error.what())));
  }
  v8::Local<v8::Module> module;
  if (!self.m_loader->load(context, url).ToLocal(&module)) {
    return reject(try_catch.Exception());
  }
  if (module->GetStatus() == v8::Module::kErrored) {
    return reject(module->GetException());
  }
  if (module->GetStatus() == v8::Module::kEvaluating) {
    // import() of a module whose evaluation is on the stack right now: a module importing
    // itself, or one of the cycle it is in, from its top level. V8 10.2 cannot Evaluate it
    // here (a fatal CHECK that ended the process); as the spec has it, the import settles
    // with that evaluation, so it is evaluated once the stack has unwound (a top-level
    // await of it then waits for itself, as in Deno, and never settles).
    auto held =
        std::make_shared<std::pair<v8::Global<v8::Promise::Resolver>, v8::Global<v8::Module>>>(
            v8::Global<v8::Promise::Resolver>(isolate, resolver),
            v8::Global<v8::Module>(isolate, module));
    boost::asio::post(self.m_io, [&self, held] {
      self.run_js([&](v8::Local<v8::Context> later) {
        self.settle_import(later, held->first.Get(self.m_isolate),
                           held->second.Get(self.m_isolate));
      });
    });
    return scope.Escape(resolver->GetPromise());
  }
  self.settle_import(context, resolver, module);
  return scope.Escape(resolver->GetPromise());
}

void WorkerImpl::settle_import(v8::Local<v8::Context> context,
                               v8::Local<v8::Promise::Resolver> resolver,
                               v8::Local<v8::Module> module) {
  v8::TryCatch try_catch(m_isolate);
  auto status = module->GetStatus();
  if (status == v8::Module::kErrored) {
    std::ignore = resolver->Reject(context, module->GetException());
    return;
  }
  if (status != v8::Module::kInstantiated && status != v8::Module::kEvaluated) {
    std::ignore = resolver->Reject(
        context, v8::Exception::Error(
                     v8_str(m_isolate, "import() of a module that is still being evaluated")));
    return;
  }
  v8::Local<v8::Value> evaluation;
  v8::Local<v8::Value> chained;
  if (!module->Evaluate(context).ToLocal(&evaluation)) {
    std::ignore = resolver->Reject(context, try_catch.Exception());
    return;
  }
  v8::Local<v8::Value> args[] = {evaluation, module->GetModuleNamespace()};
  if (!m_hooks.then_namespace.Get(m_isolate)
           ->Call(context, context->Global(), 2, args)
           .ToLocal(&chained)) {
    std::ignore = resolver->Reject(context, try_catch.Exception());
    return;
  }
  std::ignore = resolver->Resolve(context, chained);
}

void WorkerImpl::init_import_meta(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                                  v8::Local<v8::Object> meta) {
  auto* isolate = context->GetIsolate();
  auto& self = from(isolate);
  auto url = self.m_loader->url_of(module);
  std::ignore = meta->CreateDataProperty(context, v8_str(isolate, "url"), v8_str(isolate, url));
  std::ignore = meta->CreateDataProperty(context, v8_str(isolate, "main"),
                                         v8::Boolean::New(isolate, url == self.m_main_url));
  if (url.rfind("file://", 0) == 0) {
    auto path = file_url_to_path(url);
    std::ignore =
        meta->CreateDataProperty(context, v8_str(isolate, "filename"), v8_str(isolate, path));
    std::ignore = meta->CreateDataProperty(context, v8_str(isolate, "dirname"),
                                           v8_str(isolate, path.substr(0, path.rfind('/'))));
  }
  auto resolve = [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    auto* iso = info.GetIsolate();
    try {
      auto resolved =
          WorkerImpl::from(iso).m_loader->resolve(to_utf8(iso, info[0]), to_utf8(iso, info.Data()));
      info.GetReturnValue().Set(v8_str(iso, resolved));
    } catch (const std::exception& error) {
      throw_type_error(iso, error.what());
    }
  };
  std::ignore = meta->CreateDataProperty(
      context, v8_str(isolate, "resolve"),
      v8::Function::New(context, resolve, v8_str(isolate, url)).ToLocalChecked());
  self.m_loader->init_wasm_import_meta(context, module, meta);
}

}  // namespace runtime
