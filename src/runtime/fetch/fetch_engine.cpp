// libcurl's multi interface on the worker's io_context: curl says which sockets to watch
// (CURLMOPT_SOCKETFUNCTION) and when to wake it (CURLMOPT_TIMERFUNCTION); asio waits on
// the descriptors and a steady_timer and calls curl_multi_socket_action back. libcurl's
// callbacks only record what happened; events reach JavaScript from a posted task.
#include "runtime/fetch/fetch_engine.hpp"

#include "runtime/connection_limit.hpp"
#include "runtime/fd_watcher.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>

#include <cctype>
#include <cstring>
#include <deque>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_map>

namespace runtime::fetch {
namespace {

// Read once per process: the system roots, extended per request when it brings its own.
const std::string& system_roots() {
  static const std::string roots = [] {
    for (const char* path :
         {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"}) {
      std::ifstream in(path, std::ios::binary);
      if (in) {
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
      }
    }
    return std::string();
  }();
  return roots;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) {
    text << in.rdbuf();
  }
  return text.str();
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

struct FetchEngine::Impl : std::enable_shared_from_this<Impl> {
  struct Transfer {
    std::uint32_t id = 0;
    Impl* impl = nullptr;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::string ca_blob;
    // Request body.
    std::string body;
    std::size_t body_offset = 0;
    bool body_ended = true;
    bool send_paused = false;
    bool asked_for_body = false;
    // Response.
    bool recv_paused = false;
    bool head_sent = false;
    int status = 0;
    std::string status_text;
    std::vector<std::pair<std::string, std::string>> response_headers;
    char error[CURL_ERROR_SIZE] = {};
    std::string url;
  };

  Impl(boost::asio::io_context& io_context, Deliver deliver_fn, void* deliver_context)
      : io(io_context),
        timer(io_context),
        deliver(deliver_fn),
        context(deliver_context),
        watcher(io_context, [this](int fd, bool readable, bool) {
          action(fd, readable ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
        }) {
    static CurlGlobal global;
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    // Idle connections kept for reuse. libcurl's default (4 per transfer in progress)
    // shrinks as transfers finish, closing the connections a burst of fetches just made.
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 256L);
    // Open connections at once: more fetches than this wait for one (connection_limit.hpp).
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      static_cast<long>(outbound_connection_limit()));
  }

  ~Impl() {
    for (auto& [id, transfer] : transfers) {
      release(*transfer);
    }
    transfers.clear();
    curl_multi_cleanup(multi);  // what it still closes leaves the watcher through on_socket
  }

  void release(Transfer& transfer) {
    curl_multi_remove_handle(multi, transfer.easy);
    curl_easy_cleanup(transfer.easy);
    curl_slist_free_all(transfer.headers);
    transfer.easy = nullptr;
    transfer.headers = nullptr;
  }

  // --- Events ---------------------------------------------------------------------------

  void emit(FetchEvent event) {
    // Consecutive pieces of one body travel as one event.
    if (event.kind == FetchEvent::Kind::data && !queue.empty() &&
        queue.back().kind == FetchEvent::Kind::data && queue.back().id == event.id) {
      queue.back().data += event.data;
      return;
    }
    queue.push_back(std::move(event));
    if (!flush_posted) {
      flush_posted = true;
      boost::asio::post(io, [weak = weak_from_this()] {
        if (auto self = weak.lock()) {
          self->flush();
        }
      });
    }
  }

  void flush() {
    flush_posted = false;
    while (!queue.empty()) {
      FetchEvent event = std::move(queue.front());
      queue.pop_front();
      deliver(context, event);
    }
  }

  // --- libcurl callbacks ------------------------------------------------------------------

  static int on_socket(CURL*, curl_socket_t fd, int what, void* userp, void*) {
    auto* self = static_cast<Impl*>(userp);
    // CURL_POLL_REMOVE asks for neither: the watcher forgets the descriptor.
    self->watcher.watch(fd, what == CURL_POLL_IN || what == CURL_POLL_INOUT,
                        what == CURL_POLL_OUT || what == CURL_POLL_INOUT);
    return 0;
  }

  // libcurl moves its deadline on nearly every call; re-arming the steady_timer each time
  // is a timerfd_settime system call. The timer is moved only when the deadline comes
  // earlier; a later one is noticed when it fires. A zero timeout is a posted task.
  static int on_timer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    if (timeout_ms < 0) {
      self->deadline.reset();
      return 0;
    }
    if (timeout_ms == 0) {
      self->deadline.reset();
      if (!self->timeout_posted) {
        self->timeout_posted = true;
        boost::asio::post(self->io, [weak = self->weak_from_this()] {
          if (auto self = weak.lock()) {
            self->timeout_posted = false;
            self->action(CURL_SOCKET_TIMEOUT, 0);
          }
        });
      }
      return 0;
    }
    self->deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    if (!self->timer_armed || self->timer.expiry() > *self->deadline) {
      self->arm_timer(*self->deadline);
    }
    return 0;
  }

  void arm_timer(std::chrono::steady_clock::time_point at) {
    timer_armed = true;
    auto generation = ++timer_generation;
    timer.expires_at(at);
    timer.async_wait([weak = weak_from_this(), generation](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self || ec || generation != self->timer_generation) {
        return;
      }
      self->timer_armed = false;
      if (!self->deadline) {
        return;
      }
      if (std::chrono::steady_clock::now() < *self->deadline) {
        self->arm_timer(*self->deadline);  // the deadline moved later meanwhile
        return;
      }
      self->deadline.reset();
      self->action(CURL_SOCKET_TIMEOUT, 0);
    });
  }

  static std::size_t on_write(char* data, std::size_t size, std::size_t count, void* userp) {
    auto* transfer = static_cast<Transfer*>(userp);
    if (transfer->recv_paused) {
      return CURL_WRITEFUNC_PAUSE;  // libcurl keeps these bytes until resumed
    }
    transfer->impl->send_head(*transfer);
    FetchEvent event;
    event.id = transfer->id;
    event.kind = FetchEvent::Kind::data;
    event.data.assign(data, size * count);
    transfer->impl->emit(std::move(event));
    return size * count;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* userp) {
    auto* transfer = static_cast<Transfer*>(userp);
    std::string_view line(data, size * count);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (line.starts_with("HTTP/")) {
      // A new status line: an interim (1xx) response's headers are forgotten.
      transfer->response_headers.clear();
      auto space = line.find(' ');
      auto rest = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
      transfer->status = std::atoi(std::string(rest.substr(0, 3)).c_str());
      transfer->status_text = rest.size() > 4 ? std::string(rest.substr(4)) : std::string();
    } else if (line.empty()) {
      if (transfer->status >= 200 || transfer->status == 101) {
        transfer->impl->send_head(*transfer);
      }
    } else {
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        for (auto& c : name) {
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
          value.remove_prefix(1);
        }
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
          value.remove_suffix(1);
        }
        transfer->response_headers.emplace_back(std::move(name), std::string(value));
      }
    }
    return size * count;
  }

  static std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* userp) {
    auto* transfer = static_cast<Transfer*>(userp);
    std::size_t available = transfer->body.size() - transfer->body_offset;
    if (available > 0) {
      std::size_t n = std::min(available, size * count);
      std::memcpy(buffer, transfer->body.data() + transfer->body_offset, n);
      transfer->body_offset += n;
      if (transfer->body_offset == transfer->body.size()) {
        transfer->body.clear();
        transfer->body_offset = 0;
      }
      return n;
    }
    if (transfer->body_ended) {
      return 0;
    }
    // Nothing to send yet: wait for JavaScript's next piece (write_body unpauses).
    transfer->send_paused = true;
    if (!transfer->asked_for_body) {
      transfer->asked_for_body = true;
      FetchEvent event;
      event.id = transfer->id;
      event.kind = FetchEvent::Kind::need_body;
      transfer->impl->emit(std::move(event));
    }
    return CURL_READFUNC_PAUSE;
  }

  void send_head(Transfer& transfer) {
    if (transfer.head_sent) {
      return;
    }
    transfer.head_sent = true;
    FetchEvent event;
    event.id = transfer.id;
    event.kind = FetchEvent::Kind::head;
    event.status = transfer.status;
    event.status_text = transfer.status_text;
    event.headers = std::move(transfer.response_headers);
    emit(std::move(event));
  }

  // --- Driving libcurl ------------------------------------------------------------------

  void action(curl_socket_t fd, int flags) {
    int running = 0;
    curl_multi_socket_action(multi, fd, flags, &running);
    collect_done();
  }

  void collect_done() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
      if (message->msg != CURLMSG_DONE) {
        continue;
      }
      Transfer* transfer = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
      CURLcode result = message->data.result;
      if (transfer == nullptr) {
        continue;
      }
      FetchEvent event;
      event.id = transfer->id;
      if (result == CURLE_OK) {
        send_head(*transfer);
        event.kind = FetchEvent::Kind::end;
      } else {
        event.kind = FetchEvent::Kind::error;
        event.before_response = !transfer->head_sent;
        event.data = describe(result, *transfer);
      }
      auto id = transfer->id;
      release(*transfer);
      transfers.erase(id);  // `message` is invalid from here
      emit(std::move(event));
    }
  }

  // The cause, worded as hyper/reqwest word it (what Deno users see).
  // The whole cause, as Deno words it: "error sending request for url (<url>): <detail>".
  static std::string describe(CURLcode result, const Transfer& transfer) {
    if (result == CURLE_GOT_NOTHING || result == CURLE_RECV_ERROR || result == CURLE_SEND_ERROR) {
      return send_request_error(transfer);
    }
    return "error sending request for url (" + transfer.url + "): " + detail_of(result, transfer);
  }

  // A connection that closed before the response: hyper names both ends.
  static std::string send_request_error(const Transfer& transfer) {
    char* local_ip = nullptr;
    char* peer_ip = nullptr;
    long local_port = 0;
    long peer_port = 0;
    curl_easy_getinfo(transfer.easy, CURLINFO_LOCAL_IP, &local_ip);
    curl_easy_getinfo(transfer.easy, CURLINFO_LOCAL_PORT, &local_port);
    curl_easy_getinfo(transfer.easy, CURLINFO_PRIMARY_IP, &peer_ip);
    curl_easy_getinfo(transfer.easy, CURLINFO_PRIMARY_PORT, &peer_port);
    auto address = [](const char* ip, long port) {
      std::string host = ip != nullptr ? ip : "";
      if (host.find(':') != std::string::npos) {
        host = "[" + host + "]";
      }
      return host + ":" + std::to_string(port);
    };
    return "error sending request from " + address(local_ip, local_port) + " for " + transfer.url +
           " (" + address(peer_ip, peer_port) +
           "): client error (SendRequest): connection closed before message completed";
  }

  static std::string detail_of(CURLcode result, const Transfer& transfer) {
    std::string_view detail = transfer.error[0] != '\0' ? transfer.error : "";
    auto has = [&](std::string_view text) { return detail.find(text) != std::string_view::npos; };
    switch (result) {
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
        return "client error (Connect): dns error: failed to lookup address information: Name "
               "or service not known";
      case CURLE_COULDNT_CONNECT: {
        // libcurl: "Failed to connect to <host> port <n> after <t> ms: <strerror>".
        for (auto [text, code] :
             {std::pair{"Connection refused", 111}, std::pair{"No route to host", 113},
              std::pair{"Network is unreachable", 101}}) {
          if (has(text)) {
            return "client error (Connect): tcp connect error: " + std::string(text) +
                   " (os error " + std::to_string(code) + ")";
          }
        }
        return "client error (Connect): tcp connect error: " + std::string(detail);
      }
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
        // rustls's names for what OpenSSL reports.
        if (has("expired")) {
          return "client error (Connect): invalid peer certificate: Expired";
        }
        if (has("subject name") || has("does not match")) {
          return "client error (Connect): invalid peer certificate: NotValidForName";
        }
        return "client error (Connect): invalid peer certificate: UnknownIssuer";
      case CURLE_SSL_CONNECT_ERROR:
        return "client error (Connect): " + std::string(detail);
      case CURLE_OPERATION_TIMEDOUT:
        return "client error (Connect): operation timed out";
      default:
        break;
    }
    return "client error: " + std::string(detail.empty() ? curl_easy_strerror(result) : detail);
  }

  std::uint32_t start(FetchRequest request) {
    auto transfer = std::make_unique<Transfer>();
    transfer->id = next_id++;
    transfer->impl = this;
    transfer->url = request.url;
    CURL* easy = curl_easy_init();
    transfer->easy = easy;
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error);
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // the spec's redirects are fetch.js's
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::on_write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer.get());
    // Never the process environment's proxy: fetch.js decides from the worker's.
    curl_easy_setopt(easy, CURLOPT_PROXY, request.proxy.c_str());
    if (request.decode) {
      curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip,br");
    }
    if (!request.verify_peer) {
      // curl keeps such connections apart from verified ones in its pool.
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    std::string roots;
    for (const auto& file : request.ca_files) {
      roots += read_text_file(file);
      roots += "\n";
    }
    roots += request.ca_pem;
    if (!roots.empty()) {
      transfer->ca_blob = system_roots() + "\n" + roots;
      curl_blob blob{transfer->ca_blob.data(), transfer->ca_blob.size(), CURL_BLOB_NOCOPY};
      curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &blob);
      curl_easy_setopt(easy, CURLOPT_PROXY_CAINFO_BLOB, &blob);
    }

    const auto& method = request.method;
    bool has_body = request.has_body || request.streamed_body;
    if (method == "HEAD") {
      curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else if (has_body) {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_READFUNCTION, &Impl::on_read);
      curl_easy_setopt(easy, CURLOPT_READDATA, transfer.get());
      if (request.streamed_body) {
        transfer->body_ended = false;
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(-1));
      } else {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
        transfer->body = std::move(request.body);
      }
      if (method != "POST") {
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
      }
    } else if (method != "GET") {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    bool has_content_type = false;
    for (const auto& [name, value] : request.headers) {
      // "Name;" is libcurl's spelling of a header with an empty value.
      std::string line = value.empty() ? name + ";" : name + ": " + value;
      transfer->headers = curl_slist_append(transfer->headers, line.c_str());
      has_content_type = has_content_type || name == "content-type";
    }
    // libcurl's own defaults a fetch would not send.
    transfer->headers = curl_slist_append(transfer->headers, "Expect:");
    if (has_body && !has_content_type) {
      transfer->headers = curl_slist_append(transfer->headers, "Content-Type:");
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);

    auto id = transfer->id;
    transfers.emplace(id, std::move(transfer));
    curl_multi_add_handle(multi, easy);
    return id;
  }

  Transfer* find(std::uint32_t id) {
    auto it = transfers.find(id);
    return it == transfers.end() ? nullptr : it->second.get();
  }

  void unpause(Transfer& transfer) {
    int mask = (transfer.recv_paused ? CURLPAUSE_RECV : 0);
    curl_easy_pause(transfer.easy, mask);
    collect_done();
  }

  void write_body(std::uint32_t id, std::string chunk, bool end) {
    auto* transfer = find(id);
    if (transfer == nullptr) {
      return;
    }
    transfer->body += chunk;
    transfer->body_ended = end;
    transfer->asked_for_body = false;
    if (transfer->send_paused) {
      transfer->send_paused = false;
      unpause(*transfer);
    }
  }

  void pause(std::uint32_t id, bool paused) {
    auto* transfer = find(id);
    if (transfer == nullptr || transfer->recv_paused == paused) {
      return;
    }
    transfer->recv_paused = paused;
    if (!paused) {
      unpause(*transfer);
    }
  }

  void abort(std::uint32_t id) {
    auto it = transfers.find(id);
    if (it != transfers.end()) {
      release(*it->second);
      transfers.erase(it);
    }
    // An aborted transfer says nothing more.
    std::erase_if(queue, [id](const FetchEvent& event) { return event.id == id; });
  }

  boost::asio::io_context& io;
  boost::asio::steady_timer timer;
  std::optional<std::chrono::steady_clock::time_point> deadline;  // libcurl's, if any
  bool timer_armed = false;
  std::uint64_t timer_generation = 0;
  bool timeout_posted = false;
  Deliver deliver;
  void* context;
  CURLM* multi = nullptr;
  FdWatcher watcher;  // the sockets libcurl asks to be watched
  std::unordered_map<std::uint32_t, std::unique_ptr<Transfer>> transfers;
  std::deque<FetchEvent> queue;
  bool flush_posted = false;
  std::uint32_t next_id = 1;
};

FetchEngine::FetchEngine(boost::asio::io_context& io, Deliver deliver, void* context)
    : m_impl(std::make_shared<Impl>(io, deliver, context)) {}

FetchEngine::~FetchEngine() = default;

std::uint32_t FetchEngine::start(FetchRequest request) {
  return m_impl->start(std::move(request));
}

void FetchEngine::write_body(std::uint32_t id, std::string chunk, bool end) {
  m_impl->write_body(id, std::move(chunk), end);
}

void FetchEngine::pause(std::uint32_t id, bool paused) {
  m_impl->pause(id, paused);
}

void FetchEngine::abort(std::uint32_t id) {
  m_impl->abort(id);
}

std::size_t FetchEngine::active() const {
  return m_impl->transfers.size();
}

}  // namespace runtime::fetch
