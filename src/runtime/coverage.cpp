// V8's precise coverage through an in-process inspector session: a client that never
// pauses, a channel that keeps the answers, and the three Profiler commands Deno sends.
#include "runtime/coverage.hpp"

#include "runtime/inspector/protocol_string.hpp"
#include "util/error.hpp"

#include <v8-inspector.h>

#include <map>
#include <string_view>

namespace runtime {
namespace {

using inspector::to_utf8;
using inspector::view_of;

constexpr int k_context_group = 1;

// Every answer arrives while dispatchProtocolMessage runs (the Profiler domain answers
// synchronously): kept by call id until asked for. Notifications are not needed.
class Channel final : public v8_inspector::V8Inspector::Channel {
 public:
  void sendResponse(int call_id, std::unique_ptr<v8_inspector::StringBuffer> message) override {
    m_responses[call_id] = to_utf8(message->string());
  }
  void sendNotification(std::unique_ptr<v8_inspector::StringBuffer>) override {}
  void flushProtocolNotifications() override {}

  std::string take(int call_id) {
    auto found = m_responses.find(call_id);
    if (found == m_responses.end()) {
      return {};
    }
    auto text = std::move(found->second);
    m_responses.erase(found);
    return text;
  }

 private:
  std::map<int, std::string> m_responses;
};

// Nothing here ever pauses: the defaults (no message loop) are what a profiler needs.
class Client final : public v8_inspector::V8InspectorClient {};

}  // namespace

class CoverageSession::Impl {
 public:
  Impl(v8::Isolate* isolate, v8::Local<v8::Context> context)
      : m_inspector(v8_inspector::V8Inspector::create(isolate, &m_client)) {
    m_inspector->contextCreated(
        v8_inspector::V8ContextInfo(context, k_context_group, view_of("sbfn test")));
    m_session = m_inspector->connect(k_context_group, &m_channel, {});
    call("Profiler.enable", "{}");
    call("Profiler.startPreciseCoverage", R"({"callCount":true,"detailed":true})");
  }
  ~Impl() {
    m_session.reset();
    m_inspector.reset();
  }

  // The answer's JSON ({"id":N,"result":{...}} or {"id":N,"error":{...}}).
  std::string call(std::string_view method, std::string_view params) {
    int id = ++m_next_id;
    std::string message = "{\"id\":" + std::to_string(id) + ",\"method\":\"" + std::string(method) +
                          "\",\"params\":" + std::string(params) + "}";
    m_session->dispatchProtocolMessage(view_of(message));
    auto answer = m_channel.take(id);
    // An error answer has "error" where a result has "result" (a function may be named
    // "error": only the first key counts).
    auto result_at = answer.find("\"result\":");
    auto error_at = answer.find("\"error\":");
    if (result_at == std::string::npos || (error_at != std::string::npos && error_at < result_at)) {
      throw util::Error("the V8 inspector did not answer " + std::string(method) + ": " + answer);
    }
    return answer;
  }

 private:
  Client m_client;
  Channel m_channel;
  std::unique_ptr<v8_inspector::V8Inspector> m_inspector;
  std::unique_ptr<v8_inspector::V8InspectorSession> m_session;
  int m_next_id = 0;
};

CoverageSession::CoverageSession(v8::Isolate* isolate, v8::Local<v8::Context> context)
    : m_impl(std::make_unique<Impl>(isolate, context)) {}

CoverageSession::~CoverageSession() = default;

std::string CoverageSession::take() {
  // {"id":N,"result":{"result":[...],"timestamp":T}}: the array, cut out without parsing
  // (it can be megabytes; the tester parses it once).
  auto answer = m_impl->call("Profiler.takePreciseCoverage", "{}");
  auto key = answer.find("\"result\":[");
  auto end = answer.rfind(']');
  if (key == std::string::npos || end == std::string::npos || end < key) {
    throw util::Error("the V8 inspector's coverage has no result");
  }
  auto start = key + std::string_view("\"result\":").size();
  return answer.substr(start, end - start + 1);
}

}  // namespace runtime
