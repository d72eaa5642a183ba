#include "server/session_impl.hpp"

#include <boost/asio/post.hpp>

namespace server {

SessionSink::~SessionSink() {
  // A worker that vanished without answering (terminated mid-request) still owes the
  // client a response.
  if (!m_finished.exchange(true)) {
    bool head_sent = m_started.load();
    asio::post(m_session->executor(), [session = m_session, head_sent, request = m_request] {
      if (session->current(request)) {
        session->fail_response(runtime::Failure::worker_error, head_sent);
      }
    });
  }
}

void SessionSink::start(int status, std::string reason, runtime::HttpHeaders headers,
                        std::string body, bool streaming) {
  if (m_finished || m_started.exchange(true)) {
    return;
  }
  if (!streaming) {
    m_finished = true;
  }
  // Posted even when this thread runs the connection (one handed to this worker): writing
  // it inline, from inside the respond op, saved ~700 instructions but cost 20-40 % more
  // CPU time per request at 50 connections (bench/cpu_per_request.sh), with the same
  // system calls.
  asio::post(m_session->executor(), [session = m_session, request = m_request, status,
                                     reason = std::move(reason), headers = std::move(headers),
                                     body = std::move(body), streaming]() mutable {
    // A late answer to a request already given up on (504) must not be
    // written into the connection.
    if (session->current(request)) {
      session->start_response(status, reason, std::move(headers), std::move(body), streaming);
    }
  });
}

bool SessionSink::write(std::string chunk) {
  if (m_finished || m_gone) {
    return !m_gone;
  }
  m_backlog += chunk.size();
  asio::post(m_session->executor(),
             [session = m_session, request = m_request, chunk = std::move(chunk)]() mutable {
               if (session->current(request)) {
                 session->write_chunk(std::move(chunk));
               }
             });
  return true;
}

void SessionSink::when_drained(std::function<void(bool open)> ready) {
  {
    std::lock_guard lock(m_waiter_mutex);
    if (!m_gone && m_backlog > runtime::k_response_backlog_limit / 2) {
      m_waiter = std::move(ready);
      return;
    }
  }
  ready(!m_gone);
}

std::function<void(bool)> SessionSink::take_waiter() {
  std::lock_guard lock(m_waiter_mutex);
  return std::exchange(m_waiter, nullptr);
}

void SessionSink::drained(std::size_t bytes) {
  if (m_backlog.fetch_sub(bytes) - bytes > runtime::k_response_backlog_limit / 2) {
    return;
  }
  if (auto waiter = take_waiter()) {
    waiter(true);
  }
}

void SessionSink::client_gone() {
  m_gone = true;
  if (auto waiter = take_waiter()) {
    waiter(false);
  }
}

void SessionSink::end() {
  if (m_finished.exchange(true)) {
    return;
  }
  asio::post(m_session->executor(), [session = m_session, request = m_request] {
    if (session->current(request)) {
      session->end_stream();
    }
  });
}

void SessionSink::fail(runtime::Failure failure) {
  if (m_finished.exchange(true)) {
    return;
  }
  bool head_sent = m_started.load();
  asio::post(m_session->executor(), [session = m_session, request = m_request, failure, head_sent] {
    if (session->current(request)) {
      session->fail_response(failure, head_sent);
    }
  });
}

void BodySource::pull(Deliver deliver) {
  asio::post(m_session->executor(),
             [session = m_session, body = m_body, deliver = std::move(deliver)]() mutable {
               session->pull_body(body, std::move(deliver));
             });
}

namespace {

// What the worker holds of an accepted WebSocket: every call hops onto the strand.
// The WebSocket API has no way to make send() wait, so a client that falls this far
// behind is closed (1008) rather than buffered for without end. A message into an
// empty queue always goes, whatever its size.
constexpr std::size_t k_websocket_backlog_limit = 4 * runtime::k_response_backlog_limit;

class WsChannel : public runtime::WebSocketConnection {
 public:
  WsChannel(std::shared_ptr<Session> session, std::shared_ptr<std::atomic<std::size_t>> queued)
      : m_session(std::move(session)), m_queued(std::move(queued)) {}
  void send(std::string data, bool binary) override {
    auto queued = m_queued->load();
    if (queued > 0 && queued + data.size() > k_websocket_backlog_limit) {
      if (!m_overflowed.exchange(true)) {
        close(1008, "the client is not reading fast enough");
      }
      return;
    }
    *m_queued += data.size();
    asio::post(m_session->executor(),
               [session = m_session, queued = m_queued, data = std::move(data), binary]() mutable {
                 if (auto ws = session->websocket_session()) {
                   ws->send(std::move(data), binary);
                 } else {
                   *queued -= data.size();
                 }
               });
  }
  void close(int code, std::string reason) override {
    asio::post(m_session->executor(),
               [session = m_session, code, reason = std::move(reason)]() mutable {
                 if (auto ws = session->websocket_session()) {
                   ws->close(code, std::move(reason));
                 }
               });
  }

 private:
  std::shared_ptr<Session> m_session;
  std::shared_ptr<std::atomic<std::size_t>> m_queued;
  std::atomic<bool> m_overflowed{false};
};

}  // namespace

std::shared_ptr<runtime::WebSocketConnection> SessionSink::upgrade(
    std::string protocol, std::shared_ptr<runtime::WebSocketPeer> peer) {
  if (m_finished.exchange(true)) {
    return nullptr;
  }
  m_started = true;
  auto queued = std::make_shared<std::atomic<std::size_t>>(0);
  asio::post(m_session->executor(), [session = m_session, request = m_request,
                                     protocol = std::move(protocol), peer, queued]() mutable {
    if (session->current(request)) {
      session->start_websocket(std::move(protocol), std::move(peer), queued);
    } else {
      peer->on_close(1006, "");
    }
  });
  return std::make_shared<WsChannel>(m_session, std::move(queued));
}

}  // namespace server
