#include "runtime/api/op_errors.hpp"

#include "runtime/v8_util.hpp"

#include <cerrno>
#include <cstring>

namespace runtime::api {

const char* error_class(int error) {
  switch (error) {
    case ENOENT:
      return "NotFound";
    case EACCES:
    case EPERM:
      return "PermissionDenied";
    case ECONNREFUSED:
      return "ConnectionRefused";
    case ECONNRESET:
      return "ConnectionReset";
    case ECONNABORTED:
      return "ConnectionAborted";
    case ENOTCONN:
      return "NotConnected";
    case EADDRINUSE:
      return "AddrInUse";
    case EADDRNOTAVAIL:
      return "AddrNotAvailable";
    case EPIPE:
      return "BrokenPipe";
    case EEXIST:
      return "AlreadyExists";
    case EAGAIN:
      return "WouldBlock";
    case ETIMEDOUT:
      return "TimedOut";
    case EINTR:
      return "Interrupted";
    case EISDIR:
      return "IsADirectory";
    case ENOTDIR:
      return "NotADirectory";
    case ELOOP:
      return "FilesystemLoop";
    case ENETUNREACH:
      return "NetworkUnreachable";
    case EBUSY:
      return "Busy";
    case EINVAL:
      return "InvalidData";
    default:
      return "Error";
  }
}

void throw_coded(v8::Isolate* isolate, const std::string& cls, const std::string& message,
                 const std::string& code) {
  auto context = isolate->GetCurrentContext();
  auto error = v8::Exception::Error(v8_str(isolate, message)).As<v8::Object>();
  std::ignore = error->Set(context, v8_str(isolate, "name"), v8_str(isolate, cls));
  if (!code.empty()) {
    std::ignore = error->Set(context, v8_str(isolate, "code"), v8_str(isolate, code));
  }
  isolate->ThrowException(error);
}

void throw_os_error(v8::Isolate* isolate, int error, const std::string& context) {
  std::string message = std::strerror(error);
  message += " (os error " + std::to_string(error) + ")";
  if (!context.empty()) {
    message += ": " + context;
  }
  const char* name = strerrorname_np(error);
  throw_coded(isolate, error_class(error), message, name ? name : "");
}

}  // namespace runtime::api
