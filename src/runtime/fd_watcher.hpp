#pragma once

#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace runtime {

// Waits, on an io_context, for descriptors that a C library owns and drives itself
// (libcurl's multi interface, c-ares): the library says which descriptors it wants to
// read or write, the watcher calls `ready` when one can be, and keeps waiting while the
// library still wants it. The watcher never reads, writes nor closes a descriptor.
// io_context thread only.
class FdWatcher {
 public:
  // `readable`/`writable`: what the descriptor is ready for. `ready` may call `watch`
  // (for this descriptor or any other) and may end the watcher.
  using Ready = std::function<void(int fd, bool readable, bool writable)>;
  FdWatcher(boost::asio::io_context& io, Ready ready);
  ~FdWatcher();  // forgets every descriptor; waits still queued find nothing to call
  FdWatcher(const FdWatcher&) = delete;
  FdWatcher& operator=(const FdWatcher&) = delete;

  // What to wait for on `fd` from now on; both false forgets it (call that before the
  // library closes it).
  void watch(int fd, bool read, bool write);

 private:
  struct State;
  std::shared_ptr<State> m_state;
};

}  // namespace runtime
