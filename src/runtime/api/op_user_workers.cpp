// EdgeRuntime.userWorkers' native ops (a main service, `serve --main-service`): create a
// user worker, send it a request, feed the request body, pace and abort the response,
// hand the client's connection to a WebSocket it accepted, and the runtime's counts. Answers come
// back through the userWorkerEvent hook (worker_user_workers.cpp); edge-runtime's contract lives in
// js/user_workers.js.
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

namespace runtime::api {
namespace {

// The host, or null after throwing a TypeError: only a main service has user workers.
std::shared_ptr<UserWorkerHost> host_of(v8::Isolate* isolate) {
  auto host = OpHost::of(isolate).user_workers();
  if (!host) {
    throw_type_error(isolate, "EdgeRuntime.userWorkers is only available in a main service");
  }
  return host;
}

// user_worker_create(optionsJson, artifactBytes | undefined) -> id of the creation.
void user_worker_create(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  if (!host_of(isolate)) {
    return;
  }
  std::string artifact;
  if (auto bytes = buffer_source_bytes(info[1])) {
    artifact.assign(bytes->data(), bytes->size());
  }
  auto id = OpHost::of(isolate).user_worker_create(to_utf8(isolate, info[0]), std::move(artifact));
  info.GetReturnValue().Set(v8::Integer::NewFromUnsigned(isolate, id));
}

// user_worker_fetch(key, method, url, [name, value, ...], streamedBody) -> transfer id, or
// -1 when the worker has retired, -2 when the key names no worker.
void user_worker_fetch(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  if (!host_of(isolate)) {
    return;
  }
  HttpRequest request;
  request.method = to_utf8(isolate, info[1]);
  request.url = to_utf8(isolate, info[2]);
  if (!read_flat_pairs(isolate, info[3], request.headers)) {
    return;
  }
  UserWorkerHost::Dispatched outcome{};
  auto id = OpHost::of(isolate).user_worker_fetch(to_utf8(isolate, info[0]), std::move(request),
                                                  info[4]->IsTrue(), outcome);
  int result = static_cast<int>(id);
  if (id == 0) {
    result = outcome == UserWorkerHost::Dispatched::retired ? -1 : -2;
  }
  info.GetReturnValue().Set(v8::Integer::New(isolate, result));
}

// user_worker_write(id, chunk | null, failed): the next piece of the request body; null
// ends it, `failed` says the main service's stream errored.
void user_worker_write(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  std::string chunk;
  if (auto bytes = buffer_source_bytes(info[1])) {
    chunk.assign(bytes->data(), bytes->size());
  }
  bool failed = info[2]->IsTrue();
  OpHost::of(isolate).user_worker_write(uint32_arg(info, 0), std::move(chunk),
                                        info[1]->IsNull() && !failed, failed);
}

// user_worker_pause(id, paused): back-pressure from the response body's stream.
void user_worker_pause(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  OpHost::of(isolate).user_worker_pause(uint32_arg(info, 0), info[1]->BooleanValue(isolate));
}

// user_worker_abort(id): the main service gave up on the request.
void user_worker_abort(const v8::FunctionCallbackInfo<v8::Value>& info) {
  OpHost::of(info.GetIsolate()).user_worker_abort(uint32_arg(info, 0));
}

// user_worker_upgrade(requestId, transferId) -> bool: the main service returned the 101
// response of a WebSocket the user worker accepted, for its own request `requestId`.
void user_worker_upgrade(const v8::FunctionCallbackInfo<v8::Value>& info) {
  bool upgraded =
      OpHost::of(info.GetIsolate()).user_worker_upgrade(uint32_arg(info, 0), uint32_arg(info, 1));
  info.GetReturnValue().Set(upgraded);
}

// user_worker_metrics() -> JSON of the user-worker counts (EdgeRuntime.getRuntimeMetrics).
void user_worker_metrics(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  if (auto host = host_of(isolate)) {
    info.GetReturnValue().Set(v8_str(isolate, host->metrics_json()));
  }
}

// user_worker_cleanup(idleMs) -> how many idle user workers were retired.
void user_worker_cleanup(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto host = host_of(isolate);
  if (!host) {
    return;
  }
  double ms = info[0]->IsNumber() ? info[0].As<v8::Number>()->Value() : 0;
  auto count =
      host->cleanup_idle(std::chrono::milliseconds(static_cast<long long>(ms > 0 ? ms : 0)));
  info.GetReturnValue().Set(v8::Number::New(isolate, static_cast<double>(count)));
}

}  // namespace

std::vector<Op> user_worker_ops() {
  return {
      {"user_worker_create", user_worker_create},   {"user_worker_fetch", user_worker_fetch},
      {"user_worker_write", user_worker_write},     {"user_worker_pause", user_worker_pause},
      {"user_worker_abort", user_worker_abort},     {"user_worker_upgrade", user_worker_upgrade},
      {"user_worker_metrics", user_worker_metrics}, {"user_worker_cleanup", user_worker_cleanup}};
}

}  // namespace runtime::api
