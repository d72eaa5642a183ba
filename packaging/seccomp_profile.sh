#!/usr/bin/env bash
# Writes packaging/seccomp.json from measurement: every `sbfn serve` started by the serve
# spec cases (tests/specs/serve), the remote-runtime and HTTPS tests (admin API, deploys,
# rollbacks, secrets, TLS, SIGHUP) and a short bench/load/run.sh (1,000 connections of
# every kind, hot reloads, deploys, retirements) runs under `strace -f`; the system calls
# any of them made, plus the few a container runtime or a fatal error needs (`extra`
# below), are allowed, everything else fails with EPERM. Takes ~25 minutes.
#   packaging/seccomp_profile.sh [build dir, default build]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
sbfn=$(realpath "${1:-$top/build}/sbfn")
command -v strace >/dev/null || { echo "seccomp_profile: strace is missing (apt-get install strace)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/traces"
# System calls on every request's path: always allowed (each was seen in a full trace of
# serve's spec cases), and left out of the trace so that strace (--seccomp-bpf) stops
# sbfn only on the others; a full trace slowed the cases past their timeouts.
hot=timerfd_settime,futex,sendmsg,clock_nanosleep,clock_gettime,recvmsg,epoll_wait,epoll_ctl,mprotect,mmap,read,madvise,munmap,write,newfstatat,openat,close
# A wrapper the tests run as their sbfn: `serve` under strace, written as it goes (a test
# may end the server with SIGKILL, which would lose a summary made at exit). strace does
# not pass SIGTERM, SIGINT or SIGHUP on to sbfn; the wrapper does.
cat >"$work/sbfn" <<SH
#!/bin/bash
if [[ \$1 == serve ]]; then
  strace --seccomp-bpf -f -qq -e signal=none -e trace='!$hot' -o "$work/traces/t.\$\$.\$RANDOM" "$sbfn" "\$@" &
  tracer=\$!
  for sig in TERM INT HUP; do trap "pkill -\$sig -P \$tracer" \$sig; done
  while :; do wait \$tracer; rc=\$?; kill -0 \$tracer 2>/dev/null || exit \$rc; done
fi
exec "$sbfn" "\$@"
SH
chmod +x "$work/sbfn"
# Failures under strace's slowdown do not matter here: what ran is what counts.
(cd "$top/tests/specs" && python3 run.py "$work/sbfn" --all serve >"$work/specs.log" 2>&1) || true
python3 "$top/tests/remote/remote_runtime_test.py" "$work/sbfn" >"$work/remote.log" 2>&1 || true
python3 "$top/tests/remote/https_metrics_test.py" "$work/sbfn" >"$work/https.log" 2>&1 || true
SBFN="$work/sbfn" DURATION=10 CONNECTIONS=1000 RSS_MARGIN=1000 "$top/bench/load/run.sh" >"$work/load.log" 2>&1 || true

# Needed though no test run shows them: execve (the runtime execs sbfn after applying the
# profile), what abort() and V8's fatal-error path use, and the process's own exit.
extra="execve exit exit_group rt_sigreturn restart_syscall tgkill rt_sigprocmask gettid getpid"
measured=$(cat "$work"/traces/t.* | sed -nE 's/^[0-9]+ +([a-z0-9_]+)\(.*/\1/p; s/^[0-9]+ +<\.\.\. ([a-z0-9_]+) resumed>.*/\1/p' | sort -u)
echo "seccomp_profile: $(echo "$measured" | wc -l) system calls measured over $(ls "$work/traces" | wc -l) servers"
# shellcheck disable=SC2086
names=$(printf '%s\n' $measured $extra ${hot//,/ } | sort -u)
python3 - "$top/packaging/seccomp.json" $names <<'PY'
import json, sys
out, names = sys.argv[1], sys.argv[2:]
profile = {
    "comment": "sbfn serve's system calls, measured by packaging/seccomp_profile.sh; see docs/security.md",
    "defaultAction": "SCMP_ACT_ERRNO",
    "defaultErrnoRet": 1,
    # x86_64 only: no 32-bit system call ABI (x86, x32) in the container.
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": []}],
    "syscalls": [{"names": names, "action": "SCMP_ACT_ALLOW"}],
}
with open(out, "w") as f:
    json.dump(profile, f, indent=2)
    f.write("\n")
print(f"seccomp_profile: {len(names)} allowed, written to {out}")
PY
