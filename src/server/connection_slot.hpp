#pragma once

#include <atomic>
#include <cstddef>
#include <utility>

namespace server {

// One client connection's place under --max-connections. It moves with the connection
// (to a worker's loop and back, into a WebSocket) and frees the place when the last
// owner lets go, so the count is right however the connection ends.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(std::atomic<std::size_t>& count) : m_count(&count) { ++count; }
  ConnectionSlot(ConnectionSlot&& other) noexcept
      : m_count(std::exchange(other.m_count, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept {
    if (this != &other) {
      release();
      m_count = std::exchange(other.m_count, nullptr);
    }
    return *this;
  }
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot() { release(); }

 private:
  void release() {
    if (m_count != nullptr) {
      --*m_count;
      m_count = nullptr;
    }
  }
  std::atomic<std::size_t>* m_count = nullptr;
};

}  // namespace server
