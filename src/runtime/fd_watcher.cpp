#include "runtime/fd_watcher.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <unordered_map>

namespace runtime {

struct FdWatcher::State : std::enable_shared_from_this<State> {
  struct Socket {
    Socket(boost::asio::io_context& io, int fd_) : descriptor(io, fd_), fd(fd_) {}
    boost::asio::posix::stream_descriptor descriptor;
    int fd;
    bool want_read = false;
    bool want_write = false;
    bool reading = false;  // a wait is queued
    bool writing = false;
    bool forgotten = false;
  };

  State(boost::asio::io_context& io_, Ready ready_) : io(io_), ready(std::move(ready_)) {}

  boost::asio::io_context& io;
  Ready ready;
  std::unordered_map<int, std::shared_ptr<Socket>> sockets;

  static void forget(Socket& socket) {
    socket.forgotten = true;
    boost::system::error_code ignored;
    socket.descriptor.cancel(ignored);
    socket.descriptor.release();  // the library closes the descriptor, not asio
  }

  void arm(const std::shared_ptr<Socket>& socket) {
    wait(socket, true);
    wait(socket, false);
  }

  // Queues a wait for reading (or writing) if the library wants one and none is queued.
  void wait(const std::shared_ptr<Socket>& socket, bool read) {
    bool& queued = read ? socket->reading : socket->writing;
    if (queued || !(read ? socket->want_read : socket->want_write)) {
      return;
    }
    queued = true;
    using Wait = boost::asio::posix::stream_descriptor::wait_type;
    socket->descriptor.async_wait(
        read ? Wait::wait_read : Wait::wait_write,
        [weak = weak_from_this(), socket, read](boost::system::error_code ec) {
          (read ? socket->reading : socket->writing) = false;
          fire(weak, socket, ec, read);
        });
  }

  static void fire(const std::weak_ptr<State>& weak, const std::shared_ptr<Socket>& socket,
                   boost::system::error_code ec, bool readable) {
    auto self = weak.lock();
    if (!self || ec || socket->forgotten) {
      return;
    }
    // A wait queued before the library changed its mind is not news to it.
    if (readable ? socket->want_read : socket->want_write) {
      // `self` keeps `ready` alive even if it ends the watcher.
      self->ready(socket->fd, readable, !readable);
    }
    if (!socket->forgotten) {
      self->arm(socket);
    }
  }
};

FdWatcher::FdWatcher(boost::asio::io_context& io, Ready ready)
    : m_state(std::make_shared<State>(io, std::move(ready))) {}

FdWatcher::~FdWatcher() {
  for (auto& [fd, socket] : m_state->sockets) {
    State::forget(*socket);
  }
  m_state->sockets.clear();
}

void FdWatcher::watch(int fd, bool read, bool write) {
  auto it = m_state->sockets.find(fd);
  if (!read && !write) {
    if (it != m_state->sockets.end()) {
      State::forget(*it->second);
      m_state->sockets.erase(it);
    }
    return;
  }
  if (it == m_state->sockets.end()) {
    it = m_state->sockets.emplace(fd, std::make_shared<State::Socket>(m_state->io, fd)).first;
  }
  it->second->want_read = read;
  it->second->want_write = write;
  m_state->arm(it->second);
}

}  // namespace runtime
