#include "bundler/npm/npmrc.hpp"

#include "bundler/npm/digest.hpp"
#include "bundler/npm/specifier.hpp"
#include "util/base64.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

#include <cstdlib>
#include <vector>

namespace bundler {
namespace {

constexpr std::string_view k_public_registry = "https://registry.npmjs.org/";

std::string with_slash(std::string url) {
  if (url.empty() || url.back() != '/') {
    url += '/';
  }
  return url;
}

std::string_view trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) {
    return {};
  }
  auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

// An ini value or key as npm's ini (and Deno's port) reads it: quoted with ' or ", or
// bare up to an unescaped `#`/`;` comment, `\` escaping those and itself.
std::string ini_text(std::string_view text, std::string_view stops) {
  text = trim(text);
  if (!text.empty() && (text.front() == '"' || text.front() == '\'')) {
    char quote = text.front();
    std::string out;
    for (std::size_t i = 1; i < text.size(); ++i) {
      if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == quote || text[i + 1] == '\\')) {
        out += text[++i];
      } else if (text[i] == quote) {
        return out;
      } else {
        out += text[i];
      }
    }
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size() &&
        (text[i + 1] == '\\' || text[i + 1] == '#' || text[i + 1] == ';')) {
      out += text[++i];
    } else if (c == '#' || c == ';' || stops.find(c) != std::string_view::npos) {
      break;
    } else {
      out += c;
    }
  }
  return std::string(trim(out));
}

// `${NAME}` -> its value; an unknown name stays as written, `\x` escapes x (Deno's
// expand_vars).
std::string expand_vars(std::string_view text, const EnvLookup& env) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out += text[++i];
      continue;
    }
    if (text.substr(i, 2) == "${") {
      auto close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        auto name = std::string(text.substr(i + 2, close - i - 2));
        if (name.find_first_of("${\\") == std::string::npos) {
          auto value = env(name);
          out += value ? *value : "${" + name + "}";
          i = close;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

// "https://host:1/path/x" -> "host:1/path/x": what `//host/path/:key` entries are matched
// against.
std::string_view without_scheme(std::string_view url) {
  auto slashes = url.find("//");
  return slashes == std::string_view::npos ? url : url.substr(slashes + 2);
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
}

Npmrc::Npmrc(const EnvLookup& env) {
  auto from_env = env("NPM_CONFIG_REGISTRY");
  m_default_registry =
      with_slash(from_env && !from_env->empty() ? *from_env : std::string(k_public_registry));
}

void Npmrc::merge(std::string_view text, const EnvLookup& env, bool& registry_set) {
  bool in_section = false;
  while (!text.empty()) {
    auto newline = text.find('\n');
    auto line = trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    if (line.front() == '[') {
      in_section = true;  // Deno ignores every key below a section header
      continue;
    }
    auto equals = line.find('=');
    if (in_section || equals == std::string_view::npos) {
      continue;
    }
    auto key = ini_text(line.substr(0, equals), "");
    auto value = expand_vars(ini_text(line.substr(equals + 1), ""), env);
    auto colon = key.rfind(':');
    if (colon == std::string::npos) {
      if (key == "registry" && !registry_set) {
        m_default_registry = with_slash(value);
        registry_set = true;
      }
      continue;
    }
    auto left = key.substr(0, colon);
    auto right = key.substr(colon + 1);
    if (left.size() > 1 && left.front() == '@') {
      if (right == "registry") {
        m_scope_registries.emplace(left.substr(1), with_slash(value));
      }
    } else if (left.rfind("//", 0) == 0) {
      auto& entry = m_credentials[with_slash(left.substr(2))];
      auto set = [&value](std::optional<std::string>& field) {
        if (!field) {
          field = value;
        }
      };
      if (right == "_authToken") {
        set(entry.auth_token);
      } else if (right == "_auth") {
        set(entry.auth);
      } else if (right == "username") {
        set(entry.username);
      } else if (right == "_password") {
        set(entry.password);
      }
    }
  }
}

Npmrc Npmrc::parse(std::string_view text, const EnvLookup& env) {
  Npmrc out(env);
  bool registry_set = env("NPM_CONFIG_REGISTRY").has_value();
  out.merge(text, env, registry_set);
  return out;
}

Npmrc Npmrc::load(const std::filesystem::path& function_dir,
                  const std::filesystem::path& project_root, const std::filesystem::path& home,
                  const EnvLookup& env) {
  Npmrc out(env);
  bool registry_set = env("NPM_CONFIG_REGISTRY").has_value();
  for (const auto& dir : {function_dir, project_root, home}) {
    if (dir.empty()) {
      continue;
    }
    if (auto text = util::try_read_file(dir / ".npmrc")) {
      out.merge(*text, env, registry_set);
    }
  }
  return out;
}

std::string Npmrc::registry_for(std::string_view package_name) const {
  auto scope = package_scope(package_name);
  if (!scope.empty()) {
    if (auto it = m_scope_registries.find(std::string(scope)); it != m_scope_registries.end()) {
      return it->second;
    }
  }
  return m_default_registry;
}

std::optional<std::string> Npmrc::authorization_for(std::string_view url) const {
  auto target = without_scheme(url);
  const Credentials* best = nullptr;
  std::size_t best_length = 0;
  std::string best_key;
  for (const auto& [prefix, credentials] : m_credentials) {
    if (target.substr(0, prefix.size()) == prefix && prefix.size() > best_length) {
      best = &credentials;
      best_length = prefix.size();
      best_key = prefix;
    }
  }
  if (best == nullptr) {
    return std::nullopt;
  }
  if (best->auth_token) {
    return "Bearer " + *best->auth_token;
  }
  if (best->auth) {
    return "Basic " + *best->auth;
  }
  if (best->username.has_value() != best->password.has_value()) {
    throw util::Error("Both the username and password must be provided for basic auth: set //" +
                      best_key + ":username and //" + best_key + ":_password in .npmrc.");
  }
  if (best->username) {
    auto password = util::base64_decode(*best->password);
    if (!password) {
      throw util::Error("The password in .npmrc (//" + best_key +
                        ":_password) is not valid base64; npm expects it base64-encoded.");
    }
    return "Basic " + util::base64_encode(*best->username + ":" + *password);
  }
  return std::nullopt;
}

std::string Npmrc::token_key_for(std::string_view registry_url) {
  return "//" + with_slash(std::string(without_scheme(registry_url))) + ":_authToken";
}

}  // namespace bundler
