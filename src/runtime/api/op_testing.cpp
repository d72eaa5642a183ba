// `sbfn test`'s ops (runtime/test_run.hpp): what js/testing.js reports and asks while it
// runs a test module. In a worker that is not running tests they do nothing.
#include "runtime/api/embedded_layer.hpp"
#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/assets.hpp"
#include "runtime/v8_util.hpp"

namespace runtime::api {
namespace {

using Info = v8::FunctionCallbackInfo<v8::Value>;

// test_event(json): one event of the runner, a JSON object.
void test_event(const Info& info) {
  auto* isolate = info.GetIsolate();
  OpHost::of(isolate).test_event(to_utf8(isolate, info[0]));
}

// test_should_stop() -> true when the remaining tests must not run (--fail-fast).
void test_should_stop(const Info& info) {
  info.GetReturnValue().Set(OpHost::of(info.GetIsolate()).test_should_stop());
}

// test_deadline(testId, ms): the running test must be over within `ms`; (0, 0) disarms.
void test_deadline(const Info& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  OpHost::of(isolate).test_deadline(info[0]->NumberValue(context).FromMaybe(0),
                                    info[1]->NumberValue(context).FromMaybe(0));
}

// testing_layer() -> the test runner's exports ({init}): js/testing/, a bundle embedded in
// the binary and kept out of the snapshot (serving never needs it).
void testing_layer(const Info& info) {
  static LayerCodeCache cache;
  return_embedded_layer(info, assets().testing_js, "sbfn:testing", cache);
}

}  // namespace

std::vector<Op> testing_ops() {
  return {{"testing_layer", testing_layer},
          {"test_event", test_event},
          {"test_should_stop", test_should_stop},
          {"test_deadline", test_deadline}};
}

}  // namespace runtime::api
