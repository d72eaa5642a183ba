#pragma once

// `sbfn healthcheck [URL]`: the image's Docker HEALTHCHECK. The image has no curl or shell,
// so sbfn probes its own server: a GET that must answer 2xx within the timeout.

#include <string>

namespace deploy {

inline constexpr const char* k_default_health_url = "http://127.0.0.1:8000/health";

// GETs `url`; returns 0 on a 2xx answer, else prints why on stderr and returns 1.
int probe_health(const std::string& url, long timeout_ms);

}  // namespace deploy
