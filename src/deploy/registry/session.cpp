#include "deploy/registry/session.hpp"

#include "deploy/registry/docker_config.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/uri.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

namespace deploy::registry {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

bool is_loopback(const std::string& registry) {
  std::string host = registry;
  if (host.rfind("[", 0) == 0) {
    host = host.substr(1, host.find(']') - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    host.resize(colon);
  }
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// `Bearer realm="x",service="y"` → {"": "bearer", "realm": "x", "service": "y"} (RFC 7235:
// the scheme, then comma-separated `key=value` pairs whose values may be quoted).
std::map<std::string, std::string> parse_challenge(const std::string& header) {
  std::map<std::string, std::string> out;
  std::size_t i = header.find(' ');
  std::string scheme = header.substr(0, i);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  out[""] = scheme;
  while (i != std::string::npos && i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',')) {
      ++i;
    }
    const auto eq = header.find('=', i);
    if (eq == std::string::npos) {
      break;
    }
    std::string key = header.substr(i, eq - i);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value;
    i = eq + 1;
    if (i < header.size() && header[i] == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) {
          ++i;
        }
        value += header[i];
      }
      ++i;
    } else {
      const auto end = header.find(',', i);
      value = header.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end;
    }
    out[key] = value;
  }
  return out;
}

std::string host_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  const auto end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

std::string registry_error_text(const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  std::string out;
  if (parsed.is_object() && parsed.contains("errors") && parsed["errors"].is_array()) {
    for (const auto& error : parsed["errors"]) {
      if (!error.is_object()) {
        continue;
      }
      if (!out.empty()) {
        out += "; ";
      }
      out += error.value("code", "ERROR") + ": " + error.value("message", "");
      if (auto detail = error.find("detail"); detail != error.end() && !detail->is_null()) {
        out += " (" + (detail->is_string() ? detail->get<std::string>() : detail->dump()) + ")";
      }
    }
    return out;
  }
  out = body.substr(0, body.find('\n'));
  return out.size() > 200 ? out.substr(0, 200) + "..." : out;
}

bool has_error_code(const std::string& body, const std::string& code) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("errors") || !parsed["errors"].is_array()) {
    return false;
  }
  return std::any_of(parsed["errors"].begin(), parsed["errors"].end(), [&](const json& error) {
    return error.is_object() && error.value("code", "") == code;
  });
}

Session::Session(const Reference& ref, const PushOptions& options, std::vector<std::string> scopes)
    : m_ref(ref), m_options(options), m_scopes(std::move(scopes)) {}

std::string Session::url(const std::string& path) const {
  return m_base + "/v2/" + path;
}

std::string Session::resolve(const std::string& location) const {
  if (location.find("://") != std::string::npos) {
    return location;
  }
  return m_base + (location.rfind("/", 0) == 0 ? "" : "/") + location;
}

bool Session::same_host(const std::string& url) const {
  return host_of(url) == host_of(m_base);
}

void Session::connect() {
  const std::string host = m_ref.api_host();
  // As docker treats them: loopback registries and those the user marked insecure get TLS
  // without certificate checks when they speak it, plain HTTP when they do not; every
  // other registry needs verified TLS.
  const bool relaxed = is_loopback(host) || m_options.insecure;
  m_base = "https://" + host;
  m_transport.emplace(!relaxed);
  // The token realm is another server, checked unless the user said insecure.
  m_realm_transport.emplace(!m_options.insecure);
  HttpResponse response;
  try {
    response = send(HttpRequest::to("GET", url("")));
  } catch (const TransportError& error) {
    if (error.kind() == TransportError::Kind::Tls && !relaxed) {
      throw util::Error(std::string(error.what()) +
                        ": no TLS the registry could be trusted with. If it uses a private CA, "
                        "name the CA file in SSL_CERT_FILE; if it is yours and speaks plain HTTP "
                        "or has a self-signed certificate, mark it insecure "
                        "(--insecure-registry)");
    }
    if (!relaxed || error.kind() != TransportError::Kind::Tls) {
      throw;
    }
    m_base = "http://" + host;
    response = send(HttpRequest::to("GET", url("")));
  }
  if (response.status == 404) {
    throw util::Error(m_base + "/v2/ answered 404: " + m_ref.registry +
                      " does not look like an OCI registry");
  }
  if (response.status != 200) {
    fail(response, "checking the registry's API (GET /v2/)");
  }
}

HttpResponse Session::send(HttpRequest request, bool may_repeat) {
  const std::size_t plain_headers = request.headers.size();
  bool answered_challenge = false;
  int redirects = 0;
  for (int attempt = 1;; ++attempt) {
    request.headers.resize(plain_headers);
    if (!m_authorization.empty() && same_host(request.url)) {
      if (m_token_expiry != Clock::time_point{} && Clock::now() >= m_token_expiry) {
        fetch_token(m_bearer_challenge);  // the cached token ran out mid-push
      }
      request.headers.push_back("Authorization: " + m_authorization);
    }
    HttpResponse response;
    try {
      response = m_transport->perform(request);
    } catch (const TransportError& error) {
      if (error.kind() == TransportError::Kind::Refused) {
        throw TransportError(error.kind(), "cannot connect to registry " + m_ref.registry + " (" +
                                               error.what() +
                                               "): is it running, and is the address right?");
      }
      if (error.kind() == TransportError::Kind::Unresolved) {
        throw TransportError(error.kind(), "cannot find registry " + m_ref.registry + " (" +
                                               error.what() + "): check the host name");
      }
      // A failed TLS handshake does not heal by asking again.
      if (!may_repeat || attempt >= m_options.max_attempts ||
          error.kind() == TransportError::Kind::Tls) {
        throw TransportError(
            error.kind(),
            "registry " + m_ref.registry + ": " + error.what() +
                (attempt > 1 ? " (after " + std::to_string(attempt) + " attempts)" : ""));
      }
      wait_before_retry(attempt, nullptr);
      continue;
    }
    // Redirects of reads are followed here (not by curl), so that Authorization is only
    // sent to the registry's own host.
    if ((request.method == "GET" || request.method == "HEAD") && response.status >= 301 &&
        response.status <= 308 && !response.header("location").empty() && redirects < 5) {
      ++redirects;
      request.url = resolve(response.header("location"));
      --attempt;
      continue;
    }
    if (response.status == 401 && !answered_challenge && same_host(request.url)) {
      answered_challenge = true;
      authenticate(response);
      --attempt;  // answering the challenge is not a failed attempt
      continue;
    }
    if (response.status == 401 || response.status == 403) {
      fail_auth(response);
    }
    if ((response.status == 429 || response.status >= 500) && may_repeat &&
        attempt < m_options.max_attempts) {
      wait_before_retry(attempt, &response);
      continue;
    }
    return response;
  }
}

void Session::wait_before_retry(int attempt, const HttpResponse* response) const {
  auto delay =
      std::chrono::milliseconds(m_options.retry_delay_ms) * (1 << std::min(attempt - 1, 6));
  if (response) {
    // Retry-After in seconds (the HTTP-date form is rare from registries; back-off covers it).
    const std::string after = response->header("retry-after");
    if (!after.empty() && std::all_of(after.begin(), after.end(), ::isdigit)) {
      delay = std::chrono::seconds(std::min(std::stoi(after), 30));
    }
  }
  std::this_thread::sleep_for(delay);
}

void Session::load_credentials() {
  if (m_credentials_loaded) {
    return;
  }
  m_credentials_loaded = true;
  if (m_options.credentials) {
    m_credentials = m_options.credentials;
    m_credentials_source = "the credentials given";
    return;
  }
  FoundCredentials found = find_docker_credentials(m_ref.registry, m_options.docker_config_dir);
  m_credentials = found.credentials;
  m_credentials_source = found.source;
}

std::string Session::describe_credentials() const {
  if (!m_credentials) {
    return "no credentials (anonymous; looked in " +
           (m_credentials_source.empty() ? std::string("no Docker config") : m_credentials_source) +
           ")";
  }
  if (m_credentials->username.empty()) {
    return "an identity token from " + m_credentials_source;
  }
  return "user '" + m_credentials->username + "' from " + m_credentials_source;
}

void Session::fail_auth(const HttpResponse& response) const {
  std::string message = "registry " + m_ref.registry +
                        (response.status == 403 ? " denied access to " : " refused access to ") +
                        m_ref.repository + " with " + describe_credentials();
  const std::string detail = registry_error_text(response.body);
  if (!detail.empty()) {
    message += " [" + std::to_string(response.status) + " " + detail + "]";
  }
  message += m_credentials
                 ? ": check the user name and password (or run `docker login " + m_ref.registry +
                       "` again)"
                 : ": log in with `docker login " + m_ref.registry + "` or give credentials";
  throw util::Error(message);
}

void Session::authenticate(const HttpResponse& challenge_response) {
  const auto challenge = parse_challenge(challenge_response.header("www-authenticate"));
  const std::string scheme = challenge.count("") ? challenge.at("") : "";
  load_credentials();
  if (scheme == "basic") {
    if (!m_credentials || m_credentials->username.empty()) {
      fail_auth(challenge_response);
    }
    m_authorization =
        "Basic " + util::base64_encode(m_credentials->username + ":" + m_credentials->password);
    return;
  }
  if (scheme == "bearer" && challenge.count("realm")) {
    if (m_authorization.rfind("Bearer ", 0) == 0) {
      // The registry refused a token we hold (revoked, or its clock runs ahead of ours):
      // ask for a fresh one rather than resend it.
      m_tokens.clear();
    }
    fetch_token(challenge);
    return;
  }
  fail_auth(challenge_response);
}

void Session::fetch_token(const std::map<std::string, std::string>& challenge) {
  m_bearer_challenge = challenge;
  const std::string realm = challenge.at("realm");
  const std::string service = challenge.count("service") ? challenge.at("service") : "";
  std::vector<std::string> scopes = m_scopes;
  if (auto asked = challenge.find("scope");
      asked != challenge.end() &&
      std::find(scopes.begin(), scopes.end(), asked->second) == scopes.end()) {
    scopes.push_back(asked->second);
  }
  std::string scope_key;
  for (const auto& scope : scopes) {
    scope_key += scope + " ";
  }
  if (auto cached = m_tokens.find(scope_key);
      cached != m_tokens.end() && Clock::now() < cached->second.second) {
    m_authorization = "Bearer " + cached->second.first;
    m_token_expiry = cached->second.second;
    return;
  }
  if (realm.rfind("https://", 0) != 0 && !is_loopback(host_of(realm)) && !m_options.insecure) {
    throw util::Error("registry " + m_ref.registry + " sends credentials to a token realm over " +
                      "plain HTTP (" + realm + "); refused unless the registry is insecure");
  }
  HttpRequest request;
  if (m_credentials && !m_credentials->identity_token.empty()) {
    // An identity token is an OAuth2 refresh token: traded with a form POST.
    request.method = "POST";
    request.url = realm;
    request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    request.text =
        "grant_type=refresh_token&client_id=sbfn&service=" + util::percent_encode(service) +
        "&refresh_token=" + util::percent_encode(m_credentials->identity_token);
    for (const auto& scope : scopes) {
      request.text += "&scope=" + util::percent_encode(scope);
    }
  } else {
    request.method = "GET";
    request.url = realm;
    if (!service.empty()) {
      request.url = with_query(request.url, "service", service);
    }
    for (const auto& scope : scopes) {
      request.url = with_query(request.url, "scope", scope);
    }
    if (m_credentials) {
      request.url = with_query(request.url, "account", m_credentials->username);
      request.headers.push_back(
          "Authorization: Basic " +
          util::base64_encode(m_credentials->username + ":" + m_credentials->password));
    }
  }
  HttpResponse response;
  for (int attempt = 1;; ++attempt) {
    try {
      response = m_realm_transport->perform(request);
    } catch (const TransportError& error) {
      if (attempt >= m_options.max_attempts) {
        throw util::Error("cannot get a token for " + m_ref.registry + " from " + realm + ": " +
                          error.what());
      }
      wait_before_retry(attempt, nullptr);
      continue;
    }
    if ((response.status == 429 || response.status >= 500) && attempt < m_options.max_attempts) {
      wait_before_retry(attempt, &response);
      continue;
    }
    break;
  }
  if (response.status == 401 || response.status == 403) {
    fail_auth(response);
  }
  json reply = json::parse(response.body, nullptr, false);
  std::string token;
  if (reply.is_object()) {
    token = reply.value("token", "");
    if (token.empty()) {
      token = reply.value("access_token", "");
    }
  }
  if (response.status != 200 || token.empty()) {
    throw util::Error("token server " + realm + " for " + m_ref.registry + " answered " +
                      std::to_string(response.status) +
                      " without a token: " + registry_error_text(response.body));
  }
  int expires_in = reply.is_object() && reply.value("expires_in", json()).is_number_integer()
                       ? reply["expires_in"].get<int>()
                       : 60;
  expires_in = std::max(expires_in, 60);
  // Renewed a little early so no request goes out with a token about to lapse.
  const auto expiry = Clock::now() + std::chrono::seconds(expires_in - 10);
  m_tokens[scope_key] = {token, expiry};
  m_authorization = "Bearer " + token;
  m_token_expiry = expiry;
}

void Session::fail(const HttpResponse& response, const std::string& doing) const {
  std::string message = "registry " + m_ref.registry + " answered " +
                        std::to_string(response.status) + " while " + doing;
  const std::string detail = registry_error_text(response.body);
  if (response.status == 404 && (has_error_code(response.body, "NAME_UNKNOWN") ||
                                 detail.find("404 page not found") != std::string::npos)) {
    message = "repository " + m_ref.repository + " not found on registry " + m_ref.registry +
              " while " + doing + (detail.empty() ? "" : " (" + detail + ")") +
              ": create it first, or check the name";
    throw util::Error(message);
  }
  if (!detail.empty()) {
    message += ": " + detail;
  }
  throw util::Error(message);
}

}  // namespace deploy::registry
