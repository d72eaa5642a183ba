#pragma once

// A conversation with one registry for one push: the scheme (verified HTTPS; for
// loopback and insecure registries unverified HTTPS, else plain HTTP), authentication
// from the registry's challenges (Basic, or Bearer tokens fetched from the realm and
// cached per scope set), retries with back-off, and the registry's JSON errors turned
// into sentences.

#include "deploy/registry/registry.hpp"
#include "deploy/registry/transport.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace deploy::registry {

class Session {
 public:
  // `scopes` are the token scopes the push needs (`repository:<name>:pull,push`, ...).
  Session(const Reference& ref, const PushOptions& options, std::vector<std::string> scopes);

  // `GET /v2/`: picks the scheme and learns how the registry authenticates. Throws
  // util::Error when the registry cannot be reached or refuses the credentials.
  void connect();

  // The absolute URL of `/v2/<path>`, and of a `Location` the registry sent (relative or not).
  std::string url(const std::string& path) const;
  std::string resolve(const std::string& location) const;

  // Sends `request` with credentials, answering one 401 challenge. With `may_repeat`,
  // connection errors, 429 and 5xx are retried (bounded, with back-off); without it the
  // caller recovers (a half-sent PATCH cannot simply be sent again). Throws util::Error
  // when the registry refuses the credentials (401/403) or cannot be reached.
  HttpResponse send(HttpRequest request, bool may_repeat = true);

  // A util::Error for an unexpected reply while `doing` something ("uploading blob
  // sha256:..."), with the registry's error codes and messages.
  [[noreturn]] void fail(const HttpResponse& response, const std::string& doing) const;

  const std::string& registry() const { return m_ref.registry; }
  void wait_before_retry(int attempt, const HttpResponse* response) const;
  int max_attempts() const { return m_options.max_attempts; }
  const std::vector<std::string>& scopes() const { return m_scopes; }

 private:
  void authenticate(const HttpResponse& challenge);
  void fetch_token(const std::map<std::string, std::string>& challenge);
  void load_credentials();
  std::string describe_credentials() const;
  [[noreturn]] void fail_auth(const HttpResponse& response) const;
  bool same_host(const std::string& url) const;

  Reference m_ref;
  const PushOptions& m_options;
  std::vector<std::string> m_scopes;
  std::string m_base;  // `https://host[:port]`
  std::optional<Transport> m_transport;
  std::optional<Transport> m_realm_transport;

  bool m_credentials_loaded = false;
  std::optional<Credentials> m_credentials;
  std::string m_credentials_source;

  std::string m_authorization;  // the header value to send, once known
  std::chrono::steady_clock::time_point m_token_expiry{};
  std::map<std::string, std::string> m_bearer_challenge;
  // Tokens per scope set, so a second push to the same repository asks the realm once.
  std::map<std::string, std::pair<std::string, std::chrono::steady_clock::time_point>> m_tokens;
};

// `CODE: message (detail); ...` from a registry's `{"errors":[...]}` body, or its first
// line of text; empty when there is nothing.
std::string registry_error_text(const std::string& body);
// True when the body's errors hold `code`.
bool has_error_code(const std::string& body, const std::string& code);

}  // namespace deploy::registry
