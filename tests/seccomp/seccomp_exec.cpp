// seccomp_exec PROFILE.json COMMAND [ARGS...]: applies a seccomp profile in Docker's / the
// OCI runtime's JSON format (defaultAction, defaultErrnoRet, syscalls[].names/action/
// errnoRet) with libseccomp, as runc does, then execs COMMAND under it. The test of
// packaging/seccomp.json runs `sbfn serve` through it (tests/seccomp/seccomp_test.py).
// Argument filters ("args") and "includes"/"excludes" are refused, not ignored: a
// profile that uses them would be enforced differently here than in a container.
#include <nlohmann/json.hpp>
#include <seccomp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

std::uint32_t action_of(const std::string& name, std::uint32_t errno_ret) {
  if (name == "SCMP_ACT_ALLOW") {
    return SCMP_ACT_ALLOW;
  }
  if (name == "SCMP_ACT_ERRNO") {
    return SCMP_ACT_ERRNO(errno_ret);
  }
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") {
    return SCMP_ACT_KILL;
  }
  if (name == "SCMP_ACT_KILL_PROCESS") {
    return SCMP_ACT_KILL_PROCESS;
  }
  if (name == "SCMP_ACT_TRAP") {
    return SCMP_ACT_TRAP;
  }
  if (name == "SCMP_ACT_LOG") {
    return SCMP_ACT_LOG;
  }
  throw std::runtime_error("unknown action " + name);
}

void apply(const nlohmann::json& profile) {
  std::uint32_t default_errno = profile.value("defaultErrnoRet", EPERM);
  scmp_filter_ctx ctx =
      seccomp_init(action_of(profile.at("defaultAction").get<std::string>(), default_errno));
  if (ctx == nullptr) {
    throw std::runtime_error("seccomp_init failed");
  }
  for (const auto& rule : profile.value("syscalls", nlohmann::json::array())) {
    if (rule.contains("args") && !rule["args"].empty()) {
      throw std::runtime_error("argument filters are not supported by this loader");
    }
    if (rule.contains("includes") || rule.contains("excludes")) {
      throw std::runtime_error("includes/excludes are not supported by this loader");
    }
    auto action =
        action_of(rule.at("action").get<std::string>(), rule.value("errnoRet", default_errno));
    for (const auto& name : rule.at("names")) {
      int nr = seccomp_syscall_resolve_name(name.get<std::string>().c_str());
      if (nr == __NR_SCMP_ERROR) {
        // runc skips a name this kernel's architecture does not have; so does this.
        std::fprintf(stderr, "seccomp_exec: %s is not a system call here, skipped\n",
                     name.get<std::string>().c_str());
        continue;
      }
      if (int rc = seccomp_rule_add(ctx, action, nr, 0); rc != 0) {
        throw std::runtime_error("seccomp_rule_add " + name.get<std::string>() + ": " +
                                 std::strerror(-rc));
      }
    }
  }
  if (int rc = seccomp_load(ctx); rc != 0) {
    throw std::runtime_error(std::string("seccomp_load: ") + std::strerror(-rc));
  }
  seccomp_release(ctx);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: seccomp_exec PROFILE.json COMMAND [ARGS...]\n");
    return 2;
  }
  try {
    std::ifstream in(argv[1]);
    if (!in) {
      throw std::runtime_error(std::string("cannot read ") + argv[1]);
    }
    apply(nlohmann::json::parse(in));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "seccomp_exec: %s\n", e.what());
    return 1;
  }
  execvp(argv[2], argv + 2);
  std::fprintf(stderr, "seccomp_exec: cannot run %s: %s\n", argv[2], std::strerror(errno));
  return 1;
}
