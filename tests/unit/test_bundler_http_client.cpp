// Downloads for the resolvers, against a real HTTP server on 127.0.0.1.
#include "bundler/http_client.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

namespace {

// An HTTP server on an ephemeral loopback port, stopped when the test ends.
class LocalServer {
 public:
  LocalServer() {
    m_server.Get("/hello", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("ETag", "\"v1\"");
      res.set_content("hello " + req.get_header_value("Authorization"), "text/plain");
    });
    m_server.Get("/moved", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/hello", 302);
    });
    m_server.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      ++m_slow_hits;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      res.set_content("slow", "text/plain");
    });
    // Promises 100 bytes, sends 10, then closes the connection.
    m_server.Get("/cut", [](const httplib::Request&, httplib::Response& res) {
      res.set_content_provider(100, "application/octet-stream",
                               [](size_t offset, size_t, httplib::DataSink& sink) {
                                 if (offset > 0) {
                                   return false;
                                 }
                                 sink.write("0123456789", 10);
                                 return true;
                               });
    });
    // Answers the client's port: a new port is a new connection.
    m_server.Get("/port", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.remote_port), "text/plain");
    });
    m_server.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(10000, 'x'), "text/plain");
    });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    while (!m_server.is_running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~LocalServer() {
    m_server.stop();
    m_thread.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }
  int slow_hits() const { return m_slow_hits; }

 private:
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
  std::atomic<int> m_slow_hits{0};
};

bundler::HttpRequest request(const std::string& url) {
  bundler::HttpRequest out;
  out.url = url;
  return out;
}

}  // namespace

TEST_CASE("bundler::HttpClient downloads with headers, and reports status and headers") {
  LocalServer server;
  bundler::HttpClient client;
  auto with_token = request(server.url("/hello"));
  with_token.headers = {{"Authorization", "Bearer t"}};
  auto response = client.get(with_token);
  CHECK(response.status == 200);
  CHECK(response.body == "hello Bearer t");
  CHECK(response.headers.at("etag") == "\"v1\"");
  CHECK(response.final_url == server.url("/hello"));
  CHECK(client.get(request(server.url("/nope"))).status == 404);
}

TEST_CASE("bundler::HttpClient tells its reporter each download's start and end") {
  LocalServer server;
  std::vector<std::string> events;
  bundler::HttpClient client(4, [&](const std::string& url, std::size_t bytes, bool done) {
    events.push_back((done ? "done " : "at ") + url + " " + std::to_string(bytes));
  });
  client.get(request(server.url("/big")));
  REQUIRE(events.size() >= 2);
  CHECK(events.front() == "at " + server.url("/big") + " 0");
  CHECK(events.back() == "done " + server.url("/big") + " 10000");
  CHECK(std::count_if(events.begin(), events.end(),
                      [](const std::string& e) { return e.starts_with("done"); }) == 1);
}

TEST_CASE("bundler::HttpClient: a call that ends early leaves no download stuck for others") {
  LocalServer server;
  bundler::HttpClient failing(4, [](const std::string&, std::size_t, bool done) {
    if (done) {
      throw std::runtime_error("the terminal went away");
    }
  });
  CHECK_THROWS_AS(failing.get(request(server.url("/hello"))), std::runtime_error);
  // The same request again, from a client that works: a fresh download, not a broken one.
  bundler::HttpClient client;
  CHECK(client.get(request(server.url("/hello"))).status == 200);
}

TEST_CASE("bundler::HttpClient follows redirects only when asked") {
  LocalServer server;
  bundler::HttpClient client;
  auto followed = client.get(request(server.url("/moved")));
  CHECK(followed.status == 200);
  CHECK(followed.final_url == server.url("/hello"));
  auto manual = request(server.url("/moved"));
  manual.follow_redirects = false;
  auto hop = client.get(manual);
  CHECK(hop.status == 302);
  CHECK(hop.headers.at("location") == "/hello");
}

TEST_CASE("bundler::HttpClient says what went wrong, naming the URL") {
  LocalServer server;
  bundler::HttpClient client;
  auto results = client.get_all({request(server.url("/cut")), request(server.url("/hello"))});
  REQUIRE(std::holds_alternative<std::string>(results[0]));
  auto message = std::get<std::string>(results[0]);
  CHECK(message.find(server.url("/cut")) != std::string::npos);
  CHECK(message.find("closed before the whole response arrived") != std::string::npos);
  CHECK(std::holds_alternative<bundler::HttpResponse>(results[1]));  // the others still arrive

  auto limited = request(server.url("/big"));
  limited.max_bytes = 1000;
  CHECK_THROWS_WITH_AS(client.get(limited),
                       ("download of " + server.url("/big") + " is larger than 1000 bytes").c_str(),
                       util::Error);
  CHECK_THROWS_AS(client.get(request("http://127.0.0.1:1/refused")), util::Error);
}

TEST_CASE("bundler::HttpClient shares one download between threads asking at once") {
  LocalServer server;
  bundler::HttpClient client;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (client.get(request(server.url("/slow"))).body == "slow") {
        ++ok;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  CHECK(ok == 4);
  CHECK(server.slow_hits() < 4);
}

TEST_CASE("bundler::HttpClient reuses connections from one call to the next") {
  // A registry's packuments are fetched level by level of the dependency tree, one call
  // each: a new connection (and, over https, a TLS handshake and a CA store load of ~50 ms
  // of CPU) per download made a cold boot of qs@6 cost ~4 s of the worker's CPU.
  LocalServer server;
  bundler::HttpClient client;
  auto first = client.get(request(server.url("/port"))).body;
  auto second = client.get(request(server.url("/port"))).body;
  auto third = bundler::HttpClient().get(request(server.url("/port"))).body;
  CHECK(second == first);
  CHECK(third == first);
}
