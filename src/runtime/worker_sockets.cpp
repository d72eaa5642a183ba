// WebSockets accepted by a function (Deno.upgradeWebSocket): the worker's half. The
// server's session owns the socket; frames cross threads as posted tasks.
#include "runtime/connection_limit.hpp"
#include "runtime/v8_util.hpp"
#include "runtime/worker_impl.hpp"

namespace runtime {
namespace {

// Hands the client's events to the worker's loop, if the worker still exists.
class SocketPeer : public WebSocketPeer {
 public:
  SocketPeer(std::shared_ptr<WorkerImpl::Mailbox> mailbox, std::uint32_t id)
      : m_mailbox(std::move(mailbox)), m_id(id) {}

  void on_open() override { deliver("open", {}, false, 0); }
  void on_message(std::string data, bool binary) override {
    deliver("message", std::move(data), binary, 0);
  }
  void on_close(int code, std::string reason) override {
    deliver("close", std::move(reason), false, code);
  }

 private:
  void deliver(const char* kind, std::string data, bool binary, int code) {
    m_mailbox->post(
        [id = m_id, kind, data = std::move(data), binary, code](WorkerImpl& worker) mutable {
          worker.socket_event(id, kind, std::move(data), binary, code);
        });
  }

  std::shared_ptr<WorkerImpl::Mailbox> m_mailbox;
  std::uint32_t m_id;
};

}  // namespace

bool WorkerImpl::accept_socket(std::uint32_t request_id, std::uint32_t socket_id,
                               std::string protocol) {
  auto request_sink = sink(request_id);
  if (!request_sink) {
    return false;
  }
  auto connection = request_sink->upgrade(std::move(protocol),
                                          std::make_shared<SocketPeer>(m_mailbox, socket_id));
  bool accepted = connection != nullptr;
  if (accepted) {
    m_sockets.emplace(socket_id, std::move(connection));
    m_accepted.insert(socket_id);
    m_accepted_sockets = m_accepted.size();
  }
  // Only now: busy() (read by the reaper on its thread) must not see the request gone
  // before the socket that replaces it is counted, or a retired worker could be ended,
  // closing the socket it just accepted with 1001.
  finish_request(request_id);
  return accepted;
}

void WorkerImpl::connect_socket(std::uint32_t socket_id, WebSocketTarget target) {
  // Events go through the mailbox, as the accepted sockets' do: never into JavaScript
  // from inside the op that made the socket.
  auto limit = outbound_connection_limit();
  if (m_sockets.size() - m_accepted.size() >= limit) {
    // The worker's share of descriptors (connection_limit.hpp): it fails as a refused
    // connection does, with an error event and a close.
    m_mailbox->post([socket_id, limit](WorkerImpl& worker) {
      worker.socket_event(socket_id, "close",
                          "Too many open files (os error 24): a function may hold at most " +
                              std::to_string(limit) + " connections at once",
                          false, 1006);
    });
    return;
  }
  auto on_event = [mailbox = m_mailbox, socket_id](const char* kind, std::string data, bool binary,
                                                   int code) {
    mailbox->post(
        [socket_id, kind, data = std::move(data), binary, code](WorkerImpl& worker) mutable {
          worker.socket_event(socket_id, kind, std::move(data), binary, code);
        });
  };
  m_sockets.emplace(socket_id, connect_websocket(m_io, std::move(target), std::move(on_event)));
}

std::shared_ptr<WebSocketConnection> WorkerImpl::socket(std::uint32_t socket_id) {
  auto it = m_sockets.find(socket_id);
  return it == m_sockets.end() ? nullptr : it->second;
}

void WorkerImpl::socket_event(std::uint32_t socket_id, const char* kind, std::string data,
                              bool binary, int code) {
  if (std::string_view(kind) == "close") {
    m_sockets.erase(socket_id);
    m_accepted.erase(socket_id);
    m_accepted_sockets = m_accepted.size();
  }
  run_js([&](v8::Local<v8::Context> context) {
    // A message the worker has no room for is a RangeError, uncaught: the worker ends.
    v8::Local<v8::Value> payload;
    if (binary) {
      v8::Local<v8::ArrayBuffer> buffer;
      if (!new_array_buffer(m_isolate, data.size()).ToLocal(&buffer)) {
        return;
      }
      std::memcpy(buffer->Data(), data.data(), data.size());
      payload = buffer;
    } else {
      v8::Local<v8::String> text;
      if (!new_string(m_isolate, data).ToLocal(&text)) {
        return;
      }
      payload = text;
    }
    v8::Local<v8::Value> args[] = {v8::Integer::NewFromUnsigned(m_isolate, socket_id),
                                   v8_str(m_isolate, kind), payload,
                                   v8::Integer::New(m_isolate, code)};
    std::ignore = m_hooks.ws_event.Get(m_isolate)->Call(context, context->Global(), 4, args);
  });
}

void WorkerImpl::close_sockets() {
  for (auto& [id, connection] : m_sockets) {
    connection->close(1001, "worker stopped");
  }
  m_sockets.clear();
  m_accepted.clear();
  m_accepted_sockets = 0;
}

}  // namespace runtime
