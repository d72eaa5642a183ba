#include "server/admin/admin_api.hpp"

#include "server/bundled_functions.hpp"
#include "server/log.hpp"

#include "bundler/artifact/artifact.hpp"
#include "util/crypto.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <regex>

namespace server::admin {
namespace {

using nlohmann::json;
using Reply = AdminApi::Reply;

constexpr auto k_boot_limit = std::chrono::seconds(30);
constexpr std::string_view k_prefix = "/_admin/v1/";

Reply error_reply(int status, const std::string& message) {
  return {status, json{{"error", message}}.dump()};
}

std::string header(const runtime::HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return value;
    }
  }
  return {};
}

// The query of the request's URL, without the `?`.
std::string query_of(const std::string& url) {
  auto start = url.find('?');
  if (start == std::string::npos) {
    return {};
  }
  auto end = url.find('#', start);
  return url.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
}

// `verify_jwt=true|false` in a query; nullopt when absent. Throws util::Error otherwise.
std::optional<bool> verify_jwt_of(const std::string& query) {
  std::size_t at = 0;
  while (at <= query.size()) {
    auto end = query.find('&', at);
    auto pair = query.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (pair.starts_with("verify_jwt=")) {
      auto value = pair.substr(11);
      if (value == "true" || value == "false") {
        return value == "true";
      }
      throw util::Error("verify_jwt must be true or false, not \"" + value + "\"");
    }
    if (end == std::string::npos) {
      break;
    }
    at = end + 1;
  }
  return std::nullopt;
}

// The path of the request's absolute URL, without its query.
std::string path_of(const std::string& url) {
  auto scheme = url.find("://");
  auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos) {
    return "/";
  }
  auto end = url.find_first_of("?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

bool valid_slug(const std::string& slug) {
  static const std::regex pattern("[A-Za-z][A-Za-z0-9_-]*");
  return std::regex_match(slug, pattern);
}

// A write that failed for want of space is the remote's problem, said as such (507).
Reply storage_error(const std::exception& error) {
  const auto* write = dynamic_cast<const util::WriteError*>(&error);
  bool full = write && (write->code == ENOSPC || write->code == EDQUOT);
  return error_reply(full ? 507 : 500, std::string(error.what()) + " (nothing was changed)");
}

json version_json(const DeployedVersion& v) {
  return {{"version", v.version},
          {"digest", v.digest},
          {"deployed_at", v.deployed_at},
          {"verify_jwt", v.verify_jwt},
          {"size", v.size}};
}

json function_json(const DeployedFunction& function) {
  json out = {{"slug", function.slug}, {"source", "deployed"}, {"version", function.current}};
  if (const auto* current = function.current_version()) {
    out["digest"] = current->digest;
    out["deployed_at"] = current->deployed_at;
    out["verify_jwt"] = current->verify_jwt;
    out["size"] = current->size;
  }
  json versions = json::array();
  for (const auto& v : function.versions) {
    versions.push_back(version_json(v));
  }
  out["versions"] = std::move(versions);
  return out;
}

// Reads a streamed body whole, then calls `done` with it (or with an error reply).
void read_body(std::shared_ptr<runtime::RequestBodySource> source,
               std::shared_ptr<std::string> body, std::function<void(std::optional<Reply>)> done) {
  source->pull([source, body, done = std::move(done)](std::string chunk, bool finished,
                                                      std::string error) mutable {
    if (!error.empty()) {
      done(error_reply(400, "the upload could not be read: " + error));
      return;
    }
    body->append(chunk);
    if (body->size() > k_max_artifact_bytes) {
      done(error_reply(
          413, "the upload is larger than " + std::to_string(k_max_artifact_bytes >> 20) + " MiB"));
      return;
    }
    if (finished) {
      done(std::nullopt);
      return;
    }
    read_body(std::move(source), std::move(body), std::move(done));
  });
}

}  // namespace

AdminApi::AdminApi(std::string token, const std::filesystem::path& state_dir, Logger& log,
                   AdminHooks hooks)
    : m_token_digest(util::sha256_hex(token)),
      m_deployments(state_dir),
      m_secrets(state_dir / "secrets.json"),
      m_log(log),
      m_hooks(std::move(hooks)) {
  for (const auto& line : m_deployments.leftovers()) {
    m_log.event("warn", "admin API: " + line);
  }
  for (const auto& function : m_deployments.list()) {
    auto file = m_deployments.artifact_path(function.slug, function.current);
    try {
      auto spec = artifact_function(file);
      if (const auto* current = function.current_version()) {
        spec.config.verify_jwt = current->verify_jwt;
      }
      m_specs.emplace(function.slug, std::move(spec));
    } catch (const std::exception& error) {
      m_log.event("error", "deployed function " + function.slug + " v" +
                               std::to_string(function.current) +
                               " cannot be served: " + error.what());
    }
  }
}

AdminApi::~AdminApi() {
  m_thread.join();
}

std::vector<FunctionSpec> AdminApi::deployed() const {
  std::lock_guard lock(m_specs_mutex);
  std::vector<FunctionSpec> out;
  for (const auto& [slug, spec] : m_specs) {
    out.push_back(spec);
  }
  return out;
}

void AdminApi::handle(runtime::HttpRequest request, std::shared_ptr<runtime::ResponseSink> sink) {
  auto respond = [sink](const Reply& reply) {
    runtime::HttpHeaders headers{{"content-type", reply.content_type}};
    if (reply.status == 401) {
      headers.emplace_back("www-authenticate", "Bearer realm=\"sbfn admin\"");
    }
    sink->start(reply.status, {}, std::move(headers),
                reply.content_type == "application/json" ? reply.body + "\n" : reply.body, false);
  };
  // Compared as digests: equal lengths, and no early exit on the first differing byte.
  auto authorization = header(request, "authorization");
  std::string given = authorization.size() > 7 && authorization.compare(0, 7, "Bearer ") == 0
                          ? authorization.substr(7)
                          : std::string();
  if (given.empty() || !util::constant_time_equal(util::sha256_hex(given), m_token_digest)) {
    m_log.event("warn", "admin API: refused " + request.method + " " + path_of(request.url) +
                            " from " + request.remote_address +
                            (given.empty() ? " (no bearer token)" : " (wrong token)"));
    respond(error_reply(401, given.empty() ? "missing admin token (Authorization: Bearer ...)"
                                           : "wrong admin token"));
    return;
  }
  auto method = request.method;
  auto path = path_of(request.url);
  auto query = query_of(request.url);
  auto body = std::make_shared<std::string>(std::move(request.body));
  auto work = [this, method, path, query, body, respond] {
    boost::asio::post(m_thread, [this, method, path, query, body, respond] {
      Reply reply;
      try {
        reply = run(method, path, query, *body);
      } catch (const std::exception& error) {
        reply = error_reply(500, error.what());
      }
      respond(reply);
    });
  };
  if (!request.body_source) {
    work();
    return;
  }
  read_body(std::move(request.body_source), body, [work, respond](std::optional<Reply> failed) {
    if (failed) {
      respond(*failed);
    } else {
      work();
    }
  });
}

AdminApi::Reply AdminApi::run(const std::string& method, const std::string& path,
                              const std::string& query, const std::string& body) {
  if (!path.starts_with(k_prefix)) {
    return error_reply(404, "no such admin resource: " + path);
  }
  auto rest = path.substr(k_prefix.size());
  if (rest == "functions") {
    return method == "GET" ? list() : error_reply(405, method + " is not allowed on " + path);
  }
  if (rest == "metrics") {
    return method == "GET"
               ? Reply{200, m_hooks.metrics_page(), "text/plain; version=0.0.4; charset=utf-8"}
               : error_reply(405, method + " is not allowed on " + path);
  }
  if (rest == "secrets") {
    if (method == "GET") {
      json out = json::array();
      for (const auto& secret : m_secrets.list()) {
        out.push_back(
            {{"name", secret.name}, {"digest", secret.digest}, {"updated_at", secret.updated_at}});
      }
      return {200, out.dump()};
    }
    if (method == "POST") {
      return set_secrets(body);
    }
    if (method == "DELETE") {
      return unset_secrets(body);
    }
    return error_reply(405, method + " is not allowed on " + path);
  }
  if (rest.starts_with("functions/")) {
    auto slug = rest.substr(10);
    bool rollback_path = slug.ends_with("/rollback");
    if (rollback_path) {
      slug.resize(slug.size() - 9);
    }
    if (!valid_slug(slug)) {
      return error_reply(400, "invalid function name \"" + slug + "\"");
    }
    if (rollback_path) {
      return method == "POST" ? rollback(slug)
                              : error_reply(405, method + " is not allowed on " + path);
    }
    if (method == "GET") {
      return describe(slug);
    }
    if (method == "PUT") {
      std::optional<bool> verify_jwt;
      try {
        verify_jwt = verify_jwt_of(query);
      } catch (const util::Error& error) {
        return error_reply(400, error.what());
      }
      return deploy(slug, body, verify_jwt);
    }
    if (method == "DELETE") {
      return remove(slug);
    }
    return error_reply(405, method + " is not allowed on " + path);
  }
  return error_reply(404, "no such admin resource: " + path);
}

std::optional<AdminApi::Reply> AdminApi::load_and_boot(const std::string& slug,
                                                       const DeployedVersion& version,
                                                       FunctionSpec& spec,
                                                       std::shared_ptr<runtime::Worker>& worker) {
  try {
    spec = artifact_function(m_deployments.artifact_path(slug, version.version));
  } catch (const std::exception& error) {
    return error_reply(400, std::string("not a usable artifact: ") + error.what());
  }
  spec.config.verify_jwt = version.verify_jwt;
  auto booted = m_functions->boot_checked(spec, k_boot_limit);
  if (!booted.worker) {
    while (!booted.error.empty() && booted.error.back() == '\n') {
      booted.error.pop_back();
    }
    return error_reply(
        422, slug + " v" + std::to_string(version.version) + " failed to boot:\n" + booted.error);
  }
  worker = std::move(booted.worker);
  return std::nullopt;
}

AdminApi::Reply AdminApi::deploy(const std::string& slug, const std::string& artifact,
                                 std::optional<bool> verify_jwt_given) {
  // Read once here to refuse what is not an artifact of this function before it is stored.
  bool verify_jwt = true;
  try {
    auto parsed = bundler::read_artifact(artifact, slug + ".sbfn");
    if (parsed.metadata.slug != slug) {
      return error_reply(
          400, "the artifact is function \"" + parsed.metadata.slug + "\", not \"" + slug + "\"");
    }
    verify_jwt = parsed.metadata.verify_jwt;
  } catch (const std::exception& error) {
    return error_reply(400, std::string("not an sbfn artifact: ") + error.what());
  }
  // A redeploy never turns JWT verification back on by default (Supabase's CLI does).
  if (verify_jwt_given) {
    verify_jwt = *verify_jwt_given;
  } else if (auto previous = m_deployments.find(slug); previous && previous->current_version()) {
    verify_jwt = previous->current_version()->verify_jwt;
  }
  // The same artifact and setting as served now: nothing to do (and a client that retried
  // an upload whose answer it lost makes no second version).
  if (auto function = m_deployments.find(slug)) {
    const auto* current = function->current_version();
    if (current && current->digest == "sha256:" + util::sha256_hex(artifact) &&
        current->verify_jwt == verify_jwt) {
      auto out = function_json(*function);
      out["unchanged"] = true;
      return {200, out.dump()};
    }
  }
  DeployedVersion version;
  try {
    version = m_deployments.stage(slug, artifact, verify_jwt);
  } catch (const std::exception& error) {
    return storage_error(error);
  }
  FunctionSpec spec;
  std::shared_ptr<runtime::Worker> worker;
  if (auto failed = load_and_boot(slug, version, spec, worker)) {
    m_deployments.discard(slug, version.version);
    m_log.event("error", "admin API: deploy of " + slug + " refused, the old version stays: " +
                             json::parse(failed->body).at("error").get<std::string>());
    return *failed;
  }
  try {
    m_deployments.commit(slug, version);
  } catch (const std::exception& error) {
    m_deployments.discard(slug, version.version);
    worker->terminate(runtime::Failure::worker_error);
    return storage_error(error);
  }
  {
    std::lock_guard lock(m_specs_mutex);
    m_specs[slug] = spec;
  }
  m_hooks.publish({{slug, std::move(worker)}});
  m_log.event("info", "admin API: deployed " + slug + " v" + std::to_string(version.version) +
                          " (" + version.digest + ")");
  return {201, function_json(*m_deployments.find(slug)).dump()};
}

AdminApi::Reply AdminApi::rollback(const std::string& slug) {
  auto function = m_deployments.find(slug);
  if (!function) {
    return error_reply(404, "no deployed function \"" + slug + "\"");
  }
  std::optional<DeployedVersion> previous;
  for (const auto& v : function->versions) {
    if (v.version < function->current) {
      previous = v;
    }
  }
  if (!previous) {
    return error_reply(409, slug + " v" + std::to_string(function->current) +
                                " has no earlier version to roll back to");
  }
  FunctionSpec spec;
  std::shared_ptr<runtime::Worker> worker;
  if (auto failed = load_and_boot(slug, *previous, spec, worker)) {
    return *failed;
  }
  try {
    m_deployments.make_current(slug, previous->version);
  } catch (const std::exception& error) {
    worker->terminate(runtime::Failure::worker_error);
    return storage_error(error);
  }
  {
    std::lock_guard lock(m_specs_mutex);
    m_specs[slug] = spec;
  }
  m_hooks.publish({{slug, std::move(worker)}});
  m_log.event("info",
              "admin API: rolled " + slug + " back to v" + std::to_string(previous->version));
  return {200, function_json(*m_deployments.find(slug)).dump()};
}

AdminApi::Reply AdminApi::remove(const std::string& slug) {
  if (!m_deployments.find(slug)) {
    return error_reply(404, "no deployed function \"" + slug + "\"");
  }
  try {
    m_deployments.remove(slug);
  } catch (const std::exception& error) {
    return storage_error(error);
  }
  {
    std::lock_guard lock(m_specs_mutex);
    m_specs.erase(slug);
  }
  m_hooks.publish({});
  m_log.event("info", "admin API: deleted " + slug);
  return {200, json{{"slug", slug}, {"deleted", true}}.dump()};
}

AdminApi::Reply AdminApi::describe(const std::string& slug) const {
  if (auto function = m_deployments.find(slug)) {
    return {200, function_json(*function).dump()};
  }
  if (auto spec = m_functions->find(slug)) {
    return {200, json{{"slug", slug},
                      {"source", spec->artifact ? "bundle" : "folder"},
                      {"verify_jwt", spec->config.verify_jwt}}
                     .dump()};
  }
  return error_reply(404, "no function \"" + slug + "\"");
}

AdminApi::Reply AdminApi::list() const {
  json out = json::array();
  auto deployed = m_deployments.list();
  for (const auto& spec : m_functions->specs()) {
    const auto& slug = spec.config.slug;
    auto it = std::find_if(deployed.begin(), deployed.end(),
                           [&](const DeployedFunction& f) { return f.slug == slug; });
    if (it != deployed.end()) {
      out.push_back(function_json(*it));
    } else {
      out.push_back({{"slug", slug},
                     {"source", spec.artifact ? "bundle" : "folder"},
                     {"verify_jwt", spec.config.verify_jwt}});
    }
  }
  return {200, out.dump()};
}

AdminApi::Reply AdminApi::set_secrets(const std::string& body) {
  std::vector<std::pair<std::string, std::string>> entries;
  try {
    for (const auto& entry : json::parse(body)) {
      entries.emplace_back(entry.at("name").get<std::string>(),
                           entry.at("value").get<std::string>());
    }
  } catch (const json::exception&) {
    return error_reply(400, "expected a JSON array of {\"name\": ..., \"value\": ...}");
  }
  try {
    Secrets::check_names(entries);
  } catch (const util::Error& error) {
    return error_reply(400, error.what());
  }
  try {
    m_secrets.set(entries);
  } catch (const std::exception& error) {
    return storage_error(error);
  }
  m_hooks.secrets_changed();
  m_log.event("info", "admin API: " + std::to_string(entries.size()) + " secret(s) set");
  return {201, json{{"set", entries.size()}}.dump()};
}

AdminApi::Reply AdminApi::unset_secrets(const std::string& body) {
  std::vector<std::string> names;
  try {
    names = json::parse(body).get<std::vector<std::string>>();
  } catch (const json::exception&) {
    return error_reply(400, "expected a JSON array of secret names");
  }
  std::vector<std::string> unknown;
  try {
    unknown = m_secrets.unset(names);
  } catch (const std::exception& error) {
    return storage_error(error);
  }
  m_hooks.secrets_changed();
  m_log.event("info",
              "admin API: " + std::to_string(names.size() - unknown.size()) + " secret(s) unset");
  return {200, json{{"unset", names.size() - unknown.size()}, {"unknown", unknown}}.dump()};
}

}  // namespace server::admin
