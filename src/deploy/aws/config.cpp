#include "deploy/aws/config.hpp"

#include "util/error.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace deploy::aws {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

std::string home_file(const EnvLookup& env, const char* variable, const char* default_name) {
  if (auto path = env(variable)) {
    if (path->starts_with("~/")) {
      return env("HOME").value_or("") + path->substr(1);
    }
    return *path;
  }
  return env("HOME").value_or("") + "/.aws/" + default_name;
}

IniSections read_ini(const std::string& file) {
  auto text = util::try_read_file(file);
  return text ? parse_ini(*text, file) : IniSections{};
}

std::string upper_id(const std::string& service) {
  std::string out = service;
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return c == ' ' || c == '-' ? '_' : static_cast<char>(std::toupper(c));
  });
  return out;
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

IniSections parse_ini(std::string_view text, const std::string& file) {
  IniSections sections;
  std::map<std::string, std::string>* section = nullptr;
  std::string parent;  // a key with an empty value: indented lines below nest under it
  int number = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    const bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
    auto line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    auto where = [&] { return file + ":" + std::to_string(number); };
    if (line.front() == '[') {
      if (line.back() != ']') {
        throw util::Error(where() + ": a section header needs a closing ] (" + std::string(line) +
                          ")");
      }
      section = &sections[std::string(trim(line.substr(1, line.size() - 2)))];
      parent.clear();
      continue;
    }
    auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      throw util::Error(where() + ": expected `key = value`, found: " + std::string(line));
    }
    if (!section) {
      throw util::Error(where() + ": `" + std::string(line) + "` comes before any [section]");
    }
    std::string key(trim(line.substr(0, equals)));
    std::string value(trim(line.substr(equals + 1)));
    if (indented && !parent.empty()) {
      (*section)[parent + "." + key] = value;
      continue;
    }
    parent = value.empty() ? key : "";
    (*section)[key] = value;
  }
  return sections;
}

Config Config::load(const EnvLookup& env) {
  Config config;
  config.m_env = env;
  config.m_config_file = home_file(env, "AWS_CONFIG_FILE", "config");
  config.m_credentials_file = home_file(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  auto named = env("AWS_PROFILE");
  config.m_profile = named.value_or("default");
  auto config_sections = read_ini(config.m_config_file);
  auto credentials_sections = read_ini(config.m_credentials_file);

  bool found = false;
  // The config file names profiles `[profile NAME]`; `[default]` may go either way.
  for (const auto& header : {"profile " + config.m_profile, config.m_profile}) {
    if (header == config.m_profile && config.m_profile != "default") {
      continue;
    }
    if (auto it = config_sections.find(header); it != config_sections.end()) {
      config.m_config = it->second;
      found = true;
      break;
    }
  }
  if (auto it = credentials_sections.find(config.m_profile); it != credentials_sections.end()) {
    config.m_credentials = it->second;
    found = true;
  }
  if (auto services = config.m_config.find("services"); services != config.m_config.end()) {
    if (auto it = config_sections.find("services " + services->second);
        it != config_sections.end()) {
      config.m_services = it->second;
    }
  }
  if (named && !found) {
    throw util::Error("AWS_PROFILE is " + config.m_profile + ", but there is no [profile " +
                      config.m_profile + "] in " + config.m_config_file + " and no [" +
                      config.m_profile + "] in " + config.m_credentials_file +
                      ": fix the name or add the profile (`aws configure --profile " +
                      config.m_profile + "` writes one)");
  }
  return config;
}

std::optional<std::string> Config::config_value(const std::string& key) const {
  auto it = m_config.find(key);
  if (it == m_config.end() || it->second.empty()) {
    return std::nullopt;
  }
  return it->second;
}

std::optional<std::string> Config::credentials_value(const std::string& key) const {
  auto it = m_credentials.find(key);
  if (it == m_credentials.end() || it->second.empty()) {
    return std::nullopt;
  }
  return it->second;
}

std::string Config::config_origin() const {
  return "profile " + m_profile + " in " + m_config_file;
}

std::string Config::credentials_origin() const {
  return "profile " + m_profile + " in " + m_credentials_file;
}

std::optional<std::string> Config::region() const {
  if (auto region = m_env("AWS_REGION")) {
    return region;
  }
  if (auto region = m_env("AWS_DEFAULT_REGION")) {
    return region;
  }
  return config_value("region");
}

std::string Config::endpoint(const std::string& service, const std::string& region) const {
  auto ignore = m_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (!(ignore && (*ignore == "true" || *ignore == "TRUE" || *ignore == "True"))) {
    if (auto url = m_env("AWS_ENDPOINT_URL_" + upper_id(service))) {
      return *url;
    }
    if (auto url = m_env("AWS_ENDPOINT_URL")) {
      return *url;
    }
    if (auto it = m_services.find(service + ".endpoint_url");
        it != m_services.end() && !it->second.empty()) {
      return it->second;
    }
    if (auto url = config_value("endpoint_url")) {
      return *url;
    }
  }
  return default_endpoint(service, region);
}

std::string default_endpoint(const std::string& service, const std::string& region) {
  const std::string suffix = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  if (service == "ecr") {
    return "https://api.ecr." + region + suffix;
  }
  return "https://" + service + "." + region + suffix;
}

}  // namespace deploy::aws
