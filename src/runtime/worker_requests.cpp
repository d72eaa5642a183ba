// Requests in a worker: handing them to JavaScript, streaming their bodies in, waiting
// for slow clients, and failing what is open when the worker ends.
#include "runtime/v8_util.hpp"
#include "runtime/worker_impl.hpp"

#include <iterator>

namespace runtime {
namespace {

// A Uint8Array over `bytes` without copying them.
v8::Local<v8::Uint8Array> bytes_to_js(v8::Isolate* isolate, std::string bytes) {
  auto* owned = new std::string(std::move(bytes));
  auto store = v8::ArrayBuffer::NewBackingStore(
      owned->data(), owned->size(),
      [](void*, size_t, void* deleter_data) { delete static_cast<std::string*>(deleter_data); },
      owned);
  auto buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  return v8::Uint8Array::New(buffer, 0, buffer->ByteLength());
}

// Whether every byte of `bytes` is ASCII.
bool ascii(std::string_view bytes) {
  unsigned char high = 0;
  for (auto c : bytes) {
    high |= static_cast<unsigned char>(c);  // no early exit: the compiler vectorises it
  }
  return (high & 0x80) == 0;
}

}  // namespace

void WorkerImpl::run_request(PendingRequest pending) {
  if (m_state != WorkerState::ready) {
    --m_in_flight;
    pending.sink->fail(m_terminate_reason);
    return;
  }
  auto id = m_next_request_id++;
  m_requests.push_back({id, std::move(pending.sink), std::move(pending.request.headers)});
  run_js([&](v8::Local<v8::Context> context) {
    auto& request = pending.request;
    v8::Local<v8::Value> body = v8::Null(m_isolate);
    if (request.body_source) {
      // JavaScript builds a ReadableStream that pulls through op body_pull.
      m_body_sources.emplace(id, std::move(request.body_source));
      body = v8::True(m_isolate);
    } else if (!request.body.empty() && ascii(request.body)) {
      // An ASCII body (JSON, a form) goes in as a string: its UTF-8 decoding is itself, so
      // text() and json() take it as it is and bytes() encode it back to the same bytes,
      // while an ArrayBuffer costs V8 a backing store and JavaScript a decode.
      body = byte_string(m_isolate, request.body);
    } else if (!request.body.empty()) {
      body = bytes_to_js(m_isolate, std::move(request.body));
    }
    // The method (a token) and the address are ASCII: one byte a character, no UTF-8
    // decoding; the URL may carry raw bytes and is decoded.
    v8::Local<v8::Value> args[] = {v8::Integer::NewFromUnsigned(m_isolate, id),
                                   byte_string(m_isolate, request.method),
                                   v8_str(m_isolate, request.url),
                                   body,
                                   byte_string(m_isolate, request.remote_address),
                                   v8::Integer::NewFromUnsigned(m_isolate, request.remote_port),
                                   v8::Integer::NewFromUnsigned(m_isolate, request.listener)};
    std::ignore = m_hooks.dispatch.Get(m_isolate)->Call(context, context->Global(),
                                                        static_cast<int>(std::size(args)), args);
  });
}

std::optional<std::pair<std::uint32_t, std::uint16_t>> WorkerImpl::listen(
    const std::string& hostname, std::uint16_t port) {
  if (!m_options.listen) {
    return std::nullopt;
  }
  auto id = m_next_listener_id++;
  // Called on the listener's thread; the gate closes before the worker's last requests are
  // failed, so that none arrives after them.
  // The listeners end before the worker does (close_listeners), so `this` outlives them.
  auto handler = [this, id](HttpRequest request, std::shared_ptr<ResponseSink> sink) {
    std::lock_guard lock(m_listener_gate);
    if (m_listeners_refused) {
      sink->fail(Failure::worker_error);
      return;
    }
    request.listener = id;
    dispatch(std::move(request), std::move(sink));
  };
  auto listener = m_options.listen(hostname, port, std::move(handler));
  auto bound = listener->port();
  m_listeners.emplace(id, std::move(listener));
  return std::pair{id, bound};
}

void WorkerImpl::close_listener(std::uint32_t id) {
  if (auto it = m_listeners.find(id); it != m_listeners.end()) {
    it->second->stop_accepting();
  }
}

void WorkerImpl::refuse_listener_requests() {
  std::lock_guard lock(m_listener_gate);
  m_listeners_refused = true;
}

void WorkerImpl::close_listeners() {
  m_listeners.clear();
}

std::shared_ptr<ResponseSink> WorkerImpl::sink(std::uint32_t id) {
  auto it = open_request(id);
  return it == m_requests.end() ? nullptr : it->sink;
}

const HttpHeaders* WorkerImpl::request_headers(std::uint32_t id) {
  auto it = open_request(id);
  return it == m_requests.end() ? nullptr : &it->headers;
}

std::shared_ptr<RequestBodySource> WorkerImpl::body_source(std::uint32_t id) {
  auto it = m_body_sources.find(id);
  return it == m_body_sources.end() ? nullptr : it->second;
}

v8::Local<v8::Promise> WorkerImpl::pull_body(std::uint32_t id) {
  auto context = m_context.Get(m_isolate);
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) {
    return {};
  }
  auto source = body_source(id);
  if (!source) {
    std::ignore = resolver->Resolve(context, v8::Null(m_isolate));
    return resolver->GetPromise();
  }
  auto pull_id = m_next_pull_id++;
  m_pulls.emplace(pull_id, v8::Global<v8::Promise::Resolver>(m_isolate, resolver));
  source->pull([mailbox = m_mailbox, pull_id](std::string chunk, bool done, std::string error) {
    mailbox->post([pull_id, chunk = std::move(chunk), done,
                   error = std::move(error)](WorkerImpl& worker) mutable {
      worker.settle_pending(pull_id, [&](v8::Local<v8::Context> context,
                                         v8::Local<v8::Promise::Resolver> resolver) {
        auto* isolate = worker.m_isolate;
        if (!error.empty()) {
          std::ignore = resolver->Reject(context, v8::Exception::TypeError(v8_str(isolate, error)));
        } else if (done) {
          std::ignore = resolver->Resolve(context, v8::Null(isolate));
        } else {
          std::ignore = resolver->Resolve(context, bytes_to_js(isolate, std::move(chunk)));
        }
      });
    });
  });
  return resolver->GetPromise();
}

v8::Local<v8::Promise> WorkerImpl::when_drained(const std::shared_ptr<ResponseSink>& sink) {
  auto context = m_context.Get(m_isolate);
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) {
    return {};  // terminating
  }
  auto pull_id = m_next_pull_id++;
  m_pulls.emplace(pull_id, v8::Global<v8::Promise::Resolver>(m_isolate, resolver));
  sink->when_drained([mailbox = m_mailbox, pull_id](bool open) {
    mailbox->post([pull_id, open](WorkerImpl& worker) {
      worker.settle_pending(
          pull_id, [&](v8::Local<v8::Context> context, v8::Local<v8::Promise::Resolver> resolver) {
            std::ignore = resolver->Resolve(context, v8::Boolean::New(worker.m_isolate, open));
          });
    });
  });
  return resolver->GetPromise();
}

void WorkerImpl::settle_pending(std::uint32_t id, const SettleFn& settle) {
  auto it = m_pulls.find(id);
  if (it == m_pulls.end()) {
    return;  // the request ended meanwhile
  }
  auto pending = std::move(it->second);
  m_pulls.erase(it);
  run_js([&](v8::Local<v8::Context> context) { settle(context, pending.Get(m_isolate)); });
}

void WorkerImpl::finish_request(std::uint32_t id) {
  m_body_sources.erase(id);
  auto open = open_request(id);
  if (open == m_requests.end()) {
    return;
  }
  m_requests.erase(open);
  if (--m_in_flight == 0 && m_retired && !m_drained) {
    // A retired worker finished its last request: "drain", as edge-runtime dispatches it
    // (or its last words do, should the worker end before this task runs).
    m_mailbox->post([](WorkerImpl& worker) { worker.dispatch_drain(); });
  }
}

void WorkerImpl::fail_open_requests(Failure reason) {
  // Waiting tasks learn that there will be no boot; requests among them fail.
  auto waiting = std::move(m_waiting_for_boot);
  m_waiting_for_boot.clear();
  for (auto& task : waiting) {
    task(false);
  }
  for (auto& open : m_requests) {
    open.sink->fail(reason);
  }
  m_requests.clear();
  m_body_sources.clear();
  m_pulls.clear();
  m_in_flight = 0;
}

}  // namespace runtime
