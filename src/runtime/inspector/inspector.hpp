#pragma once

// V8's inspector for `sbfn serve --inspect` and `sbfn test --inspect-brk`: every worker is
// a debugging target that Chrome DevTools or VS Code reach over the Chrome DevTools
// Protocol (CDP). Three parts, each in a file of its own:
//   Target / Targets (target.cpp): what the listener and a worker share, thread-safe;
//   WorkerInspector (worker_inspector.hpp): the V8 side, on the worker's thread only;
//   InspectorServer (inspector_server.hpp): HTTP (/json/list) and WebSocket on a port.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace runtime::inspector {

// run: debuggers may attach at any time; wait: a worker waits for one before it runs
// its main module; brk: waits, then pauses on the module's first statement.
enum class Mode { run, wait, brk };

// Where the inspector listens: `--inspect=HOST:PORT`, `--inspect=PORT` or bare `--inspect`.
struct Address {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9229;
};

// Parses the value of `--inspect=`: "", "PORT", "HOST:PORT", "[IPv6]:PORT" or "HOST" (the
// default port). No host given means loopback, never all interfaces. Throws util::Error
// saying what is wrong with `value` (the CLI names the flag and makes it a usage error).
Address parse_address(const std::string& value);

// What `--inspect`, `--inspect-wait` and `--inspect-brk` ask for.
struct Settings {
  Address address;
  Mode mode = Mode::run;
};

// One worker as a debugger sees it. The listener's side (attach, receive, detach) runs on
// its own thread; the worker's side (next, send) on the worker's. A frontend's messages
// wait in a queue until the worker takes them: V8's inspector is not thread-safe.
class Target {
 public:
  Target(std::string id, std::string title, std::string url);

  const std::string& id() const { return m_id; }
  const std::string& title() const { return m_title; }
  const std::string& url() const { return m_url; }

  // --- listener side ---
  // A frontend connects: `send` gets every message for it, `close` is called once when the
  // worker ends. False when another frontend is attached or the worker has ended.
  bool attach(std::function<void(std::string)> send, std::function<void()> close);
  void receive(std::string message);  // a CDP message from the frontend
  void detach();                      // the frontend went away
  bool attached() const;

  // --- worker side ---
  struct Incoming {
    enum class Kind { attached, message, detached, ended };
    Kind kind;
    std::string message;
  };
  // The next thing that happened; with `block`, waits for it (a paused worker), else
  // nullopt when nothing is queued. `ended` once end() was called, from then on.
  std::optional<Incoming> next(bool block);
  void send(std::string message);  // to the attached frontend, if any
  // Called (from the listener's thread) whenever something is queued while the worker is
  // not blocked in next(): it must make the worker's loop call next(false) soon.
  void set_wake(std::function<void()> wake);
  // The worker is ending: a blocked next() returns `ended`, the frontend is closed.
  void end();
  bool ended() const;

 private:
  void push(Incoming incoming);

  const std::string m_id;
  const std::string m_title;
  const std::string m_url;
  mutable std::mutex m_mutex;
  std::condition_variable m_arrived;
  std::deque<Incoming> m_queue;
  std::function<void(std::string)> m_send;
  std::function<void()> m_close;
  std::function<void()> m_wake;
  bool m_attached = false;
  bool m_ended = false;
};

// The targets of one process, for the listener's /json/list. Thread-safe.
class Targets {
 public:
  // A new target with a fresh id (a UUID, as Node's).
  std::shared_ptr<Target> add(std::string title, std::string url);
  void remove(const std::shared_ptr<Target>& target);
  std::shared_ptr<Target> find(const std::string& id) const;
  std::vector<std::shared_ptr<Target>> list() const;

  // Where the listener is, for the "Debugger listening on ws://..." lines.
  void set_endpoint(std::string host_port) {
    std::lock_guard lock(m_mutex);
    m_endpoint = std::move(host_port);
  }
  std::string endpoint() const {
    std::lock_guard lock(m_mutex);
    return m_endpoint;
  }

 private:
  mutable std::mutex m_mutex;
  std::vector<std::shared_ptr<Target>> m_targets;
  std::string m_endpoint;
};

// What a worker needs to be inspected (WorkerOptions::inspect).
struct InspectOptions {
  std::shared_ptr<Targets> targets;
  Mode mode = Mode::run;
};

}  // namespace runtime::inspector
