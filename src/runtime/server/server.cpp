#include "runtime/server/server.hpp"

#include "runtime/server/functions.hpp"
#include "runtime/server/server_state.hpp"
#include "runtime/server/session.hpp"
#include "util/error.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <thread>

namespace server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr auto k_drain_limit = std::chrono::seconds(10);

std::vector<FunctionSpec> select_functions(const ServeOptions& options) {
  auto configs = discover_functions(options.functions_dir, options.config_toml);
  std::vector<FunctionSpec> specs;
  for (const auto& name : options.only) {
    bool known = std::any_of(configs.begin(), configs.end(),
                             [&](const FunctionConfig& c) { return c.slug == name; });
    if (!known) {
      throw util::Error("no function named \"" + name + "\" in " + options.functions_dir.string());
    }
  }
  for (auto& config : configs) {
    bool wanted = options.only.empty() || std::find(options.only.begin(), options.only.end(),
                                                    config.slug) != options.only.end();
    if (wanted) {
      specs.push_back({std::move(config), {}});
    }
  }
  return specs;
}

class Listener {
 public:
  Listener(asio::io_context& io, tcp::endpoint endpoint, ServerState& state)
      : m_io(io), m_acceptor(asio::make_strand(io)), m_state(state) {
    boost::system::error_code error;
    m_acceptor.open(endpoint.protocol(), error);
    if (!error) {
      m_acceptor.set_option(asio::socket_base::reuse_address(true), error);
    }
    if (!error) {
      m_acceptor.bind(endpoint, error);
    }
    if (!error) {
      m_acceptor.listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
      throw util::Error("cannot listen on " + endpoint.address().to_string() + ":" +
                        std::to_string(endpoint.port()) + ": " + error.message());
    }
  }

  std::uint16_t port() const { return m_acceptor.local_endpoint().port(); }

  void accept() {
    m_acceptor.async_accept(
        asio::make_strand(m_io), [this](boost::system::error_code error, tcp::socket socket) {
          if (error == asio::error::operation_aborted || !m_acceptor.is_open()) {
            return;
          }
          if (!error) {
            socket.set_option(tcp::no_delay(true), error);
            start_session(std::move(socket), m_state);
          }
          accept();
        });
  }

  void close() {
    asio::post(m_acceptor.get_executor(), [this] {
      boost::system::error_code ignored;
      m_acceptor.close(ignored);
    });
  }

 private:
  asio::io_context& m_io;
  tcp::acceptor m_acceptor;
  ServerState& m_state;
};

}  // namespace

int serve(const ServeOptions& options) {
  Logger log(options.json_logs ? Logger::Format::json : Logger::Format::text);
  auto specs = select_functions(options);
  FunctionTable functions(std::move(specs), WorkerSettings{options.memory_limit_mb},
                          [&log](const std::string& slug) -> runtime::LogFn {
                            return [&log, slug](int fd, std::string_view line) {
                              log.function_output(slug, fd, line);
                            };
                          });
  ServerState state(functions, log, options.max_body_bytes);

  auto threads = std::max(1u, std::thread::hardware_concurrency());
  asio::io_context io(static_cast<int>(threads));
  boost::system::error_code error;
  auto address = asio::ip::make_address(options.host, error);
  if (error) {
    throw util::Error("invalid --host \"" + options.host + "\": " + error.message());
  }
  Listener listener(io, {address, options.port}, state);
  listener.accept();

  auto base = "http://" + (options.host == "0.0.0.0" ? std::string("127.0.0.1") : options.host) +
              ":" + std::to_string(listener.port());
  log.event("info", "Serving functions on " + base + "/functions/v1/<function-name>");
  if (functions.specs().empty()) {
    log.event("warn", "no functions found in " + options.functions_dir.string());
  }
  for (const auto& spec : functions.specs()) {
    log.event("info", "  - " + spec.config.slug + ": " + base + "/functions/v1/" +
                          spec.config.slug +
                          (spec.config.verify_jwt ? "" : "  (no JWT verification)"));
  }

  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer drain_timer(io);
  auto deadline = std::chrono::steady_clock::now();
  std::function<void()> poll_drained = [&] {
    if (state.active_requests == 0 || std::chrono::steady_clock::now() >= deadline) {
      if (state.active_requests != 0) {
        log.event("warn", std::to_string(state.active_requests.load()) +
                              " request(s) still running after 10 s; stopping anyway");
      }
      io.stop();
      return;
    }
    drain_timer.expires_after(std::chrono::milliseconds(20));
    drain_timer.async_wait([&](boost::system::error_code) { poll_drained(); });
  };
  signals.async_wait([&](boost::system::error_code, int signal) {
    log.event("info", std::string("Received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
                          ", shutting down (waiting up to 10 s for open requests)");
    state.draining = true;
    listener.close();
    deadline = std::chrono::steady_clock::now() + k_drain_limit;
    poll_drained();
  });

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) {
    pool.emplace_back([&] { io.run(); });
  }
  io.run();
  for (auto& thread : pool) {
    thread.join();
  }
  functions.shutdown();
  log.event("info", "Server stopped");
  return 0;
}

}  // namespace server
