#include "bundler/http_client.hpp"

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/trusted_roots.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>

namespace bundler {
namespace {

using Result = std::variant<HttpResponse, std::string>;

struct Transfer {
  const HttpRequest* request = nullptr;
  std::size_t index = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  HttpResponse response;
  bool too_large = false;
  char error[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    curl_slist_free_all(headers);
    if (easy) {
      curl_easy_cleanup(easy);
    }
  }

  static size_t on_write(char* data, size_t size, size_t count, void* self) {
    auto* transfer = static_cast<Transfer*>(self);
    auto bytes = size * count;
    if (transfer->response.body.size() + bytes > transfer->request->max_bytes) {
      transfer->too_large = true;
      return 0;  // ends the transfer with CURLE_WRITE_ERROR
    }
    transfer->response.body.append(data, bytes);
    return bytes;
  }

  static size_t on_header(char* data, size_t size, size_t count, void* self) {
    auto* transfer = static_cast<Transfer*>(self);
    std::string_view line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
      transfer->response.headers.clear();  // a new response (after a redirect or 100)
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
      std::string name(line.substr(0, colon));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      auto value = line.substr(colon + 1);
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
        value.remove_prefix(1);
      }
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
        value.remove_suffix(1);
      }
      transfer->response.headers[name] = std::string(value);
    }
    return size * count;
  }
};

std::unique_ptr<Transfer> start(const HttpRequest& request, std::size_t index) {
  auto transfer = std::make_unique<Transfer>();
  transfer->request = &request;
  transfer->index = index;
  transfer->response.url = request.url;
  auto* easy = transfer->easy = curl_easy_init();
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip,br");
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "sbfn");
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 30L);
  // Downloads from one host started together share one HTTP/2 connection.
  curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
  // A registry that stops sending is a failure, not a hang.
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::on_write);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
  const auto& roots = util::trusted_roots_from_env();
  if (!roots.empty() && request.url.starts_with("https:")) {
    curl_blob blob{const_cast<char*>(roots.data()), roots.size(), CURL_BLOB_NOCOPY};
    curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &blob);
    curl_easy_setopt(easy, CURLOPT_PROXY_CAINFO_BLOB, &blob);
  }
  for (const auto& [name, value] : request.headers) {
    transfer->headers = curl_slist_append(transfer->headers, (name + ": " + value).c_str());
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
  return transfer;
}

Result finish(Transfer& transfer, CURLcode code) {
  const auto& url = transfer.request->url;
  if (transfer.too_large) {
    return "download of " + url + " is larger than " + std::to_string(transfer.request->max_bytes) +
           " bytes";
  }
  if (code != CURLE_OK) {
    std::string detail = transfer.error[0] ? transfer.error : curl_easy_strerror(code);
    if (code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR) {
      detail = "the connection closed before the whole response arrived (" + detail + ")";
    }
    return "cannot download " + url + ": " + detail;
  }
  curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &transfer.response.status);
  char* effective = nullptr;
  curl_easy_getinfo(transfer.easy, CURLINFO_EFFECTIVE_URL, &effective);
  transfer.response.final_url = effective ? effective : url;
  return std::move(transfer.response);
}

// Downloads in flight in this process, so that two threads asking for the same thing
// share one transfer.
struct InFlight {
  std::mutex mutex;
  std::map<std::string, std::shared_future<Result>> by_key;
};

InFlight& in_flight() {
  static InFlight table;
  return table;
}

// Idle multi handles, reused by later calls: each keeps its open connections and the CA
// store libcurl cached, so a registry host costs one TLS handshake and one CA load for
// all its downloads rather than one per download (~50 ms of CPU each with OpenSSL 3).
struct MultiPool {
  std::mutex mutex;
  std::vector<CURLM*> idle;
};

MultiPool& multi_pool() {
  static auto* pool = new MultiPool;  // never destroyed: handles outlive static teardown
  return *pool;
}

CURLM* take_multi() {
  auto& pool = multi_pool();
  std::lock_guard lock(pool.mutex);
  if (pool.idle.empty()) {
    return curl_multi_init();
  }
  auto* multi = pool.idle.back();
  pool.idle.pop_back();
  return multi;
}

void give_back_multi(CURLM* multi) {
  auto& pool = multi_pool();
  std::lock_guard lock(pool.mutex);
  pool.idle.push_back(multi);
}

std::string key_of(const HttpRequest& request) {
  std::string key = request.url + (request.follow_redirects ? "\n1" : "\n0");
  for (const auto& [name, value] : request.headers) {
    key += "\n" + name + ":" + value;
  }
  return key;
}

}  // namespace

HttpClient::HttpClient(std::size_t max_parallel, DownloadReporter reporter)
    : m_max_parallel(std::max<std::size_t>(1, max_parallel)), m_reporter(std::move(reporter)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::vector<Result> HttpClient::get_all(const std::vector<HttpRequest>& requests) {
  std::vector<Result> results(requests.size());
  // Which requests this call performs, and which it waits for from elsewhere.
  std::vector<std::size_t> mine;
  std::map<std::size_t, std::shared_future<Result>> theirs;
  std::map<std::size_t, std::promise<Result>> promises;
  {
    auto& table = in_flight();
    std::lock_guard lock(table.mutex);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      auto key = key_of(requests[i]);
      if (auto it = table.by_key.find(key); it != table.by_key.end()) {
        theirs[i] = it->second;
      } else {
        auto& promise = promises[i];
        table.by_key[key] = promise.get_future().share();
        mine.push_back(i);
      }
    }
  }

  // Declared before `running`: transfers left over when the call ends early are cleaned
  // up, which takes them out of the multi, before it goes back to the pool.
  std::unique_ptr<CURLM, decltype(&give_back_multi)> multi(take_multi(), &give_back_multi);
  std::map<CURL*, std::unique_ptr<Transfer>> running;
  std::size_t next = 0;
  auto fill = [&] {
    while (running.size() < m_max_parallel && next < mine.size()) {
      auto index = mine[next++];
      auto transfer = start(requests[index], index);
      if (m_reporter) {
        m_reporter(requests[index].url, 0, false);
      }
      curl_multi_add_handle(multi.get(), transfer->easy);
      running.emplace(transfer->easy, std::move(transfer));
    }
  };
  std::set<std::size_t> unsettled(mine.begin(), mine.end());
  auto settle = [&](std::size_t index, Result result) {
    results[index] = result;
    promises[index].set_value(std::move(result));
    unsettled.erase(index);
    auto& table = in_flight();
    std::lock_guard lock(table.mutex);
    table.by_key.erase(key_of(requests[index]));
  };
  // Whatever ends this call early (an exception from a reporter, no memory), the threads
  // sharing its downloads get an answer, and the next request for them starts afresh.
  struct SettleRest {
    std::function<void()> run;
    ~SettleRest() { run(); }
  } settle_rest{[&] {
    for (auto index : std::set<std::size_t>(unsettled)) {
      settle(index, "cannot download " + requests[index].url + ": the download was abandoned");
    }
  }};

  fill();
  while (!running.empty()) {
    int active = 0;
    curl_multi_perform(multi.get(), &active);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &left)) {
      if (message->msg != CURLMSG_DONE) {
        continue;
      }
      auto it = running.find(message->easy_handle);
      auto transfer = std::move(it->second);
      running.erase(it);
      curl_multi_remove_handle(multi.get(), transfer->easy);
      if (m_reporter) {
        m_reporter(transfer->request->url, transfer->response.body.size(), true);
      }
      settle(transfer->index, finish(*transfer, message->data.result));
    }
    if (m_reporter) {
      for (const auto& [easy, transfer] : running) {
        m_reporter(transfer->request->url, transfer->response.body.size(), false);
      }
    }
    fill();
    if (!running.empty()) {
      curl_multi_poll(multi.get(), nullptr, 0, 200, nullptr);
    }
  }
  for (auto& [index, future] : theirs) {
    results[index] = future.get();
  }
  return results;
}

HttpResponse HttpClient::get(const HttpRequest& request) {
  auto results = get_all({request});
  if (auto* error = std::get_if<std::string>(&results[0])) {
    throw util::Error(*error);
  }
  return std::get<HttpResponse>(std::move(results[0]));
}

}  // namespace bundler
