#include "deploy/remote/admin_client.hpp"

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/uri.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace deploy::remote {
namespace {

using nlohmann::json;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string first_line(const std::string& text) {
  auto line = text.substr(0, text.find_first_of("\r\n"));
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
    line.pop_back();
  }
  return line;
}

std::string read_token_file(const std::string& file) {
  auto text = util::try_read_file(file);
  if (!text) {
    throw util::Error("cannot read the admin token file " + file + ": " + std::strerror(errno));
  }
  auto token = first_line(*text);
  if (token.empty()) {
    throw util::Error("the admin token file " + file + " is empty");
  }
  return token;
}

// The host of an http(s) URL, without port or brackets.
std::string host_of(const std::string& url) {
  auto start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  auto end = url.find_first_of("/?#", start);
  auto authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (authority.starts_with("[")) {
    return authority.substr(1, authority.find(']') - 1);
  }
  return authority.substr(0, authority.find(':'));
}

bool is_loopback_host(const std::string& host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// The remote's message from an error body ({"error": ...}), else the body itself.
std::string remote_message(const registry::HttpResponse& response) {
  try {
    auto body = json::parse(response.body);
    if (body.is_object() && body.contains("error")) {
      return body.at("error").get<std::string>();
    }
  } catch (const json::exception&) {
  }
  auto text = response.body.substr(0, 500);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text.empty() ? "(no message)" : text;
}

}  // namespace

RemoteTarget resolve_target(std::string url, const std::string& token_file, bool insecure) {
  if (url.empty()) {
    url = env("SBFN_DEPLOY_TO");
  }
  if (url.empty()) {
    throw util::Error("no remote sbfn serve: give --to URL (or set SBFN_DEPLOY_TO)");
  }
  while (url.size() > 1 && url.back() == '/') {
    url.pop_back();
  }
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    throw util::Error("--to " + url + ": expected an http:// or https:// URL");
  }
  if (url.starts_with("http://") && !insecure && !is_loopback_host(host_of(url))) {
    throw util::Error("refusing to send the admin token over plain HTTP to " + host_of(url) +
                      ": use https:// (sbfn serve --tls-cert/--tls-key, or a TLS proxy), or "
                      "pass --admin-insecure on a network you trust");
  }
  RemoteTarget target;
  target.url = url;
  target.insecure = insecure;
  if (!token_file.empty()) {
    target.token = read_token_file(token_file);
  } else if (auto token = first_line(env("SBFN_DEPLOY_TOKEN")); !token.empty()) {
    target.token = token;
  } else if (auto file = env("SBFN_DEPLOY_TOKEN_FILE"); !file.empty()) {
    target.token = read_token_file(file);
  } else {
    throw util::Error(
        "no admin token: give --token-file FILE (or set SBFN_DEPLOY_TOKEN, or "
        "SBFN_DEPLOY_TOKEN_FILE) holding the token the server's --admin-token-file holds");
  }
  return target;
}

AdminClient::AdminClient(RemoteTarget target)
    : m_target(std::move(target)), m_transport(/*verify_tls=*/true) {}

json AdminClient::call(const std::string& method, const std::string& path, std::string body,
                       std::initializer_list<long> ok, const std::string& what) {
  auto request = registry::HttpRequest::to(method, m_target.url + "/_admin/v1/" + path);
  request.headers.push_back("Authorization: Bearer " + m_target.token);
  if (!body.empty() || method == "POST" || method == "PUT") {
    request.headers.push_back(path.starts_with("functions/") && method == "PUT"
                                  ? "Content-Type: application/vnd.sbfn.artifact"
                                  : "Content-Type: application/json");
    request.text = std::move(body);
  }
  // A dropped connection is retried (twice, after 1 s then 2 s): every call is safe to
  // repeat, a deploy of the same artifact included (the remote answers "unchanged").
  registry::HttpResponse response;
  std::string cut;  // the first dropped connection's error
  for (int attempt = 0;; ++attempt) {
    try {
      response = m_transport.perform(request);
      break;
    } catch (const registry::TransportError& error) {
      bool dropped = error.kind() == registry::TransportError::Kind::Other;
      if (dropped && cut.empty()) {
        cut = error.what();
      }
      if ((!dropped || attempt == 2) && !cut.empty() && method != "GET") {
        throw OutcomeUnknown("cannot tell whether " + what + " was done: " + m_target.url +
                             " closed the connection before answering (" + cut +
                             "), then could not be reached (" + error.what() +
                             "); see sbfn deploy --to " + m_target.url + " --list once it is back");
      }
      if (!dropped || attempt == 2) {
        throw util::Error("cannot reach " + m_target.url + " to " + what + ": " + error.what());
      }
      std::fprintf(stderr, "%s: %s; trying again\n", what.c_str(), error.what());
      std::this_thread::sleep_for(std::chrono::seconds(1 << attempt));
    }
  }
  if (std::find(ok.begin(), ok.end(), response.status) != ok.end()) {
    try {
      return response.body.empty() ? json() : json::parse(response.body);
    } catch (const json::exception&) {
      throw util::Error(m_target.url + " answered " + std::to_string(response.status) +
                        " with something that is not JSON: is it an sbfn serve?");
    }
  }
  auto message = remote_message(response);
  switch (response.status) {
    case 401:
      throw util::Error(m_target.url + " refused the admin token (401: " + message +
                        "): check --token-file against the server's --admin-token-file");
    case 404:
      if (response.header("content-type").find("json") == std::string::npos) {
        throw util::Error(m_target.url +
                          " has no admin API (404): start it with "
                          "sbfn serve --admin-token-file FILE");
      }
      throw util::Error("cannot " + what + ": " + message);
    case 507:
      throw util::Error("cannot " + what + ": the remote's disk is full (507): " + message);
    default:
      throw util::Error("cannot " + what + " (" + std::to_string(response.status) +
                        "): " + message);
  }
}

json AdminClient::deploy(const std::string& slug, const std::string& artifact,
                         std::optional<bool> verify_jwt) {
  std::string path = "functions/" + slug;
  if (verify_jwt) {
    path += *verify_jwt ? "?verify_jwt=true" : "?verify_jwt=false";
  }
  return call("PUT", path, artifact, {200, 201}, "deploy " + slug);
}

json AdminClient::list() {
  return call("GET", "functions", {}, {200}, "list the functions");
}

json AdminClient::rollback(const std::string& slug) {
  return call("POST", "functions/" + slug + "/rollback", {}, {200}, "roll " + slug + " back");
}

void AdminClient::remove(const std::string& slug) {
  call("DELETE", "functions/" + slug, {}, {200}, "delete " + slug);
}

json AdminClient::secrets() {
  return call("GET", "secrets", {}, {200}, "list the secrets");
}

void AdminClient::set_secrets(const std::vector<std::pair<std::string, std::string>>& entries) {
  json body = json::array();
  for (const auto& [name, value] : entries) {
    body.push_back({{"name", name}, {"value", value}});
  }
  call("POST", "secrets", body.dump(), {200, 201}, "set the secrets");
}

json AdminClient::unset_secrets(const std::vector<std::string>& names) {
  return call("DELETE", "secrets", json(names).dump(), {200}, "unset the secrets");
}

}  // namespace deploy::remote
