// TEMPORARY scratch harness (to be deleted).
#include "runtime/module_source.hpp"
#include "support/worker_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

TEST_CASE("zz_scratch") {
  if (const char* cases = std::getenv("SCRATCH_CASES")) {
    std::ifstream in(cases);
    auto list = nlohmann::json::parse(in);
    auto out = nlohmann::json::array();
    for (auto& item : list) {
      auto r = test_support::eval(item[1].get<std::string>());
      out.push_back({r.type, r.value});
    }
    std::cout << "JSON " << out.dump() << "\n";
    return;
  }
  const char* src = std::getenv("SCRATCH_EVAL");
  if (!src) return;
  std::ifstream in(src);
  std::stringstream ss;
  ss << in.rdbuf();
  runtime::WorkerOptions options;
  if (const char* main = std::getenv("SCRATCH_MAIN")) {
    options.main_module = runtime::path_to_file_url(main);
    options.root = std::filesystem::path(main).parent_path();
  }
  test_support::ScriptWorker worker(options);
  auto r = worker.eval(ss.str());
  for (auto& line : worker.output()) std::cout << "LOG " << line << "\n";
  std::cout << "TYPE " << r.type << "\nVALUE " << r.value << "\n";
}
