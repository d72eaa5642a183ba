#include "runtime/api/op_host.hpp"
#include "runtime/api/ops.hpp"
#include "runtime/v8_util.hpp"

namespace runtime::api {
namespace {

// map_position(url, line, column) -> [line, column] in the original source, or
// undefined when the module was not transpiled.
void map_position(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto position = OpHost::of(isolate).original_position(to_utf8(isolate, info[0]),
                                                        info[1]->Int32Value(context).FromMaybe(0),
                                                        info[2]->Int32Value(context).FromMaybe(0));
  if (!position) {
    return;
  }
  v8::Local<v8::Value> pair[] = {v8::Integer::New(isolate, position->line),
                                 v8::Integer::New(isolate, position->column)};
  info.GetReturnValue().Set(v8::Array::New(isolate, pair, 2));
}

// source_line(url, line) -> that line of the module's source (as written, not transpiled),
// or undefined: what error reports show under the message.
void source_line(const v8::FunctionCallbackInfo<v8::Value>& info) {
  auto* isolate = info.GetIsolate();
  auto context = isolate->GetCurrentContext();
  auto text = OpHost::of(isolate).source_line(to_utf8(isolate, info[0]),
                                              info[1]->Int32Value(context).FromMaybe(0));
  if (text) {
    v8::Local<v8::String> value;
    if (new_string(isolate, *text).ToLocal(&value)) {
      info.GetReturnValue().Set(value);
    }
  }
}

}  // namespace

std::vector<Op> stack_ops() {
  return {{"map_position", map_position}, {"source_line", source_line}};
}

}  // namespace runtime::api
