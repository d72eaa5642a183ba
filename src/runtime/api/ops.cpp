#include "runtime/api/ops.hpp"

#include "runtime/assets.hpp"
#include "runtime/v8_util.hpp"

namespace runtime::api {

const std::vector<Op>& all_ops() {
  static const std::vector<Op> ops = [] {
    std::vector<Op> out;
    for (auto list : {text_ops(),        misc_ops(),      clone_ops(),      timer_ops(),
                      http_ops(),        websocket_ops(), fs_ops(),         stack_ops(),
                      compression_ops(), fetch_ops(),     crypto_key_ops(), crypto_ops(),
                      tmpfs_ops(),       net_ops(),       process_ops(),    node_ops(),
                      node_crypto_ops(), testing_ops(),   node_zlib_ops(),  node_async_ops(),
                      node_v8_ops(),     idna_ops(),      user_worker_ops()}) {
      out.insert(out.end(), list.begin(), list.end());
    }
    return out;
  }();
  return ops;
}

void install_ops(v8::Local<v8::Context> context) {
  auto* isolate = context->GetIsolate();
  auto ops = v8::Object::New(isolate);
  for (const auto& op : all_ops()) {
    auto fn =
        v8::FunctionTemplate::New(isolate, op.callback, {}, {}, 0, v8::ConstructorBehavior::kThrow)
            ->GetFunction(context)
            .ToLocalChecked();
    fn->SetName(v8_str(isolate, op.name));
    std::ignore = ops->Set(context, v8_str(isolate, op.name), fn);
  }
  std::ignore = context->Global()->Set(context, v8_str(isolate, "__ops"), ops);
}

const intptr_t* external_references() {
  static const std::vector<intptr_t> refs = [] {
    std::vector<intptr_t> out;
    for (const auto& op : api::all_ops()) {
      out.push_back(reinterpret_cast<intptr_t>(op.callback));
    }
    out.push_back(0);
    return out;
  }();
  return refs.data();
}

}  // namespace runtime::api
