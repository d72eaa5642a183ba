#include "deploy/registry/transport.hpp"

#include "util/trusted_roots.hpp"
#include "util/uri.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <mutex>

namespace deploy::registry {

struct Transport::Handle {
  CURL* curl = nullptr;
  ~Handle() {
    if (curl) {
      curl_easy_cleanup(curl);
    }
  }
};

namespace {

struct BodySource {
  const HttpRequest* request;
  std::ifstream file;
  std::uint64_t sent = 0;
};

size_t read_body(char* buffer, size_t size, size_t count, void* user) {
  auto* source = static_cast<BodySource*>(user);
  const HttpRequest& request = *source->request;
  const std::uint64_t total = request.file.empty() ? request.text.size() : request.length;
  const std::uint64_t want = std::min<std::uint64_t>(size * count, total - source->sent);
  if (want == 0) {
    return 0;
  }
  if (request.file.empty()) {
    std::copy_n(request.text.data() + source->sent, want, buffer);
  } else {
    source->file.read(buffer, static_cast<std::streamsize>(want));
    if (static_cast<std::uint64_t>(source->file.gcount()) != want) {
      return CURL_READFUNC_ABORT;  // the file shrank under us
    }
  }
  source->sent += want;
  return want;
}

int report_sent(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t sent) {
  const auto* request = static_cast<const HttpRequest*>(user);
  request->on_sent(static_cast<std::uint64_t>(sent));
  return 0;
}

size_t write_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t read_header(char* data, size_t size, size_t count, void* user) {
  auto* response = static_cast<HttpResponse*>(user);
  std::string line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.pop_back();
  }
  if (line.rfind("HTTP/", 0) == 0) {
    response->headers.clear();  // a 100 Continue or a redirect's headers came first
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon == std::string::npos) {
    return size * count;
  }
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string value = line.substr(colon + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  response->headers[name] = value;
  return size * count;
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto found = headers.find(lower_name);
  return found == headers.end() ? std::string() : found->second;
}

Transport::Transport(bool verify_tls)
    : m_handle(std::make_unique<Handle>()), m_verify_tls(verify_tls) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  m_handle->curl = curl_easy_init();
}

Transport::~Transport() = default;

HttpResponse Transport::perform(const HttpRequest& request) {
  CURL* curl = m_handle->curl;
  // reset keeps the connection cache, so the next request reuses the open connection.
  curl_easy_reset(curl);
  HttpResponse response;
  BodySource source{&request, {}, 0};
  const bool has_file = !request.file.empty();
  const std::uint64_t length = has_file ? request.length : request.text.size();
  if (has_file) {
    source.file.open(request.file, std::ios::binary);
    if (!source.file) {
      throw util::Error("cannot read " + request.file.string());
    }
    source.file.seekg(static_cast<std::streamoff>(request.offset));
  }

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
  // A stalled transfer (under 1 byte/s for a minute) is a dropped connection.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "sbfn");
  const auto& roots = util::trusted_roots_from_env();
  if (!roots.empty() && request.url.rfind("https:", 0) == 0) {
    curl_blob blob{const_cast<char*>(roots.data()), roots.size(), CURL_BLOB_NOCOPY};
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  }
  if (!m_verify_tls) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  // Redirects are followed by the caller, which must not send Authorization to another host.
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
  curl_easy_setopt(curl, CURLOPT_READDATA, &source);

  if (request.on_sent) {
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, report_sent);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &request);
  }
  const auto curl_length = static_cast<curl_off_t>(length);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_length);
  } else if (request.method == "PUT" || request.method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, curl_length);
    if (request.method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PATCH");
    }
  } else if (request.method != "GET") {
    if (length > 0) {  // a DELETE with a body (the admin API's secrets unset)
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_length);
    }
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  curl_slist* headers = nullptr;
  // Without this curl waits for a 100 Continue before large bodies: a needless round trip.
  headers = curl_slist_append(headers, "Expect:");
  for (const auto& header : request.headers) {
    headers = curl_slist_append(headers, header.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    auto kind = TransportError::Kind::Other;
    if (code == CURLE_COULDNT_CONNECT) {
      kind = TransportError::Kind::Refused;
    } else if (code == CURLE_COULDNT_RESOLVE_HOST) {
      kind = TransportError::Kind::Unresolved;
    } else if (code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION) {
      kind = TransportError::Kind::Tls;
    }
    std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    throw TransportError(kind, request.method + " " + request.url + ": " + detail);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

std::string with_query(const std::string& url, const std::string& name, const std::string& value) {
  // Upload locations are opaque and may carry their own query (distribution's `_state`).
  return url + (url.find('?') == std::string::npos ? "?" : "&") + name + "=" +
         util::percent_encode(value);
}

}  // namespace deploy::registry
