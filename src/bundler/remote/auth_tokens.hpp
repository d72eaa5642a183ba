#pragma once

// DENO_AUTH_TOKENS: "token@host;user:password@host:port" — an Authorization header for
// requests to private hosts (Bearer for a token, Basic for user:password). A host matches
// exactly or as a dot-suffix ("example.com" covers "a.example.com"); the port must match
// (an entry without one matches only the scheme's default port).

#include <optional>
#include <string>
#include <vector>

namespace bundler {

class AuthTokens {
 public:
  AuthTokens() = default;
  // Parses the variable's value; malformed entries are skipped, as Deno does.
  explicit AuthTokens(const std::string& value);
  // From the process environment.
  static AuthTokens from_environment();

  // The Authorization header value for `url`, if an entry matches.
  std::optional<std::string> header_for(const std::string& url) const;

 private:
  struct Entry {
    std::string host;  // lowercase, without port
    std::string port;  // empty: none given
    std::string header;
  };
  std::vector<Entry> m_entries;
};

}  // namespace bundler
