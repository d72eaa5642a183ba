#include "bundler/npm/node_resolution.hpp"

namespace bundler {

// One list of Node's built-ins: the runtime's, which serves them.
bool is_node_builtin(std::string_view name) {
  if (name.starts_with("node:")) {
    name.remove_prefix(5);
  }
  return runtime::is_node_builtin(name);
}

}  // namespace bundler
