#pragma once

// `sbfn serve --main-service DIR`: edge-runtime's model, for self-hosters whose main
// service (a TypeScript file doing authentication, CORS and routing itself) calls
// EdgeRuntime.userWorkers.create({...}) and worker.fetch(req). Every request goes to the
// main worker (no limits, the host's environment); the user workers it creates are pooled
// per servicePath under the server's policy, each with the limits and environment the
// main service gave it.

#include "server/functions.hpp"

#include "runtime/http.hpp"

#include <filesystem>
#include <memory>

namespace server {

class MainService {
 public:
  // Boots the main service (a folder with an index.{ts,tsx,js,mjs,jsx}, or a .sbfn
  // artifact); throws util::Error when it cannot be found or fails to boot. `settings`
  // and `hooks` are the server's: the policy, the project and the logs.
  MainService(const std::filesystem::path& path, WorkerSettings settings, FunctionHooks hooks);
  ~MainService();
  MainService(const MainService&) = delete;
  MainService& operator=(const MainService&) = delete;

  // Every request the server reads, as the client sent it.
  void dispatch(runtime::HttpRequest request, std::shared_ptr<runtime::ResponseSink> sink);

  // Workers alive: the main one and the user workers.
  std::size_t live_workers() const;

  // Stops every worker and waits until they have ended.
  void shutdown();

 private:
  class Pool;
  std::shared_ptr<Pool> m_pool;
  std::unique_ptr<FunctionTable> m_main;
};

}  // namespace server
