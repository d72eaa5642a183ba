#include "bundler/remote/auth_tokens.hpp"

#include "bundler/remote/url.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace bundler {
namespace {

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

AuthTokens::AuthTokens(const std::string& value) {
  std::size_t start = 0;
  while (start <= value.size()) {
    auto end = value.find(';', start);
    if (end == std::string::npos) {
      end = value.size();
    }
    auto item = value.substr(start, end - start);
    start = end + 1;
    auto at = item.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == item.size()) {
      continue;
    }
    auto credentials = item.substr(0, at);
    auto host_port = item.substr(at + 1);
    Entry entry;
    // "[::1]:8080", "host:8080" or "host": the port follows the last ':' outside brackets.
    auto bracket = host_port.rfind(']');
    auto colon = host_port.rfind(':');
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
      entry.host = host_port.substr(0, colon);
      entry.port = host_port.substr(colon + 1);
    } else {
      entry.host = host_port;
    }
    entry.host = lower(entry.host);
    entry.header = credentials.find(':') != std::string::npos ? "Basic " + base64(credentials)
                                                              : "Bearer " + credentials;
    m_entries.push_back(std::move(entry));
  }
}

AuthTokens AuthTokens::from_environment() {
  const char* value = std::getenv("DENO_AUTH_TOKENS");
  return value ? AuthTokens(value) : AuthTokens();
}

std::optional<std::string> AuthTokens::header_for(const std::string& url) const {
  auto parsed = Url::parse(url);
  if (!parsed) {
    return std::nullopt;
  }
  auto host = lower(parsed->hostname());
  // Url drops the scheme's default port, so "host:443" in an entry matches https://host/.
  auto port = parsed->port();
  if (port.empty()) {
    port = parsed->scheme() == "https" ? "443" : parsed->scheme() == "http" ? "80" : "";
  }
  for (const auto& entry : m_entries) {
    bool host_matches =
        host == entry.host || (host.size() > entry.host.size() && host.ends_with("." + entry.host));
    bool port_matches = entry.port.empty() ? parsed->port().empty() : entry.port == port;
    if (host_matches && port_matches) {
      return entry.header;
    }
  }
  return std::nullopt;
}

}  // namespace bundler
