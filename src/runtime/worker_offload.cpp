// OpHost::offload: work an op hands to a process-wide thread pool, settled back on the
// worker's own thread through its mailbox, with the promises body pulls use (m_pulls), so
// a worker that ends first simply never sees the result. The pool's CPU time is charged
// to the worker that asked (its CPU limits hold for it), and work still queued when its
// worker has ended is skipped, so a function cannot leave the pool busy behind it.
#include "runtime/watchdog.hpp"
#include "runtime/worker_impl.hpp"

#include <boost/asio/thread_pool.hpp>

#include <ctime>

namespace runtime {
namespace {

// Two threads, like the machine's cores: enough for a few key generations or password
// hashes at once without taking the CPU from the workers.
boost::asio::thread_pool& offload_pool() {
  static boost::asio::thread_pool pool(2);
  return pool;
}

std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

v8::Local<v8::Promise> WorkerImpl::offload(std::function<Settle()> work) {
  auto context = m_context.Get(m_isolate);
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) {
    return {};  // terminating
  }
  auto id = m_next_pull_id++;
  m_pulls.emplace(id, v8::Global<v8::Promise::Resolver>(m_isolate, resolver));
  int ticket = m_watch_ticket;
  boost::asio::post(offload_pool(), [mailbox = m_mailbox, id, ticket, work = std::move(work)]() {
    if (!mailbox->open()) {
      return;  // its worker has ended: nobody is waiting for this
    }
    auto started = thread_cpu_time();
    auto settle = work();
    Watchdog::instance().charge(ticket, thread_cpu_time() - started);
    mailbox->post([id, settle = std::move(settle)](WorkerImpl& worker) {
      worker.settle_pending(id, settle);
    });
  });
  return resolver->GetPromise();
}

}  // namespace runtime
