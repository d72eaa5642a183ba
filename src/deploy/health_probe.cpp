#include "deploy/health_probe.hpp"

#include <curl/curl.h>

#include <cstdio>

namespace deploy {
namespace {

size_t discard(char*, size_t size, size_t count, void*) {
  return size * count;
}

}  // namespace

int probe_health(const std::string& url, long timeout_ms) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    std::fprintf(stderr, "unhealthy: libcurl could not start\n");
    return 1;
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");  // the probe is about this container
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  auto result = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (result != CURLE_OK) {
    std::fprintf(stderr, "unhealthy: %s: %s\n", url.c_str(), curl_easy_strerror(result));
    return 1;
  }
  if (status < 200 || status > 299) {
    std::fprintf(stderr, "unhealthy: %s answered %ld\n", url.c_str(), status);
    return 1;
  }
  return 0;
}

}  // namespace deploy
