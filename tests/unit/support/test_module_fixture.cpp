#include "support/test_module_fixture.hpp"

#include "server/direct_listener.hpp"
#include "tester/reporter.hpp"

#include <chrono>
#include <future>
#include <map>
#include <mutex>

namespace test_support {
namespace {

class Collector : public runtime::TestListener {
 public:
  void on_event(std::string_view json) override {
    std::lock_guard lock(mutex);
    run.events.push_back(tester::parse_event(json, 0));
  }
  bool should_stop() override { return false; }
  void on_end() override { done.set_value(); }

  std::mutex mutex;
  TestModuleRun run;
  std::promise<void> done;
};

std::string describe(const tester::TestResult& result) {
  switch (result.kind) {
    case tester::TestResult::Kind::ok:
      return "ok";
    case tester::TestResult::Kind::ignored:
      return "ignored";
    case tester::TestResult::Kind::cancelled:
      return "cancelled";
    case tester::TestResult::Kind::failed:
      return result.failure.format(false);
  }
  return "?";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> TestModuleRun::results() const {
  std::map<std::uint64_t, std::string> names;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& event : events) {
    if (event.kind == tester::TestEvent::Kind::plan) {
      for (const auto& test : event.plan.tests) {
        names[test.id] = test.name;
      }
    } else if (event.kind == tester::TestEvent::Kind::result) {
      out.emplace_back(names[event.id], describe(event.result));
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> TestModuleRun::step_results() const {
  tester::Registry registry;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& event : events) {
    if (event.kind == tester::TestEvent::Kind::plan) {
      for (const auto& test : event.plan.tests) {
        registry.tests[test.id] = test;
      }
    } else if (event.kind == tester::TestEvent::Kind::step_register) {
      registry.steps[event.step.id] = event.step;
    } else if (event.kind == tester::TestEvent::Kind::step_result) {
      out.emplace_back(registry.step_ancestry(registry.steps.at(event.id)), describe(event.result));
    }
  }
  return out;
}

std::vector<std::string> TestModuleRun::uncaught() const {
  std::vector<std::string> out;
  for (const auto& event : events) {
    if (event.kind == tester::TestEvent::Kind::uncaught) {
      out.push_back(event.error.message);
    }
  }
  return out;
}

TestModuleRun run_test_module(runtime::WorkerOptions options, runtime::TestRunOptions run) {
  auto collector = std::make_shared<Collector>();
  if (options.name.empty()) {
    options.name = "unit";
  }
  options.test = runtime::TestMode{std::move(run), collector};
  if (!options.listen) {
    options.listen = server::listen_direct;  // as sbfn test gives its workers
  }
  options.log = [collector](int fd, std::string_view line) {
    std::lock_guard lock(collector->mutex);
    collector->run.output.push_back(std::to_string(fd) + ":" + std::string(line));
  };
  auto done = collector->done.get_future();
  bool ended = false;
  {
    runtime::Worker worker(std::move(options));
    ended = done.wait_for(std::chrono::seconds(120)) == std::future_status::ready;
  }
  std::lock_guard lock(collector->mutex);
  auto out = collector->run;
  out.ended = ended;
  return out;
}

}  // namespace test_support
