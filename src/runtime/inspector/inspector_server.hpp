#pragma once

#include "runtime/inspector/inspector.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace runtime::inspector {

class InspectorServerImpl;

// The inspector's port, as Node and Chrome serve it: GET /json/list (also /json) lists the
// targets with their webSocketDebuggerUrl and devtoolsFrontendUrl, GET /json/version
// names the browser and protocol, and a WebSocket to /<target id> is a CDP session with
// that worker. Runs on a thread of its own; each message goes to the target's queue.
// Requests whose Host header is not an IP address, localhost or the host it was given are
// refused, as Node does, so that a web page cannot reach the port through DNS rebinding.
class InspectorServer {
 public:
  // Binds now (throws util::Error when it cannot) and tells `targets` its endpoint.
  InspectorServer(const Address& address, std::shared_ptr<Targets> targets);
  ~InspectorServer();
  InspectorServer(const InspectorServer&) = delete;
  InspectorServer& operator=(const InspectorServer&) = delete;

  std::uint16_t port() const;
  // "HOST:PORT" as a URL wants it (an IPv6 host in brackets).
  std::string endpoint() const;

 private:
  std::unique_ptr<InspectorServerImpl> m_impl;
};

}  // namespace runtime::inspector
