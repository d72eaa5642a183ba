// Responses travel back from JavaScript to the server through these ops.
#include "runtime/api/http_token.hpp"
#include "runtime/api/op_errors.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

namespace runtime::api {
namespace {

std::uint32_t request_id(const v8::FunctionCallbackInfo<v8::Value>& info) {
  return uint32_arg(info, 0);
}

// A string becomes UTF-8; bytes are copied as they are.
std::string body_bytes(v8::Isolate* isolate, v8::Local<v8::Value> body) {
  if (auto bytes = buffer_source_bytes(body)) {
    return std::string(*bytes);
  }
  if (body->IsNullOrUndefined()) {
    return {};
  }
  return to_utf8(isolate, body);
}

// The last word on what reaches the wire, whatever JavaScript did to its own checks
// (a function can replace RegExp.prototype.test, or a Response's statusText getter):
// a CR or LF in a head would split the response, and on a connection a load balancer
// reuses for other clients that poisons their answers.
constexpr std::size_t k_max_response_head = 256 * 1024;

// field-value and reason-phrase alike: no CR, LF or NUL (the other bytes are the
// client's to judge, as in Deno).
bool valid_text(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// `count` strings name, value, name, value, ... (`at(i)` gives the i-th), checked; nothing on
// a refusal (an exception is then pending).
template <class At>
std::optional<HttpHeaders> checked_headers(v8::Isolate* isolate, std::uint32_t count, At at,
                                           std::size_t head_size) {
  HttpHeaders headers;
  headers.reserve(count / 2);
  for (uint32_t i = 0; i + 1 < count; i += 2) {
    v8::Local<v8::Value> name;
    v8::Local<v8::Value> field;
    if (!at(i).ToLocal(&name) || !at(i + 1).ToLocal(&field)) {
      return std::nullopt;
    }
    if (!name->IsString() || !field->IsString()) {
      throw_type_error(isolate, "Response header names and values must be strings");
      return std::nullopt;
    }
    // A string's bytes (one per character, or UTF-8) are never fewer than its length:
    // refuse before copying.
    head_size += name.As<v8::String>()->Length() + field.As<v8::String>()->Length() + 4;
    if (head_size > k_max_response_head) {
      throw_range_error(isolate, "Response headers are too large (more than " +
                                     std::to_string(k_max_response_head / 1024) + " KB)");
      return std::nullopt;
    }
    auto& [name_text, value_text] =
        headers.emplace_back(byte_string_bytes(isolate, name), byte_string_bytes(isolate, field));
    if (!is_http_token(name_text)) {
      throw_type_error(isolate, "Header name is not valid: \"" + clip(name_text, 100) + "\"");
      return std::nullopt;
    }
    if (!valid_text(value_text)) {
      throw_type_error(
          isolate, "Header value is not valid (CR, LF or NUL): \"" + clip(value_text, 100) + "\"");
      return std::nullopt;
    }
  }
  return headers;
}

// The flat [name, value, ...] array of strings, checked.
std::optional<HttpHeaders> headers_from(v8::Isolate* isolate, v8::Local<v8::Value> value,
                                        std::size_t head_size) {
  if (!value->IsArray()) {
    return HttpHeaders();
  }
  auto context = isolate->GetCurrentContext();
  auto flat = value.As<v8::Array>();
  return checked_headers(
      isolate, flat->Length(), [&](std::uint32_t i) { return flat->Get(context, i); }, head_size);
}

// The arguments from `first` on, name, value, ...: the whole response's op takes its
// headers spread, which spares an array read element by element through the API.
std::optional<HttpHeaders> headers_from_args(const v8::FunctionCallbackInfo<v8::Value>& info,
                                             int first, std::size_t head_size) {
  auto count = static_cast<std::uint32_t>(std::max(info.Length() - first, 0));
  return checked_headers(
      info.GetIsolate(), count,
      [&](std::uint32_t i) { return v8::MaybeLocal<v8::Value>(info[first + static_cast<int>(i)]); },
      head_size);
}

// A Response's statusText, when it set one; nothing (and a TypeError) when it cannot go
// on the status line.
std::optional<std::string> reason_of(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (!value->IsString()) {
    return std::string();
  }
  if (value.As<v8::String>()->Length() > 1024) {
    throw_range_error(isolate, "statusText is too long (more than 1024 characters)");
    return std::nullopt;
  }
  auto reason = to_utf8(isolate, value);
  if (!valid_text(reason)) {
    throw_type_error(isolate, "Invalid statusText (CR, LF or NUL)");
    return std::nullopt;
  }
  return reason;
}

// respond(id, status, body, statusText, name, value, ...) or respond(id, status, body,
// statusText, [name, value, ...]): the whole response at once.
void respond(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto& worker = OpHost::of(isolate);
  auto id = request_id(info);
  if (auto sink = worker.sink(id)) {
    int status = info[1]->Int32Value(isolate->GetCurrentContext()).FromMaybe(200);
    auto reason = reason_of(isolate, info[3]);
    if (!reason) {
      return;
    }
    // A long list (a Set-Cookie flood) comes as one array: spread, it could overflow the stack.
    auto headers = info.Length() == 5 ? headers_from(isolate, info[4], reason->size())
                                      : headers_from_args(info, 4, reason->size());
    if (!headers) {
      return;
    }
    sink->start(status, std::move(*reason), std::move(*headers), body_bytes(isolate, info[2]),
                false);
    worker.finish_request(id);
  }
}

// respond_start(id, status, headers, statusText): the head of a streamed response.
void respond_start(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  if (auto sink = OpHost::of(isolate).sink(request_id(info))) {
    int status = info[1]->Int32Value(isolate->GetCurrentContext()).FromMaybe(200);
    auto reason = reason_of(isolate, info[3]);
    if (!reason) {
      return;
    }
    auto headers = headers_from(isolate, info[2], reason->size());
    if (!headers) {
      return;
    }
    sink->start(status, std::move(*reason), std::move(*headers), {}, true);
  }
}

// respond_chunk(id, chunk) -> false once the client has gone (the stream should stop),
// true to go on, or, when the client is behind, a Promise of one of those that settles
// once it has caught up: the stream is read no faster than the client reads.
void respond_chunk(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto& worker = OpHost::of(isolate);
  auto sink = worker.sink(request_id(info));
  if (!sink) {
    info.GetReturnValue().Set(false);
    return;
  }
  auto chunk = body_bytes(isolate, info[1]);
  if (chunk.empty()) {
    info.GetReturnValue().Set(true);
    return;
  }
  if (!sink->write(std::move(chunk))) {
    info.GetReturnValue().Set(false);
    return;
  }
  if (sink->saturated()) {
    info.GetReturnValue().Set(worker.when_drained(sink));
    return;
  }
  info.GetReturnValue().Set(true);
}

void respond_end(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto& worker = OpHost::of(info.GetIsolate());
  auto id = request_id(info);
  if (auto sink = worker.sink(id)) {
    sink->end();
    worker.finish_request(id);
  }
}

// respond_error(id): the handler failed; JavaScript has already logged why.
void respond_error(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto& worker = OpHost::of(info.GetIsolate());
  auto id = request_id(info);
  if (auto sink = worker.sink(id)) {
    sink->fail(Failure::worker_error);
    worker.finish_request(id);
  }
}

// body_pull(id) -> Promise<Uint8Array | null>: the next piece of a streamed request body.
void body_pull(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(OpHost::of(info.GetIsolate()).pull_body(request_id(info)));
}

// serve_listen(hostname, port) -> [listener id, port] | null: Deno.serve's socket, where
// this worker opens its own (a test module); null where the server feeds it.
void serve_listen(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto hostname = to_utf8(isolate, info[0]);
  auto port = uint32_arg(info, 1);
  if (port > 65535) {
    throw_coded(isolate, "TypeError", "Invalid port: " + std::to_string(port));
    return;
  }
  try {
    auto opened = OpHost::of(isolate).listen(hostname, static_cast<std::uint16_t>(port));
    if (!opened) {
      info.GetReturnValue().SetNull();
      return;
    }
    v8::Local<v8::Value> pair[] = {v8::Integer::NewFromUnsigned(isolate, opened->first),
                                   v8::Integer::NewFromUnsigned(isolate, opened->second)};
    info.GetReturnValue().Set(v8::Array::New(isolate, pair, 2));
  } catch (const std::system_error& error) {
    throw_os_error(isolate, error.code().value(), "");
  }
}

// request_headers(id) -> [name, value, ...] of an open request, or null once it is
// answered (JavaScript then throws "Request closed", as Deno does). Asked for on the
// first use of request.headers, so a handler that reads none makes no strings.
void request_headers(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  const auto* headers = OpHost::of(isolate).request_headers(request_id(info));
  if (headers == nullptr) {
    info.GetReturnValue().SetNull();
    return;
  }
  std::vector<v8::Local<v8::Value>> flat;
  flat.reserve(headers->size() * 2);
  for (const auto& [name, value] : *headers) {
    flat.push_back(byte_string(isolate, name));
    flat.push_back(byte_string(isolate, value));
  }
  info.GetReturnValue().Set(v8::Array::New(isolate, flat.data(), flat.size()));
}

// serve_close(listener id): the listener takes no new connections.
void serve_close(const v8::FunctionCallbackInfo<v8::Value>& info) {
  OpHost::of(info.GetIsolate()).close_listener(uint32_arg(info, 0));
}

}  // namespace

std::vector<Op> http_ops() {
  return {{"respond", respond},
          {"respond_start", respond_start},
          {"respond_chunk", respond_chunk},
          {"respond_end", respond_end},
          {"respond_error", respond_error},
          {"body_pull", body_pull},
          {"request_headers", request_headers},
          {"serve_listen", serve_listen},
          {"serve_close", serve_close}};
}

}  // namespace runtime::api
