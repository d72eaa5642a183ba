#include "deploy/aws/http.hpp"

#include "util/error.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace deploy::aws {
namespace {

size_t on_body(char* data, size_t size, size_t count, void* reply) {
  static_cast<HttpReply*>(reply)->body.append(data, size * count);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* reply) {
  auto* out = static_cast<HttpReply*>(reply);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    out->headers.clear();  // a new response (after a 100 Continue)
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto value = line.substr(colon + 1);
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
      value.remove_prefix(1);
    }
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
      value.remove_suffix(1);
    }
    out->headers[name] = std::string(value);
  }
  return size * count;
}

}  // namespace

std::string host_of(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  if (curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    throw util::Error("not a URL: " + url);
  }
  char* host = nullptr;
  char* port = nullptr;
  curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0);
  std::string out = host ? host : "";
  curl_free(host);
  // Without CURLU_DEFAULT_PORT, only a port written in the URL comes back.
  if (curl_url_get(parsed.get(), CURLUPART_PORT, &port, 0) == CURLUE_OK && port) {
    std::string scheme_default = url.starts_with("https:") ? "443" : "80";
    if (port != scheme_default) {
      out += ":" + std::string(port);
    }
  }
  curl_free(port);
  return out;
}

HttpReply send(const HttpExchange& request) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
  HttpReply reply;
  char error[CURL_ERROR_SIZE] = {};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  // curl would otherwise add `Expect: 100-continue` to large bodies and wait for it.
  headers = curl_slist_append(headers, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers,
                                                                          curl_slist_free_all);
  auto* handle = easy.get();
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "sbfn");
  curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method != "GET" && request.method != "HEAD") {
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 30L);
  // An API that stops answering is a failure, not a hang.
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &reply);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, &reply);
  if (auto code = curl_easy_perform(handle); code != CURLE_OK) {
    throw util::Error("cannot reach " + request.url + ": " +
                      (error[0] ? error : curl_easy_strerror(code)));
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

}  // namespace deploy::aws
