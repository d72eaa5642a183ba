// `sbfn test`, from the arguments to the exit code: the modules, their graphs, one worker
// each (at most --parallel at once), and the events of every worker handed to the
// reporter in the order they happen (Deno's report_tests).
#include "tester/run_tests.hpp"

#include "project/config.hpp"
#include "server/direct_listener.hpp"
#include "server/serve_options.hpp"
#include "tester/coverage.hpp"
#include "tester/discovery.hpp"
#include "tester/module_order.hpp"
#include "tester/reporter.hpp"
#include "tester/test_server.hpp"

#include "bundler/config/deno_json.hpp"
#include "bundler/download_progress.hpp"
#include "bundler/function_modules.hpp"
#include "runtime/inspector/inspector_server.hpp"
#include "runtime/runtime.hpp"
#include "util/dotenv.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/watcher.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

extern char** environ;

namespace fs = std::filesystem;

namespace tester {
namespace {

// Every module's events meet here; the reporter sees them one at a time, in order.
class RunState {
 public:
  RunState(std::unique_ptr<Reporter> reporter, std::string cwd_url, std::size_t fail_fast)
      : m_reporter(std::move(reporter)), m_cwd_url(std::move(cwd_url)), m_fail_fast(fail_fast) {}

  void on_event(const TestEvent& event, bool& had_plan, bool& had_uncaught) {
    std::lock_guard lock(m_mutex);
    if (m_aborted) {
      return;
    }
    switch (event.kind) {
      case TestEvent::Kind::plan:
        had_plan = true;
        if (!m_start) {
          m_start = std::chrono::steady_clock::now();
        }
        m_used_only = m_used_only || event.plan.used_only;
        for (const auto& test : event.plan.tests) {
          m_registry.tests[test.id] = test;
        }
        m_reporter->report_plan(event.plan);
        break;
      case TestEvent::Kind::wait:
        if (m_started.insert(event.id).second) {
          m_server_log_from[event.id] = m_server_log.size();
          m_open_logs.clear();  // a failed test's window ends where the next test begins
          m_reporter->report_wait(m_registry.tests.at(event.id));
        }
        break;
      case TestEvent::Kind::result:
        if (m_with_result.insert(event.id).second) {
          auto server_log = server_log_since(event.id);
          if (event.result.kind == TestResult::Kind::failed ||
              event.result.kind == TestResult::Kind::cancelled) {
            m_failed = true;
            if (event.result.kind == TestResult::Kind::failed) {
              ++m_failures;
            }
          }
          const auto& test = m_registry.tests.at(event.id);
          if (event.result.kind == TestResult::Kind::failed && server_log) {
            auto result = event.result;
            result.failure.server_log = std::move(server_log);
            m_reporter->report_result(test, result, event.elapsed_ms);
          } else {
            m_reporter->report_result(test, event.result, event.elapsed_ms);
          }
        }
        break;
      case TestEvent::Kind::uncaught:
        had_uncaught = true;
        m_failed = true;
        ++m_failures;
        m_reporter->report_uncaught_error(event.origin, event.error);
        break;
      case TestEvent::Kind::step_register:
        m_registry.steps[event.step.id] = event.step;
        m_reporter->report_step_register(event.step);
        break;
      case TestEvent::Kind::step_wait:
        if (m_started.insert(event.id).second) {
          m_reporter->report_step_wait(m_registry.steps.at(event.id));
        }
        break;
      case TestEvent::Kind::step_result:
        if (m_with_result.insert(event.id).second) {
          m_reporter->report_step_result(m_registry.steps.at(event.id), event.result,
                                         event.elapsed_ms, m_registry);
        }
        break;
      case TestEvent::Kind::completed:
        break;
      case TestEvent::Kind::exit:
        if (event.in_test) {
          m_aborted = true;
          m_exit_code = event.exit_code;
          m_reporter->report_exit(event.exit_code, pending());
          m_wake.notify_all();
        } else {
          if (event.exit_code != 0) {
            m_failed = true;
          }
          m_reporter->report_isolate_exit(event.origin, event.exit_code);
        }
        break;
    }
  }

  // A line the functions server (--serve) logged: shown with the tests that fail while
  // it was written, and nowhere else.
  void on_server_line(const std::string& line) {
    std::lock_guard lock(m_mutex);
    m_serving = true;
    m_server_log.push_back(line);
    for (auto& open : m_open_logs) {
      open->push_back(line);
    }
  }

  void on_output(std::string_view text) {
    std::lock_guard lock(m_mutex);
    if (!m_aborted) {
      m_reporter->report_output(text);
    }
  }

  // A module's worker ended with nothing said about why: say it for the module.
  void ended_silently(const std::string& origin, bool had_plan) {
    JsError error;
    error.message = had_plan ? "Error: the worker running this module ended before its tests did"
                             : "Error: Top-level await promise never resolved";
    on_event(uncaught_event(origin, error), m_ignore, m_ignore);
  }

  bool should_stop() const {
    std::lock_guard lock(m_mutex);
    return stop_requested();
  }
  // The same, with mutex() held.
  bool stop_requested() const {
    return m_aborted || (m_fail_fast > 0 && m_failures >= m_fail_fast);
  }

  std::mutex& mutex() { return m_mutex; }
  std::condition_variable& wake() { return m_wake; }
  bool aborted() const { return m_aborted; }
  int exit_code() const { return m_exit_code; }
  bool failed() const { return m_failed; }
  bool used_only() const { return m_used_only; }

  void finish() {
    std::lock_guard lock(m_mutex);
    auto elapsed = m_start ? std::chrono::steady_clock::now() - *m_start
                           : std::chrono::steady_clock::duration::zero();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed);
    if (!m_aborted) {
      m_reporter->report_summary(ns, m_registry);
    }
    m_reporter->flush(ns, m_registry);
  }

 private:
  static TestEvent uncaught_event(const std::string& origin, JsError error) {
    TestEvent event;
    event.kind = TestEvent::Kind::uncaught;
    event.origin = origin;
    event.error = std::move(error);
    return event;
  }

  // Tests and steps started without a result, as Deno lists them ("name => ./x.ts:1:6").
  std::vector<std::string> pending() const {
    std::set<std::string> out;
    Colours colours{false};
    for (auto id : m_started) {
      if (m_with_result.count(id)) {
        continue;
      }
      if (auto test = m_registry.tests.find(id); test != m_registry.tests.end()) {
        out.insert(
            format_for_summary(test->second.name, test->second.location, m_cwd_url, colours));
      } else if (auto step = m_registry.steps.find(id); step != m_registry.steps.end()) {
        out.insert(format_for_summary(m_registry.step_ancestry(step->second), step->second.location,
                                      m_cwd_url, colours));
      }
    }
    return {out.begin(), out.end()};
  }

  // The server's lines since `test` started, kept open for more (null without --serve).
  std::shared_ptr<std::vector<std::string>> server_log_since(std::uint64_t test) {
    auto from = m_server_log_from.find(test);
    if (!m_serving || from == m_server_log_from.end()) {
      return nullptr;
    }
    auto lines = std::make_shared<std::vector<std::string>>(
        m_server_log.begin() + static_cast<long>(from->second), m_server_log.end());
    m_server_log_from.erase(from);
    m_open_logs.push_back(lines);
    return lines;
  }

  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  std::vector<std::string> m_server_log;
  std::map<std::uint64_t, std::size_t> m_server_log_from;  // test -> first line while it ran
  std::vector<std::shared_ptr<std::vector<std::string>>> m_open_logs;  // failed, still open
  bool m_serving = false;  // --serve: the functions server logs here
  std::unique_ptr<Reporter> m_reporter;
  std::string m_cwd_url;
  std::size_t m_fail_fast;
  Registry m_registry;
  std::set<std::uint64_t> m_started;
  std::set<std::uint64_t> m_with_result;
  std::optional<std::chrono::steady_clock::time_point> m_start;
  std::size_t m_failures = 0;
  bool m_failed = false;
  bool m_used_only = false;
  bool m_aborted = false;  // a test called Deno.exit with sanitizeExit off
  int m_exit_code = 0;
  bool m_ignore = false;
};

// One module's worker reports here, on the worker's thread.
class ModuleListener : public runtime::TestListener {
 public:
  ModuleListener(RunState& run, std::string origin, std::uint64_t id_base,
                 CoverageCollector* coverage)
      : m_run(run), m_origin(std::move(origin)), m_id_base(id_base), m_coverage(coverage) {}

  void on_event(std::string_view json) override {
    TestEvent event;
    try {
      event = parse_event(json, m_id_base);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "error: %s\n", error.what());
      return;
    }
    if (event.kind == TestEvent::Kind::exit) {
      m_exited = true;
      event.origin = m_origin;
    } else if (event.kind == TestEvent::Kind::completed) {
      m_completed = true;
    }
    m_run.on_event(event, m_had_plan, m_had_uncaught);
  }
  bool should_stop() override { return m_run.should_stop(); }
  void on_coverage(std::string json) override {
    if (m_coverage != nullptr) {
      m_coverage->add(json);
    }
  }
  void on_end() override {
    std::lock_guard lock(m_run.mutex());
    m_ended = true;
    m_run.wake().notify_all();
  }
  void output(std::string_view text) { m_run.on_output(text); }

  bool ended() const { return m_ended; }  // under the run's mutex
  // Why the worker ended is known: the run completed, Deno.exit, or a module that failed
  // before it could plan its tests.
  bool explained() const { return m_completed || m_exited || (m_had_uncaught && !m_had_plan); }
  bool had_plan() const { return m_had_plan; }
  const std::string& origin() const { return m_origin; }

 private:
  RunState& m_run;
  std::string m_origin;
  std::uint64_t m_id_base;
  CoverageCollector* m_coverage;  // null without --coverage
  bool m_had_plan = false;
  bool m_had_uncaught = false;
  bool m_exited = false;
  bool m_completed = false;
  bool m_ended = false;
};

std::vector<std::pair<std::string, std::string>> test_environment(
    const std::vector<std::string>& env_files) {
  // The tests see the host's environment, as under `deno test --allow-env`; an env file
  // adds what the environment does not already set (Deno's --env-file).
  std::vector<std::pair<std::string, std::string>> env;
  std::set<std::string> names;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
      continue;
    }
    names.insert(text.substr(0, eq));
    env.emplace_back(text.substr(0, eq), text.substr(eq + 1));
  }
  auto lookup = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
  for (const auto& file : env_files) {
    for (auto& [name, value] : util::read_dotenv_file(file, lookup)) {
      if (names.insert(name).second) {
        env.emplace_back(name, std::move(value));
      }
    }
  }
  return env;
}

unsigned parallel_jobs(const std::optional<unsigned>& parallel) {
  if (!parallel) {
    return 1;
  }
  if (*parallel > 0) {
    return *parallel;
  }
  if (const char* jobs = std::getenv("DENO_JOBS")) {
    auto n = std::strtoul(jobs, nullptr, 10);
    if (n > 0) {
      return static_cast<unsigned>(n);
    }
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

// Deno's `deno test` finds deno.json from the working folder up.
std::optional<fs::path> discovered_config(const fs::path& cwd) {
  for (auto dir = cwd;; dir = dir.parent_path()) {
    if (auto found = bundler::find_deno_json(dir)) {
      return found;
    }
    if (dir == dir.root_path() || dir.parent_path() == dir) {
      return std::nullopt;
    }
  }
}

std::unique_ptr<Reporter> make_reporter(const TestArguments& args, const ReporterOptions& options) {
  std::unique_ptr<Reporter> main;
  if (args.reporter == "dot") {
    main = make_dot_reporter(options);
  } else if (args.reporter == "tap") {
    main = make_tap_reporter(options);
  } else if (args.reporter == "junit") {
    main = make_junit_reporter(options, "-");
  } else {
    main = make_pretty_reporter(options);
  }
  if (args.junit_path.empty()) {
    return main;
  }
  std::vector<std::unique_ptr<Reporter>> both;
  both.push_back(std::move(main));
  both.push_back(make_junit_reporter(options, args.junit_path));
  return make_compound_reporter(std::move(both));
}

// After a passing run, as deno test --coverage: lcov.info, and the summary table below the
// test report. (A failing run keeps only the raw data, as Deno's does.)
void report_coverage(CoverageCollector& coverage, bool colour) {
  auto files = coverage.finish();
  std::fflush(stdout);
  auto table = coverage_table(files, colour);
  std::fwrite(table.data(), 1, table.size(), stdout);
  std::fflush(stdout);
  std::fprintf(stderr, "Lcov coverage report has been generated at %s\n",
               runtime::path_to_file_url((coverage.dir() / "lcov.info").string()).c_str());
}

struct PreparedModule {
  fs::path path;
  std::string url;
  std::shared_ptr<bundler::FunctionModules> modules;
};

// Where a run happens: the working folder and the functions folder.
struct Place {
  fs::path cwd;
  std::string cwd_url;
  fs::path functions_dir;
};

// The local files each module's graph reached, by test module: what --watch re-runs a
// module for.
using Graphs = std::map<fs::path, std::set<fs::path>>;

// One run of `files`, from their graphs to the exit code; fills `graphs` when given.
int run_modules(const TestArguments& args, const Place& place, const std::vector<fs::path>& files,
                Graphs* graphs) {
  const auto& [cwd, cwd_url, functions_dir] = place;

  // Every module's graph first, as Deno loads them before running anything: a module that
  // cannot be resolved stops the run before any test runs.
  std::optional<fs::path> import_map;
  if (!args.import_map.empty()) {
    import_map = fs::absolute(args.import_map).lexically_normal();
  } else {
    import_map = discovered_config(cwd);
  }
  auto layout = bundler::project_layout(functions_dir, project::find_config_toml(), std::nullopt);
  auto http =
      std::make_shared<bundler::HttpClient>(16, bundler::terminal_download_progress(STDERR_FILENO));
  std::vector<PreparedModule> modules;
  for (const auto& file : files) {
    bundler::FunctionSource source;
    source.slug = file.stem().string();
    source.entrypoint = file;
    // The working folder stands for the function's: Deno.readFile and Deno.cwd() are the
    // project's, as under deno test.
    source.folder = cwd;
    source.project_root = layout.project_root;
    source.functions_dir = functions_dir;
    source.import_roots = {cwd, file.parent_path(), functions_dir, util::cache_dir()};
    source.import_map = import_map;
    auto graph = std::make_shared<bundler::FunctionModules>(
        std::move(source), bundler::ResolveOptions{args.cached_only, args.frozen},
        bundler::Cache::from_environment(), http);
    if (graphs != nullptr) {
      (*graphs)[file] = {file};  // a module that cannot be resolved re-runs when it changes
    }
    graph->prepare();
    if (graphs != nullptr) {
      for (const auto& [url, module] : graph->modules()) {
        if (url.starts_with("file://")) {
          (*graphs)[file].insert(runtime::file_url_to_path(url));
        }
      }
    }
    modules.push_back({file, runtime::path_to_file_url(file.string()), std::move(graph)});
  }
  std::optional<std::uint64_t> seed;
  if (args.shuffle) {
    seed = args.shuffle_seed
               ? *args.shuffle_seed
               : (std::uint64_t{std::random_device{}()} << 32) | std::random_device{}();
    shuffle_modules(modules, *seed, [](const PreparedModule& m) { return m.url; });
  }

  ReporterOptions options;
  options.cwd_url = cwd_url;
  options.colour = use_colour(STDOUT_FILENO);
  options.terminal = ::isatty(STDOUT_FILENO) != 0;
  auto jobs = parallel_jobs(args.parallel);
  options.parallel = jobs > 1;
  options.filter = !args.filter.empty();
  options.output = stdout_output();
  RunState run(make_reporter(args, options), cwd_url, args.fail_fast);

  std::optional<CoverageCollector> coverage;
  if (args.coverage_dir) {
    fs::path dir = fs::absolute(*args.coverage_dir).lexically_normal();
    prepare_coverage_dir(dir);
    coverage.emplace(dir, std::set<fs::path>(files.begin(), files.end()), functions_dir);
  }

  runtime::TestRunOptions run_options;
  run_options.coverage = coverage.has_value();
  run_options.filter = args.filter;
  run_options.shuffle_seed = seed;
  run_options.timeout_ms = args.timeout_ms;
  run_options.colour = options.colour;
  auto env = test_environment(args.env_files);
  std::optional<TestServer> functions_server;
  if (args.serve) {
    server::ServeArguments serve_args;
    serve_args.functions_dir = args.functions_dir;
    serve_args.env_files = args.env_files;
    serve_args.no_verify_jwt = args.no_verify_jwt;
    serve_args.jwt_secret = args.jwt_secret;
    serve_args.import_map = args.import_map;
    serve_args.cached_only = args.cached_only;
    serve_args.frozen = args.frozen;
    functions_server.emplace(server::resolve_serve_options(serve_args),
                             [&run](int, const std::string& line) { run.on_server_line(line); });
    for (auto& [name, value] : functions_server->environment()) {
      std::erase_if(env, [&](const auto& entry) { return entry.first == name; });
      env.emplace_back(name, value);
    }
  }

  // Each module in a worker of its own; the next worker's isolate is made while the
  // current one runs (a spare, as serve keeps one).
  runtime::WorkerLimits limits;
  limits.memory_limit_mb = args.memory_limit_mb;
  limits.cpu_soft_limit_ms = limits.cpu_hard_limit_ms = 1ULL << 40;  // tests have no CPU limit
  limits.wall_clock_limit_ms = 1ULL << 40;
  // --inspect: one port for every test file's worker, each a target of its own.
  std::optional<runtime::inspector::InspectorServer> inspector;
  std::optional<runtime::inspector::InspectOptions> inspect;
  if (args.inspect) {
    inspect.emplace(runtime::inspector::InspectOptions{
        std::make_shared<runtime::inspector::Targets>(), args.inspect->mode});
    inspector.emplace(args.inspect->address, inspect->targets);
    std::fprintf(stderr, "Inspector listening on http://%s (chrome://inspect)\n",
                 inspector->endpoint().c_str());
  }
  struct Running {
    std::unique_ptr<runtime::Worker> worker;
    std::shared_ptr<ModuleListener> listener;
  };
  std::vector<Running> running;
  std::unique_ptr<runtime::Worker> spare;
  std::size_t next = 0;
  std::unique_lock lock(run.mutex());
  for (;;) {
    // Modules that ended: their workers are joined (outside the lock: they may still be
    // reporting their last events).
    std::vector<Running> ended;
    for (auto it = running.begin(); it != running.end();) {
      if (it->listener->ended()) {
        ended.push_back(std::move(*it));
        it = running.erase(it);
      } else {
        ++it;
      }
    }
    if (!ended.empty() || run.aborted()) {
      lock.unlock();
      for (auto& module : ended) {
        module.worker.reset();
        if (!module.listener->explained()) {
          run.ended_silently(module.listener->origin(), module.listener->had_plan());
        }
      }
      if (run.aborted()) {
        running.clear();  // their workers are stopped
        spare.reset();
        run.finish();
        return run.exit_code();
      }
      lock.lock();
      continue;
    }
    bool stop = run.stop_requested();
    while (!stop && next < modules.size() && running.size() < jobs) {
      const auto& module = modules[next];
      auto listener = std::make_shared<ModuleListener>(run, module.url,
                                                       static_cast<std::uint64_t>(next + 1) << 32,
                                                       coverage ? &*coverage : nullptr);
      runtime::WorkerOptions worker;
      worker.name = relative_url(module.url, cwd_url);
      worker.main_module = module.modules->entry_url();
      worker.resolver = module.modules;
      worker.sources = module.modules;
      worker.root = cwd;
      worker.import_roots = {cwd, module.path.parent_path(), functions_dir, util::cache_dir()};
      worker.env = env;
      worker.limits = limits;
      worker.log = [listener](int, std::string_view line) {
        std::string text(line);
        text += '\n';
        listener->output(text);
      };
      worker.test = runtime::TestMode{run_options, listener};
      worker.inspect = inspect;
      worker.listen = server::listen_direct;
      lock.unlock();
      std::unique_ptr<runtime::Worker> started;
      if (spare && spare->start(worker)) {
        started = std::move(spare);
      } else {
        started = std::make_unique<runtime::Worker>(std::move(worker));
      }
      if (next + 1 < modules.size()) {
        spare = std::make_unique<runtime::Worker>(runtime::Worker::Spare{coverage.has_value()},
                                                  limits.memory_limit_mb);
      }
      lock.lock();
      running.push_back({std::move(started), listener});
      ++next;
    }
    if (running.empty()) {
      break;
    }
    // A module may have ended while the lock was released to start the ones above.
    run.wake().wait(lock, [&] {
      return run.aborted() ||
             std::any_of(running.begin(), running.end(),
                         [](const Running& module) { return module.listener->ended(); });
    });
  }
  lock.unlock();
  spare.reset();
  run.finish();
  if (run.used_only()) {
    std::fprintf(stderr, "error: Test failed because the \"only\" option was used\n");
    return 1;
  }
  if (run.failed()) {
    std::fprintf(stderr, "error: Test failed\n");
    return 1;
  }
  if (coverage) {
    report_coverage(*coverage, options.colour);
  }
  return 0;
}

// --watch, as deno test --watch: a first run of everything, then on every change the
// modules whose graph holds a changed file, and test modules that appeared. Ends with the
// process (Ctrl-C).
[[noreturn]] void watch_tests(const TestArguments& args, const Place& place) {
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<fs::path> changed;
  util::FileWatcher watcher;
  watcher.start([&](const std::vector<fs::path>& paths) {
    std::lock_guard lock(mutex);
    changed.insert(changed.end(), paths.begin(), paths.end());
    wake.notify_all();
  });
  watcher.watch_tree(place.cwd);
  if (!util::is_under(place.cwd, place.functions_dir) && fs::is_directory(place.functions_dir)) {
    watcher.watch_tree(place.functions_dir);
  }
  std::fprintf(stderr, "Watcher Test started.\n");
  Graphs graphs;
  auto files = find_test_modules({args.paths, place.cwd, place.functions_dir});
  for (;;) {
    int code = 1;
    try {
      code = run_modules(args, place, files, &graphs);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "error: %s\n", error.what());
    }
    std::fprintf(stderr, "Watcher Test %s. Restarting on file change...\n",
                 code == 0 ? "finished" : "failed");
    std::fflush(stderr);
    // Hidden folders, node_modules and the module cache (sbfn's own writes land there
    // when it lies inside the project) are no reason to run again, as for Deno.
    auto relevant = [&](const fs::path& path) {
      if (util::is_under(util::cache_dir(), path)) {
        return false;
      }
      auto relative = path.lexically_relative(place.cwd);
      return std::none_of(relative.begin(), relative.end(), [](const fs::path& part) {
        auto name = part.string();
        return name == "node_modules" || (name.size() > 1 && name[0] == '.' && name != "..");
      });
    };
    std::vector<fs::path> batch;
    while (batch.empty()) {
      std::unique_lock lock(mutex);
      wake.wait(lock, [&] { return !changed.empty(); });
      std::copy_if(changed.begin(), changed.end(), std::back_inserter(batch), relevant);
      changed.clear();
    }
    std::set<fs::path> touched;
    for (const auto& path : batch) {
      touched.insert(fs::absolute(path).lexically_normal());
    }
    files.clear();
    for (const auto& file : find_test_modules({args.paths, place.cwd, place.functions_dir})) {
      auto graph = graphs.find(file);
      bool affected = graph == graphs.end()
                          ? touched.count(file) > 0
                          : std::any_of(graph->second.begin(), graph->second.end(),
                                        [&](const fs::path& path) { return touched.count(path); });
      if (affected) {
        files.push_back(file);
      }
    }
    std::fprintf(stderr, "Watcher Restarting! File change detected: \"%s\"\n",
                 batch.front().string().c_str());
    std::fflush(stderr);
  }
}

}  // namespace

int run_tests(const TestArguments& args) {
  Place place;
  place.cwd = fs::current_path();
  place.cwd_url = runtime::path_to_file_url(place.cwd.string());
  place.functions_dir = fs::absolute(args.functions_dir.empty() ? project::default_functions_dir()
                                                                : fs::path(args.functions_dir))
                            .lexically_normal();
  if (args.watch) {
    watch_tests(args, place);
  }
  auto files = find_test_modules({args.paths, place.cwd, place.functions_dir});
  if (files.empty() && !args.permit_no_files) {
    throw util::Error("No test modules found");
  }
  return run_modules(args, place, files, nullptr);
}

}  // namespace tester
