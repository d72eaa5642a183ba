// The build's products, linked in by sbfn_embed (see cmake/JsBundles.cmake).
#include "runtime/embedded.hpp"

extern "C" {
extern const char sbfn_worker_snapshot[];
extern const unsigned long sbfn_worker_snapshot_size;
extern const char sbfn_compiler_snapshot[];
extern const unsigned long sbfn_compiler_snapshot_size;
extern const char sbfn_node_js[];
extern const unsigned long sbfn_node_js_size;
extern const char sbfn_testing_js[];
extern const unsigned long sbfn_testing_js_size;
extern const char sbfn_idna_js[];
extern const unsigned long sbfn_idna_js_size;
extern const char sbfn_typescript_js[];
extern const unsigned long sbfn_typescript_js_size;
}

namespace runtime {

Assets embedded_assets() {
  return {{sbfn_worker_snapshot, sbfn_worker_snapshot_size},
          {sbfn_compiler_snapshot, sbfn_compiler_snapshot_size},
          {sbfn_typescript_js, sbfn_typescript_js_size},
          {sbfn_node_js, sbfn_node_js_size},
          {sbfn_testing_js, sbfn_testing_js_size},
          {sbfn_idna_js, sbfn_idna_js_size}};
}

}  // namespace runtime
