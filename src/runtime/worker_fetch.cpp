// fetch's worker half: the engine lives on this worker's loop and its events run the
// fetchEvent hook (js/web/fetch.js) as tasks of their own.
#include "runtime/v8_util.hpp"
#include "runtime/worker_impl.hpp"

namespace runtime {

fetch::FetchEngine& WorkerImpl::fetch_engine() {
  if (!m_fetch) {
    m_fetch = std::make_unique<fetch::FetchEngine>(
        m_io,
        [](void* self, fetch::FetchEvent& event) {
          static_cast<WorkerImpl*>(self)->fetch_event(event);
        },
        this);
  }
  return *m_fetch;
}

void WorkerImpl::fetch_event(fetch::FetchEvent& event) {
  if (m_state == WorkerState::terminated) {
    return;
  }
  run_js([&](v8::Local<v8::Context> context) {
    using Kind = fetch::FetchEvent::Kind;
    v8::Local<v8::Value> payload = v8::Undefined(m_isolate);
    const char* kind = "end";
    switch (event.kind) {
      case Kind::head:
        kind = "head";
        if (!new_flat_pairs(m_isolate, event.headers).ToLocal(&payload)) {
          return;
        }
        break;
      case Kind::data:
        kind = "data";
        // Response bytes are charged to the worker's budget: past it, a RangeError.
        if (!new_uint8_array(m_isolate, event.data).ToLocal(&payload)) {
          return;
        }
        break;
      case Kind::error: {
        kind = event.before_response ? "connect_error" : "body_error";
        payload = v8_str(m_isolate, event.data);
        break;
      }
      case Kind::need_body:
        kind = "need_body";
        break;
      case Kind::end:
        break;
    }
    v8::Local<v8::Value> args[] = {
        v8::Integer::NewFromUnsigned(m_isolate, event.id), v8_str(m_isolate, kind), payload,
        v8::Integer::New(m_isolate, event.status), v8_str(m_isolate, event.status_text)};
    std::ignore = m_hooks.fetch_event.Get(m_isolate)->Call(context, context->Global(), 5, args);
  });
}

}  // namespace runtime
