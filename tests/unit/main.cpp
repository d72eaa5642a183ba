// The doctest runner: V8 is initialised once for every runtime test.
#define DOCTEST_CONFIG_IMPLEMENT
#include "runtime/embedded.hpp"
#include "runtime/runtime.hpp"

#include <doctest/doctest.h>

int main(int argc, char** argv) {
  runtime::init(runtime::embedded_assets());
  doctest::Context context(argc, argv);
  return context.run();
}
