#pragma once

// The AWS shared config as the SDKs read it: environment variables, `~/.aws/config`
// (`[profile NAME]`, `[default]`, `[services NAME]`) and `~/.aws/credentials` (`[NAME]`),
// resolved for one profile. Facts: /work/shared/reference/deploy.md §5.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace deploy::aws {

// Reads one environment variable; tests pass their own table instead of the process's.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// getenv(), with an empty variable counted as unset (as the SDKs do).
EnvLookup process_env();

// One INI file: section name as written between the brackets -> key -> value. A key with an
// empty value followed by indented `sub = value` lines (the SDKs' nested sections) also
// gets `key.sub` entries.
using IniSections = std::map<std::string, std::map<std::string, std::string>>;

// Parses `text`; throws util::Error naming `file` and the line for a line that is neither a
// section, a `key = value`, a comment nor blank.
IniSections parse_ini(std::string_view text, const std::string& file);

class Config {
 public:
  // Reads the profile `AWS_PROFILE` names (else "default") from AWS_CONFIG_FILE (else
  // ~/.aws/config) and AWS_SHARED_CREDENTIALS_FILE (else ~/.aws/credentials). Missing files
  // are empty; a profile named by AWS_PROFILE that is in neither file is an error.
  static Config load(const EnvLookup& env = process_env());

  const std::string& profile() const { return m_profile; }
  const EnvLookup& env() const { return m_env; }

  // A key of the profile in the config file, e.g. "region", "credential_process".
  std::optional<std::string> config_value(const std::string& key) const;
  // A key of the profile in the credentials file, e.g. "aws_access_key_id".
  std::optional<std::string> credentials_value(const std::string& key) const;
  // Where a value came from, for messages: "profile dev in /home/me/.aws/config".
  std::string config_origin() const;
  std::string credentials_origin() const;

  // AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region`.
  std::optional<std::string> region() const;

  // The endpoint of `service` (signing name: "ecr", "ecs", "cloudformation", "sts") in
  // `region`, as the SDKs pick it: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the
  // profile's `[services]` section, the profile's `endpoint_url` (none of them when
  // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), else AWS's own host over https.
  std::string endpoint(const std::string& service, const std::string& region) const;

 private:
  EnvLookup m_env;
  std::string m_profile;
  std::string m_config_file;
  std::string m_credentials_file;
  std::map<std::string, std::string> m_config;       // the profile's config section
  std::map<std::string, std::string> m_credentials;  // the profile's credentials section
  std::map<std::string, std::string> m_services;     // its `services = NAME` section, if any
};

// AWS's public endpoint for `service` in `region`: https://api.ecr.<region>.amazonaws.com,
// https://ecs.<region>.amazonaws.com, ... (`.amazonaws.com.cn` in the China regions).
std::string default_endpoint(const std::string& service, const std::string& region);

}  // namespace deploy::aws
