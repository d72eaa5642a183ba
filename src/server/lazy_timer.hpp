#pragma once
// A deadline that moves on every request and rarely passes: a connection's read deadline,
// a request's idle timeout. Moving it later is a store, not a timer operation: the asio
// timer is armed at most once at a time and, when it fires before the deadline (which has
// moved meanwhile), arms itself again for the deadline as it is then. A keep-alive
// connection thus costs a timer operation per timeout period, not two per request.
#include "server/net.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <memory>

namespace server {

class LazyTimer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LazyTimer(const asio::any_io_executor& executor) : m_timer(executor) {}

  // The deadline is now `after` from now; when it passes, `owner.*expired()` runs on the
  // timer's executor (if `owner`, held weakly, is still alive).
  template <class Owner>
  void expires_after(Clock::duration after, Owner& owner, void (Owner::*expired)()) {
    m_deadline = Clock::now() + after;
    if (!m_armed || m_timer.expiry() > m_deadline) {
      arm(owner, expired);
    }
  }

  // No deadline: a wait in flight finds none and ends.
  void clear() { m_deadline = Clock::time_point::max(); }

  // No deadline, and the wait ends now (the connection is closing).
  void cancel() {
    clear();
    if (m_armed) {
      m_armed = false;
      m_timer.cancel();
    }
  }

 private:
  template <class Owner>
  void arm(Owner& owner, void (Owner::*expired)()) {
    m_armed = true;
    m_timer.expires_at(m_deadline);
    // `this` is a member of the owner: reached only once the owner is known to be alive.
    m_timer.async_wait(
        [this, weak = owner.weak_from_this(), expired](boost::system::error_code error) {
          auto self = weak.lock();
          if (error == asio::error::operation_aborted || !self) {
            return;  // moved earlier (a newer wait is armed) or cancelled
          }
          m_armed = false;
          if (m_deadline == Clock::time_point::max()) {
            return;
          }
          if (Clock::now() < m_deadline) {
            arm(*self, expired);
            return;
          }
          m_deadline = Clock::time_point::max();
          ((*self).*expired)();
        });
  }

  asio::steady_timer m_timer;
  Clock::time_point m_deadline = Clock::time_point::max();
  bool m_armed = false;  // a wait is in flight
};

}  // namespace server
