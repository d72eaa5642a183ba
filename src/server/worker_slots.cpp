#include "server/worker_slots.hpp"

#include <vector>

namespace server {

WorkerSlots::WorkerSlots(std::size_t max_live, std::chrono::milliseconds wait)
    : m_max_live(max_live == 0 ? 1 : max_live), m_wait(wait), m_thread([this] { run(); }) {}

WorkerSlots::~WorkerSlots() {
  close();
  m_thread.join();
}

void WorkerSlots::acquire(std::function<void()> start, std::function<void()> refuse) {
  {
    std::lock_guard lock(m_mutex);
    if (m_closed) {
      // fall through to refuse() below, outside the lock
    } else if (m_live < m_max_live && m_waiting.empty()) {
      ++m_live;
      refuse = nullptr;
    } else {
      m_waiting.push_back(
          {std::move(start), std::move(refuse), std::chrono::steady_clock::now() + m_wait});
      m_wake.notify_all();
      return;
    }
  }
  if (refuse) {
    refuse();
  } else {
    start();
  }
}

void WorkerSlots::release() {
  std::function<void()> start;
  {
    std::lock_guard lock(m_mutex);
    if (!m_closed && !m_waiting.empty()) {
      start = std::move(m_waiting.front().start);  // the slot passes on as it is
      m_waiting.pop_front();
    } else if (m_live > 0) {
      --m_live;
    }
  }
  if (start) {
    start();
  }
}

void WorkerSlots::close() {
  std::deque<Waiting> refused;
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
    refused.swap(m_waiting);
    m_wake.notify_all();
  }
  for (auto& waiting : refused) {
    waiting.refuse();
  }
}

void WorkerSlots::run() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    if (m_closed) {
      return;
    }
    if (m_waiting.empty()) {
      m_wake.wait(lock);
      continue;
    }
    // Everyone waits equally long, so the oldest is always the first to time out.
    auto deadline = m_waiting.front().deadline;
    if (std::chrono::steady_clock::now() < deadline) {
      m_wake.wait_until(lock, deadline);
      continue;
    }
    std::vector<std::function<void()>> refused;
    auto now = std::chrono::steady_clock::now();
    while (!m_waiting.empty() && m_waiting.front().deadline <= now) {
      refused.push_back(std::move(m_waiting.front().refuse));
      m_waiting.pop_front();
    }
    lock.unlock();
    for (auto& refuse : refused) {
      refuse();
    }
    lock.lock();
  }
}

}  // namespace server
