// OpHost::offload: work an op hands to a process-wide thread pool, settled back on the
// worker's own thread through its mailbox, with the promises body pulls use (m_pulls), so
// a worker that ends first simply never sees the result.
#include "runtime/worker_impl.hpp"

#include <boost/asio/thread_pool.hpp>

namespace runtime {
namespace {

// Two threads, like the machine's cores: enough for a few key generations or password
// hashes at once without taking the CPU from the workers.
boost::asio::thread_pool& offload_pool() {
  static boost::asio::thread_pool pool(2);
  return pool;
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
  boost::asio::post(offload_pool(), [mailbox = m_mailbox, id, work = std::move(work)]() {
    auto settle = work();
    mailbox->post([id, settle = std::move(settle)](WorkerImpl& worker) {
      worker.settle_pending(id, settle);
    });
  });
  return resolver->GetPromise();
}

}  // namespace runtime
