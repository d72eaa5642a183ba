// worker.fetch's worker half (a main service, `serve --main-service`): a request handed
// to a user worker, whose answer comes back to this worker's loop as userWorkerEvent hook
// calls (js/user_workers.js), its body streamed both ways with back-pressure. A WebSocket
// the user worker accepts becomes a 101 response; once the main service returns it, the
// client's connection is upgraded straight to the user worker's socket.
#include "runtime/v8_util.hpp"
#include "runtime/worker_impl.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace runtime {

// The user worker's end of a WebSocket it accepted through worker.fetch. The client's
// connection is upgraded only when the main service returns the 101 response
// (attach); until then what the user worker sends or closes waits here, then it goes
// straight to the client's connection. Any thread.
class RelayedSocket final : public WebSocketConnection {
 public:
  RelayedSocket(std::string protocol, std::shared_ptr<WebSocketPeer> peer)
      : m_protocol(std::move(protocol)), m_peer(std::move(peer)) {}

  const std::string& protocol() const { return m_protocol; }
  const std::shared_ptr<WebSocketPeer>& peer() const { return m_peer; }

  void send(std::string data, bool binary) override {
    std::lock_guard lock(m_mutex);
    if (m_target) {
      m_target->send(std::move(data), binary);
    } else if (!m_settled) {
      m_early.emplace_back(std::move(data), binary);
    }
  }
  void close(int code, std::string reason) override {
    std::lock_guard lock(m_mutex);
    if (m_target) {
      m_target->close(code, std::move(reason));
    } else if (!m_settled) {
      m_early_close = {code, std::move(reason)};
    }
  }

  // The client's connection, or null when it could not be upgraded (or the main service
  // gave up on the response): then the user worker's socket closes (1006).
  void attach(std::shared_ptr<WebSocketConnection> target) {
    {
      std::lock_guard lock(m_mutex);
      if (m_settled) {
        return;
      }
      m_settled = true;
      if (target) {
        m_target = std::move(target);
        for (auto& [data, binary] : m_early) {
          m_target->send(std::move(data), binary);
        }
        m_early.clear();
        if (m_early_close) {
          m_target->close(m_early_close->first, std::move(m_early_close->second));
        }
        return;
      }
    }
    m_peer->on_close(1006, "");
  }

 private:
  const std::string m_protocol;
  const std::shared_ptr<WebSocketPeer> m_peer;
  std::mutex m_mutex;
  bool m_settled = false;
  std::shared_ptr<WebSocketConnection> m_target;
  std::vector<std::pair<std::string, bool>> m_early;
  std::optional<std::pair<int, std::string>> m_early_close;
};

// One worker.fetch in flight. Shared by the main service's loop and the user worker's
// thread (its sink and body source); what both touch is under `mutex`.
struct UserWorkerTransfer {
  std::uint32_t id = 0;
  std::shared_ptr<WorkerImpl::Mailbox> mailbox;
  std::mutex mutex;
  bool paused = false;     // the response body's reader is full
  std::size_t queued = 0;  // response bytes posted to the main service's loop, not read yet
  bool closed = false;     // the main service aborted, or the worker ended
  std::function<void(bool open)> drained;
  RequestBodySource::Deliver pull;
  std::shared_ptr<RelayedSocket> relay;  // a WebSocket the user worker accepted

  void post(WorkerImpl::UserWorkerEvent event) {
    mailbox->post([id = id, event = std::move(event)](WorkerImpl& worker) mutable {
      worker.user_worker_event(id, std::move(event));
    });
  }

  // The user worker may write again when the reader wants more and the backlog is low.
  void wake_writer() {
    std::function<void(bool)> waiting;
    {
      std::lock_guard lock(mutex);
      if (paused || queued > k_response_backlog_limit / 2) {
        return;
      }
      waiting = std::move(drained);
    }
    if (waiting) {
      waiting(true);
    }
  }

  // Ends both directions; what waits is told so.
  void close() {
    std::function<void(bool)> waiting;
    RequestBodySource::Deliver puller;
    std::shared_ptr<RelayedSocket> socket;
    {
      std::lock_guard lock(mutex);
      closed = true;
      waiting = std::move(drained);
      puller = std::move(pull);
      socket = std::move(relay);
    }
    if (waiting) {
      waiting(false);
    }
    if (puller) {
      puller({}, false, "request cancelled");
    }
    if (socket) {
      socket->attach(nullptr);  // never returned by the main service
    }
  }
};

namespace {

const char* failure_name(Failure failure) {
  switch (failure) {
    case Failure::boot_error:
      return "boot_error";
    case Failure::limit:
      return "limit";
    case Failure::timeout:
      return "timeout";
    case Failure::worker_error:
      break;
  }
  return "worker_error";
}

// The main service's request body, read from its stream as the user worker asks.
class TransferBody final : public RequestBodySource {
 public:
  explicit TransferBody(std::shared_ptr<UserWorkerTransfer> transfer)
      : m_transfer(std::move(transfer)) {}
  void pull(Deliver deliver) override {
    bool closed = false;
    {
      std::lock_guard lock(m_transfer->mutex);
      closed = m_transfer->closed;
      if (!closed) {
        m_transfer->pull = std::move(deliver);
      }
    }
    if (closed) {
      deliver({}, false, "request cancelled");
      return;
    }
    WorkerImpl::UserWorkerEvent event;
    event.kind = "need_body";
    m_transfer->post(std::move(event));
  }

 private:
  std::shared_ptr<UserWorkerTransfer> m_transfer;
};

// The user worker's answer, called on its thread, posted to the main service's loop.
class TransferSink final : public ResponseSink {
 public:
  explicit TransferSink(std::shared_ptr<UserWorkerTransfer> transfer)
      : m_transfer(std::move(transfer)) {}
  ~TransferSink() override {
    if (!m_finished) {  // dropped unanswered: the worker went away
      post_failure(Failure::worker_error);
    }
  }

  void start(int status, std::string reason, HttpHeaders headers, std::string body,
             bool streaming) override {
    WorkerImpl::UserWorkerEvent head;
    head.kind = streaming ? "head" : "whole";  // whole: the body comes along, nothing follows
    head.status = status;
    head.text = std::move(reason);
    head.headers = std::move(headers);
    head.data = std::move(body);
    m_finished = !streaming;
    m_transfer->post(std::move(head));
  }
  bool write(std::string chunk) override {
    {
      std::lock_guard lock(m_transfer->mutex);
      if (m_transfer->closed) {
        return false;
      }
      m_transfer->queued += chunk.size();
    }
    WorkerImpl::UserWorkerEvent data;
    data.kind = "data";
    data.data = std::move(chunk);
    m_transfer->post(std::move(data));
    return true;
  }
  bool saturated() const override {
    std::lock_guard lock(m_transfer->mutex);
    return m_transfer->paused || m_transfer->queued > k_response_backlog_limit;
  }
  void when_drained(std::function<void(bool open)> ready) override {
    bool open = false;
    {
      std::lock_guard lock(m_transfer->mutex);
      if (!m_transfer->closed &&
          (m_transfer->paused || m_transfer->queued > k_response_backlog_limit / 2)) {
        m_transfer->drained = std::move(ready);
        return;
      }
      open = !m_transfer->closed;
    }
    ready(open);
  }
  void end() override {
    m_finished = true;
    m_transfer->post({});
  }
  void fail(Failure failure) override {
    m_finished = true;
    post_failure(failure);
  }
  // The user worker accepted the request's WebSocket: the main service gets a 101
  // response, and the socket waits for it to be returned (WorkerImpl::user_worker_upgrade).
  std::shared_ptr<WebSocketConnection> upgrade(std::string protocol,
                                               std::shared_ptr<WebSocketPeer> peer) override {
    auto socket = std::make_shared<RelayedSocket>(std::move(protocol), std::move(peer));
    {
      std::lock_guard lock(m_transfer->mutex);
      if (m_transfer->closed || m_finished) {
        return nullptr;
      }
      m_transfer->relay = socket;
    }
    m_finished = true;
    WorkerImpl::UserWorkerEvent event;
    event.kind = "upgrade";
    event.status = 101;
    m_transfer->post(std::move(event));
    return socket;
  }

 private:
  void post_failure(Failure failure) {
    WorkerImpl::UserWorkerEvent error;
    error.kind = "error";
    error.text = failure_name(failure);
    m_transfer->post(std::move(error));
  }

  std::shared_ptr<UserWorkerTransfer> m_transfer;
  bool m_finished = false;
};

}  // namespace

std::uint32_t WorkerImpl::user_worker_create(const std::string& options_json,
                                             std::string artifact) {
  auto id = m_next_user_transfer++;
  if (m_next_user_transfer == 0) {
    m_next_user_transfer = 1;
  }
  m_options.user_workers->create(
      options_json, std::move(artifact),
      [mailbox = m_mailbox, id](UserWorkerHost::Created created) {
        UserWorkerEvent event;
        event.kind = created.key.empty() ? "create_failed" : "created";
        event.text = created.key.empty() ? std::move(created.error_class) : std::move(created.key);
        event.data = std::move(created.message);
        mailbox->post([id, event = std::move(event)](WorkerImpl& worker) mutable {
          worker.user_worker_event(id, std::move(event));
        });
      });
  return id;
}

std::uint32_t WorkerImpl::user_worker_fetch(const std::string& key, HttpRequest request,
                                            bool streamed_body,
                                            UserWorkerHost::Dispatched& outcome) {
  outcome = UserWorkerHost::Dispatched::unknown;
  if (!m_options.user_workers) {
    return 0;
  }
  auto transfer = std::make_shared<UserWorkerTransfer>();
  transfer->id = m_next_user_transfer++;
  if (m_next_user_transfer == 0) {
    m_next_user_transfer = 1;
  }
  transfer->mailbox = m_mailbox;
  if (streamed_body) {
    request.body_source = std::make_shared<TransferBody>(transfer);
  }
  m_user_transfers[transfer->id] = transfer;
  outcome = m_options.user_workers->dispatch(key, std::move(request),
                                             std::make_shared<TransferSink>(transfer));
  if (outcome != UserWorkerHost::Dispatched::ok) {
    m_user_transfers.erase(transfer->id);
    transfer->close();
    return 0;
  }
  return transfer->id;
}

void WorkerImpl::user_worker_write(std::uint32_t id, std::string chunk, bool end, bool error) {
  auto it = m_user_transfers.find(id);
  if (it == m_user_transfers.end()) {
    return;
  }
  RequestBodySource::Deliver puller;
  {
    std::lock_guard lock(it->second->mutex);
    puller = std::move(it->second->pull);
  }
  if (puller) {
    puller(std::move(chunk), end, error ? "the main service's request body failed" : "");
  }
}

void WorkerImpl::user_worker_pause(std::uint32_t id, bool paused) {
  auto it = m_user_transfers.find(id);
  if (it == m_user_transfers.end()) {
    return;
  }
  {
    std::lock_guard lock(it->second->mutex);
    it->second->paused = paused;
  }
  it->second->wake_writer();
}

void WorkerImpl::user_worker_abort(std::uint32_t id) {
  auto it = m_user_transfers.find(id);
  if (it == m_user_transfers.end()) {
    return;
  }
  auto transfer = std::move(it->second);
  m_user_transfers.erase(it);
  transfer->close();
}

bool WorkerImpl::user_worker_upgrade(std::uint32_t request_id, std::uint32_t transfer_id) {
  auto it = m_user_transfers.find(transfer_id);
  if (it == m_user_transfers.end()) {
    return false;
  }
  auto transfer = std::move(it->second);
  m_user_transfers.erase(it);
  std::shared_ptr<RelayedSocket> socket;
  {
    std::lock_guard lock(transfer->mutex);
    socket = std::move(transfer->relay);
  }
  transfer->close();
  if (!socket) {
    return false;
  }
  // The client's frames go to the user worker's peer directly: the main service is out
  // of the socket's path from here on.
  std::shared_ptr<WebSocketConnection> connection;
  if (auto request_sink = sink(request_id)) {
    connection = request_sink->upgrade(socket->protocol(), socket->peer());
    finish_request(request_id);
  }
  bool upgraded = connection != nullptr;
  socket->attach(std::move(connection));
  return upgraded;
}

void WorkerImpl::abort_user_transfers() {
  auto transfers = std::move(m_user_transfers);
  m_user_transfers.clear();
  for (auto& [id, transfer] : transfers) {
    transfer->close();
  }
}

void WorkerImpl::user_worker_event(std::uint32_t id, UserWorkerEvent event) {
  bool creation = event.kind[0] == 'c';  // created, create_failed
  auto it = m_user_transfers.find(id);
  if ((!creation && it == m_user_transfers.end()) || m_state == WorkerState::terminated) {
    return;  // aborted meanwhile: its news is moot
  }
  bool whole = std::strcmp(event.kind, "whole") == 0;
  bool last = whole || std::strcmp(event.kind, "end") == 0 || std::strcmp(event.kind, "error") == 0;
  if (!creation && std::strcmp(event.kind, "data") == 0) {
    {
      std::lock_guard lock(it->second->mutex);
      it->second->queued -= std::min(it->second->queued, event.data.size());
    }
    it->second->wake_writer();
  }
  if (!creation && last) {
    auto transfer = std::move(it->second);
    m_user_transfers.erase(it);
    transfer->close();  // a body the worker never finished reading is not waited for
  }
  run_js([&](v8::Local<v8::Context> context) {
    v8::Local<v8::Value> payload = v8::Undefined(m_isolate);
    if (whole || std::strcmp(event.kind, "head") == 0) {
      if (!new_flat_pairs(m_isolate, event.headers).ToLocal(&payload)) {
        return;
      }
      if (whole) {  // [headers, body]
        v8::Local<v8::Uint8Array> body;
        if (!new_uint8_array(m_isolate, event.data).ToLocal(&body)) {
          return;
        }
        v8::Local<v8::Value> pair[] = {payload, body};
        payload = v8::Array::New(m_isolate, pair, 2);
      }
    } else if (std::strcmp(event.kind, "data") == 0) {
      if (!new_uint8_array(m_isolate, event.data).ToLocal(&payload)) {
        return;
      }
    } else if (std::strcmp(event.kind, "error") == 0 || std::strcmp(event.kind, "created") == 0) {
      payload = v8_str(m_isolate, event.text);
    } else if (std::strcmp(event.kind, "create_failed") == 0) {
      v8::Local<v8::String> message;
      if (!new_string(m_isolate, event.data).ToLocal(&message)) {
        return;
      }
      v8::Local<v8::Value> pair[] = {v8_str(m_isolate, event.text), message};
      payload = v8::Array::New(m_isolate, pair, 2);
    }
    v8::Local<v8::Value> args[] = {
        v8::Integer::NewFromUnsigned(m_isolate, id), v8_str(m_isolate, event.kind), payload,
        v8::Integer::New(m_isolate, event.status),
        v8_str(m_isolate, std::strcmp(event.kind, "head") == 0 ? std::string_view(event.text)
                                                               : std::string_view())};
    std::ignore =
        m_hooks.user_worker_event.Get(m_isolate)->Call(context, context->Global(), 5, args);
  });
}

}  // namespace runtime
