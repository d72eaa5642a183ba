#pragma once

// The client side of a remote `sbfn serve`'s admin API (server/admin/admin_api.hpp): what
// `sbfn deploy --to`, `sbfn deploy --to URL --list/--rollback/--delete` and `sbfn secrets`
// send. Errors come back as util::Error with the remote's own message and what to do.

#include "deploy/registry/transport.hpp"
#include "util/error.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace deploy::remote {

struct RemoteTarget {
  std::string url;        // the server's base URL: https://fns.example.com
  std::string token;      // the admin token
  bool insecure = false;  // --admin-insecure: plain HTTP off loopback
};

// The target for a command: `url` and `token_file` as given, else SBFN_DEPLOY_TO and
// SBFN_DEPLOY_TOKEN / SBFN_DEPLOY_TOKEN_FILE. Throws util::Error naming what is missing, or
// for plain HTTP to a host that is not this machine (the token would travel in the clear).
RemoteTarget resolve_target(std::string url, const std::string& token_file, bool insecure);

// What a change (deploy, rollback, delete, secrets) throws when its request was sent, the
// connection was cut before the answer, and the remote could not be reached again: whether
// the change was made is not known (a remote killed in the middle of a deploy).
class OutcomeUnknown : public util::Error {
 public:
  using util::Error::Error;
};

class AdminClient {
 public:
  explicit AdminClient(RemoteTarget target);

  // PUT functions/<slug>; `verify_jwt` unset keeps the remote's. The deployed function, as
  // JSON. Throws util::Error with the boot error when the remote could not boot it.
  nlohmann::json deploy(const std::string& slug, const std::string& artifact,
                        std::optional<bool> verify_jwt);
  nlohmann::json list();
  nlohmann::json rollback(const std::string& slug);
  void remove(const std::string& slug);
  nlohmann::json secrets();
  void set_secrets(const std::vector<std::pair<std::string, std::string>>& entries);
  nlohmann::json unset_secrets(const std::vector<std::string>& names);

  const std::string& url() const { return m_target.url; }

 private:
  // Sends one request; a status outside `ok` becomes a util::Error saying what happened.
  nlohmann::json call(const std::string& method, const std::string& path, std::string body,
                      std::initializer_list<long> ok, const std::string& what);

  RemoteTarget m_target;
  registry::Transport m_transport;
};

}  // namespace deploy::remote
