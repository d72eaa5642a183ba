#pragma once

#include <string>
#include <utility>
#include <vector>

namespace runtime {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// A request as it crosses from the server's threads to a worker's thread.
struct HttpRequest {
  std::string method;
  std::string url;  // absolute: http://host/<path the function sees>?query
  HttpHeaders headers;
  std::string body;
};

// Why a worker could not produce a response; each maps to one status and body.
enum class Failure {
  boot_error,    // 503 BOOT_ERROR: the module failed to load or registered no handler
  worker_error,  // 500 WORKER_ERROR: the handler threw, or the worker died
  limit,         // 546 WORKER_LIMIT: memory or CPU limit
  timeout,       // 504: the request idle timeout
};

// Receives one response. Implemented by the server; every method may be called from
// the worker's thread and must hand the work to the connection's own executor.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // The head, and the whole body unless `streaming`; then write()/end() follow.
  virtual void start(int status, HttpHeaders headers, std::string body, bool streaming) = 0;
  virtual void write(std::string chunk) = 0;
  virtual void end() = 0;
  virtual void fail(Failure failure) = 0;
};

}  // namespace runtime
