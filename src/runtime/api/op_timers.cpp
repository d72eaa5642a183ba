#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"

namespace runtime::api {
namespace {

// timer_start(id, delay_ms): the loop calls the fireTimer hook with `id` after the delay.
void timer_start(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto context = info.GetIsolate()->GetCurrentContext();
  double id = info[0]->NumberValue(context).FromMaybe(0);
  double delay = info[1]->NumberValue(context).FromMaybe(0);
  OpHost::of(info.GetIsolate()).start_timer(id, delay > 0 ? delay : 0);
}

void timer_cancel(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto context = info.GetIsolate()->GetCurrentContext();
  OpHost::of(info.GetIsolate()).cancel_timer(info[0]->NumberValue(context).FromMaybe(0));
}

}  // namespace

std::vector<Op> timer_ops() {
  return {{"timer_start", timer_start}, {"timer_cancel", timer_cancel}};
}

}  // namespace runtime::api
