// The async context node:async_hooks' AsyncLocalStorage rides on: V8's "continuation
// preserved embedder data", a value of the context that V8 itself records on every promise
// reaction when it is registered (`then`, `await`) and puts back while the reaction runs.
// This is how Deno carries AsyncLocalStorage across awaits too; the runtime's own callbacks
// (timers, nextTick, ...) capture and restore it in JavaScript (js/async_context.js).
// Also a promise's state, for inspect.
#include "runtime/api/ops.hpp"

namespace runtime::api {
namespace {

// async_context_get() -> the current context's value (undefined when none was set).
void async_context_get(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(
      info.GetIsolate()->GetCurrentContext()->GetContinuationPreservedEmbedderData());
}

// async_context_set(value): what the code running from now on, and every continuation it
// registers, sees as its context.
void async_context_set(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetIsolate()->GetCurrentContext()->SetContinuationPreservedEmbedderData(info[0]);
}

// promise_state(promise) -> [0 pending | 1 fulfilled | 2 rejected, result]: what inspect
// shows inside `Promise { ... }` (util.inspect, console.log), which JavaScript cannot read.
void promise_state(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  if (!info[0]->IsPromise()) {
    return;
  }
  auto promise = info[0].As<v8::Promise>();
  int state = 0;
  v8::Local<v8::Value> result = v8::Undefined(isolate);
  if (promise->State() == v8::Promise::kFulfilled) {
    state = 1;
    result = promise->Result();
  } else if (promise->State() == v8::Promise::kRejected) {
    state = 2;
    result = promise->Result();
  }
  v8::Local<v8::Value> items[] = {v8::Integer::New(isolate, state), result};
  info.GetReturnValue().Set(v8::Array::New(isolate, items, 2));
}

}  // namespace

std::vector<Op> node_async_ops() {
  return {{"async_context_get", async_context_get},
          {"async_context_set", async_context_set},
          {"promise_state", promise_state}};
}

}  // namespace runtime::api
