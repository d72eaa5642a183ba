#include "server/admin/deployments.hpp"

#include "server/log.hpp"

#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <regex>

namespace server::admin {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void make_private_folder(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    throw util::Error("--state-dir " + dir.string() + ": " + error.message());
  }
  ::chmod(dir.c_str(), 0700);
}

std::optional<json> read_state(const fs::path& file) {
  auto text = util::try_read_file(file);
  if (!text) {
    return std::nullopt;
  }
  try {
    return json::parse(*text);
  } catch (const json::exception& error) {
    throw util::Error(file.string() + " is not valid JSON (" + error.what() +
                      "); restore it or remove it to start without that state");
  }
}

}  // namespace

const DeployedVersion* DeployedFunction::current_version() const {
  for (const auto& v : versions) {
    if (v.version == current) {
      return &v;
    }
  }
  return nullptr;
}

Deployments::Deployments(fs::path dir) : m_dir(std::move(dir)) {
  make_private_folder(m_dir);
  auto state = read_state(m_dir / "deployments.json");
  if (!state) {
    return;
  }
  try {
    for (const auto& [slug, entry] : state->at("functions").items()) {
      DeployedFunction function;
      function.slug = slug;
      function.current = entry.at("current").get<int>();
      for (const auto& v : entry.at("versions")) {
        function.versions.push_back({v.at("version").get<int>(), v.at("digest").get<std::string>(),
                                     v.at("deployed_at").get<std::string>(),
                                     v.at("verify_jwt").get<bool>(),
                                     v.at("size").get<std::uint64_t>()});
      }
      m_functions.emplace(slug, std::move(function));
    }
  } catch (const json::exception& error) {
    throw util::Error((m_dir / "deployments.json").string() + " is not sbfn's state (" +
                      error.what() + ")");
  }
  remove_leftovers();
}

void Deployments::remove_leftovers() {
  auto is_temporary = [](const fs::path& file) {
    return file.filename().string().find(".tmp.") != std::string::npos;
  };
  auto remove = [&](const fs::path& file, const std::string& why) {
    std::error_code error;
    fs::remove(file, error);
    if (!error) {
      m_leftovers.push_back("removed " + file.string() + " (" + why + ")");
    }
  };
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(m_dir, error)) {
    if (entry.is_regular_file(error) && is_temporary(entry.path())) {
      remove(entry.path(), "a state file half-written when an earlier run ended");
    }
  }
  for (const auto& folder : fs::directory_iterator(m_dir / "functions", error)) {
    auto slug = folder.path().filename().string();
    auto function = m_functions.find(slug);
    for (const auto& entry : fs::directory_iterator(folder.path(), error)) {
      const auto& file = entry.path();
      if (is_temporary(file)) {
        remove(file, "an upload half-written when an earlier run ended");
        continue;
      }
      bool kept = function != m_functions.end() &&
                  std::any_of(function->second.versions.begin(), function->second.versions.end(),
                              [&](const DeployedVersion& v) {
                                return file.filename() == std::to_string(v.version) + ".sbfn";
                              });
      if (!kept && entry.is_regular_file(error)) {
        remove(file, "a deploy of " + slug + " that an earlier run never finished");
      }
    }
    if (function == m_functions.end()) {
      fs::remove(folder.path(), error);  // only if empty
    }
  }
}

void Deployments::replace(Functions next) {
  json functions = json::object();
  for (const auto& [slug, function] : next) {
    json versions = json::array();
    for (const auto& v : function.versions) {
      versions.push_back({{"version", v.version},
                          {"digest", v.digest},
                          {"deployed_at", v.deployed_at},
                          {"verify_jwt", v.verify_jwt},
                          {"size", v.size}});
    }
    functions[slug] = {{"current", function.current}, {"versions", std::move(versions)}};
  }
  util::write_file_durable(m_dir / "deployments.json",
                           json{{"functions", std::move(functions)}}.dump(2) + "\n");
  m_functions = std::move(next);
}

std::vector<DeployedFunction> Deployments::list() const {
  std::lock_guard lock(m_mutex);
  std::vector<DeployedFunction> out;
  for (const auto& [slug, function] : m_functions) {
    out.push_back(function);
  }
  return out;
}

std::optional<DeployedFunction> Deployments::find(std::string_view slug) const {
  std::lock_guard lock(m_mutex);
  auto it = m_functions.find(slug);
  if (it == m_functions.end()) {
    return std::nullopt;
  }
  return it->second;
}

fs::path Deployments::artifact_path(std::string_view slug, int version) const {
  return m_dir / "functions" / std::string(slug) / (std::to_string(version) + ".sbfn");
}

DeployedVersion Deployments::stage(const std::string& slug, std::string_view artifact,
                                   bool verify_jwt) {
  std::lock_guard lock(m_mutex);
  // Versions are kept in order: the last is the highest (the current one may be older).
  int next = 1;
  if (auto it = m_functions.find(slug); it != m_functions.end() && !it->second.versions.empty()) {
    next = it->second.versions.back().version + 1;
  }
  // A version staged before a crash, never committed, is overwritten.
  auto path = artifact_path(slug, next);
  make_private_folder(path.parent_path());
  util::write_file_durable(path, artifact);
  return {next, "sha256:" + util::sha256_hex(artifact), log_timestamp(), verify_jwt,
          artifact.size()};
}

void Deployments::discard(const std::string& slug, int version) {
  std::error_code ignored;
  fs::remove(artifact_path(slug, version), ignored);
  std::lock_guard lock(m_mutex);
  if (!m_functions.count(slug)) {
    fs::remove(artifact_path(slug, version).parent_path(), ignored);  // only if empty
  }
}

void Deployments::commit(const std::string& slug, const DeployedVersion& version) {
  std::lock_guard lock(m_mutex);
  auto next = m_functions;
  auto& function = next[slug];
  function.slug = slug;
  function.versions.push_back(version);
  function.current = version.version;
  std::vector<int> dropped;
  while (function.versions.size() > k_versions_kept) {
    dropped.push_back(function.versions.front().version);
    function.versions.erase(function.versions.begin());
  }
  replace(std::move(next));
  for (int old : dropped) {
    std::error_code ignored;
    fs::remove(artifact_path(slug, old), ignored);
  }
}

void Deployments::make_current(const std::string& slug, int version) {
  std::lock_guard lock(m_mutex);
  auto next = m_functions;
  auto it = next.find(slug);
  if (it == next.end()) {
    throw util::Error("no deployed function \"" + slug + "\"");
  }
  it->second.current = version;
  replace(std::move(next));
}

void Deployments::remove(const std::string& slug) {
  std::lock_guard lock(m_mutex);
  auto next = m_functions;
  if (next.erase(slug) == 0) {
    return;
  }
  replace(std::move(next));
  std::error_code ignored;
  fs::remove_all(m_dir / "functions" / slug, ignored);
}

Secrets::Secrets(fs::path file) : m_file(std::move(file)) {
  auto state = read_state(m_file);
  if (!state) {
    return;
  }
  try {
    for (const auto& [name, entry] : state->items()) {
      m_entries[name] = {entry.at("value").get<std::string>(),
                         entry.at("updated_at").get<std::string>()};
    }
  } catch (const json::exception& error) {
    throw util::Error(m_file.string() + " is not sbfn's state (" + error.what() + ")");
  }
}

void Secrets::save() const {
  json state = json::object();
  for (const auto& [name, entry] : m_entries) {
    state[name] = {{"value", entry.value}, {"updated_at", entry.updated_at}};
  }
  util::write_file_durable(m_file, state.dump(2) + "\n");
}

void Secrets::check_names(const std::vector<std::pair<std::string, std::string>>& entries) {
  static const std::regex name_pattern("[A-Za-z_][A-Za-z0-9_]*");
  for (const auto& [name, value] : entries) {
    if (!std::regex_match(name, name_pattern)) {
      throw util::Error("invalid secret name \"" + name +
                        "\": letters, digits and underscores, not starting with a digit");
    }
    if (name.starts_with("SUPABASE_")) {
      throw util::Error("Env name cannot start with SUPABASE_: " + name);
    }
  }
}

void Secrets::set(const std::vector<std::pair<std::string, std::string>>& entries) {
  check_names(entries);
  std::lock_guard lock(m_mutex);
  auto before = m_entries;
  auto now = log_timestamp();
  for (const auto& [name, value] : entries) {
    m_entries[name] = {value, now};
  }
  try {
    save();
  } catch (...) {
    m_entries = std::move(before);
    throw;
  }
}

std::vector<std::string> Secrets::unset(const std::vector<std::string>& names) {
  std::lock_guard lock(m_mutex);
  auto before = m_entries;
  std::vector<std::string> unknown;
  for (const auto& name : names) {
    if (m_entries.erase(name) == 0) {
      unknown.push_back(name);
    }
  }
  try {
    save();
  } catch (...) {
    m_entries = std::move(before);
    throw;
  }
  return unknown;
}

std::vector<SecretDigest> Secrets::list() const {
  std::lock_guard lock(m_mutex);
  std::vector<SecretDigest> out;
  for (const auto& [name, entry] : m_entries) {
    out.push_back({name, util::sha256_hex(entry.value), entry.updated_at});
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Secrets::values() const {
  std::lock_guard lock(m_mutex);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, entry] : m_entries) {
    out.emplace_back(name, entry.value);
  }
  return out;
}

}  // namespace server::admin
