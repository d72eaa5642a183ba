// Which functions a file change concerns (hot reload): a path inside a function's folder,
// or a file outside it that one of its workers really loaded.
#include "server/functions.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

struct Project {
  Project() {
    root = fs::temp_directory_path() / ("sbfn-affected-" + std::to_string(::getpid()));
    write("functions/hello/index.ts",
          "import { greet } from '../_shared/greet.ts';\nDeno.serve(() => new "
          "Response(greet()));\n");
    write("functions/_shared/greet.ts", "export const greet = () => 'hi';\n");
    write("functions/_shared/unused.ts", "export const unused = 1;\n");
    write("functions/other/index.ts", "Deno.serve(() => new Response('other'));\n");
  }
  ~Project() {
    std::error_code ignored;
    fs::remove_all(root, ignored);
  }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((root / name).parent_path());
    std::ofstream(root / name) << text;
  }
  server::FunctionSpec spec(const std::string& slug) const {
    server::FunctionSpec spec;
    spec.config.slug = slug;
    spec.folder = root / "functions" / slug;
    spec.config.entrypoint = spec.folder / "index.ts";
    return spec;
  }
  fs::path root;
};

}  // namespace

TEST_CASE("server::FunctionTable::affected_by maps changed paths to functions") {
  Project project;
  server::WorkerSettings settings;
  settings.project.import_roots = {project.root / "functions"};
  std::vector<std::string> dependencies;
  server::FunctionHooks hooks;
  hooks.make_log = [](const std::string&) { return [](int, std::string_view) {}; };
  hooks.make_env = [](const server::FunctionSpec&) {
    return std::vector<std::pair<std::string, std::string>>{};
  };
  hooks.on_dependency = [&](const std::string& slug, const fs::path& path) {
    dependencies.push_back(slug + " " + path.filename().string());
  };
  server::FunctionTable table({project.spec("hello"), project.spec("other")}, settings, hooks);
  auto shared = project.root / "functions/_shared/greet.ts";

  // Before any worker ran, only folders count.
  CHECK(table.affected_by({project.root / "functions/hello/index.ts"}) ==
        std::vector<std::string>{"hello"});
  CHECK(table.affected_by({project.root / "functions/other/deep/x.json"}) ==
        std::vector<std::string>{"other"});
  CHECK(table.affected_by({shared}).empty());

  // Booting hello loads _shared/greet.ts: from then on a change to it concerns hello.
  auto worker = table.worker_for("hello");
  REQUIRE(worker != nullptr);
  for (int i = 0; i < 500 && worker->state() == runtime::WorkerState::booting; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(worker->state() == runtime::WorkerState::ready);
  CHECK(std::count(dependencies.begin(), dependencies.end(), "hello greet.ts") == 1);
  CHECK(table.affected_by({shared}) == std::vector<std::string>{"hello"});
  CHECK(table.affected_by({project.root / "functions/_shared/unused.ts"}).empty());
  CHECK(table.affected_by({project.root / "elsewhere.ts"}).empty());
  auto both = table.affected_by({shared, project.root / "functions/other/index.ts"});
  std::sort(both.begin(), both.end());
  CHECK(both == std::vector<std::string>{"hello", "other"});
  table.shutdown();
}
