"""Steps about the `sbfn serve` process: start, stop, signal, its exit, its output, its
port and its memory."""

import json
import os
import re
import socket
import time

from ..errors import CaseError, StepFailure
from ..matchers import log_problems
from ..server import Server, describe_exit, signal_number
from . import step_kind

DEFAULT_LOG_TIMEOUT_MS = 10000


@step_kind("serve")
def serve(case, step):
    spec = step["serve"] or {}
    if case.server is not None:
        case.stop_server(check=True)
    cwd = case.path_in_case(spec.get("cwd", "."))
    args = [str(a) for a in spec.get("args", [])]
    case.server = Server(case.binary, args, cwd, case.make_env(spec.get("env")),
                         spec.get("open_files"), spec.get("open_files_hard"),
                         spec.get("expect_clean_exit", True))
    case.servers.append(case.server)
    case.server.wait_for_banner()
    case.log("server on %s:%d" % (case.server.host, case.server.port))


@step_kind("stop")
def stop(case, step):
    case.require_server()
    try:
        case.stop_server(check=True)
    except StepFailure as failure:
        failure.fatal = False  # a server that stopped badly can still be replaced
        raise


@step_kind("signal")
def send_signal(case, step):
    case.require_server().send_signal(signal_number(step["signal"]))


@step_kind("expect_exit")
def expect_exit(case, step):
    spec = step["expect_exit"]
    server = case.require_server()
    within = spec.get("within_ms", 10000) / 1000.0
    started = time.monotonic()
    code = server.wait_exit(within)
    took = (time.monotonic() - started) * 1000
    if code is None:
        raise StepFailure("the server did not exit within %dms" % (within * 1000),
                          expected="exit %s" % spec.get("code", 0), got="still running")
    if "code" in spec and code != spec["code"]:
        raise StepFailure("wrong exit status", expected="exit %s" % spec["code"],
                          got="%s (after %dms)" % (describe_exit(code), took))
    case.log("server exited with %s after %dms" % (code, took))


@step_kind("wait_for_log")
def wait_for_log(case, step):
    """Waits until the server output holds `contains` (at least `count` times) or a line
    matching the regex `matches`."""
    spec = step["wait_for_log"]
    server = case.require_server()
    needle = spec.get("contains")
    pattern = re.compile(spec["matches"]) if "matches" in spec else None
    if (needle is None) == (pattern is None):
        raise CaseError("wait_for_log needs one of \"contains\" or \"matches\"")
    count = spec.get("count", 1)
    timeout = spec.get("timeout_ms", DEFAULT_LOG_TIMEOUT_MS) / 1000.0
    deadline = time.monotonic() + timeout
    with server.output.cond:
        while True:
            if pattern is not None:
                seen = sum(1 for (_, text) in server.output.lines if pattern.search(text))
            else:
                seen = sum(text.count(needle) for (_, text) in server.output.lines)
            if seen >= count:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                break
            server.output.cond.wait(min(left, 0.1))
    raise StepFailure("log line did not appear within %dms" % (timeout * 1000),
                      expected="%s at least %d time(s)" % (
                          repr(needle) if pattern is None else "/%s/" % pattern.pattern, count),
                      got="%d time(s)" % seen)


@step_kind("expect_log")
def expect_log(case, step):
    spec = step["expect_log"]
    server = case.require_server()
    problems = log_problems(server.output.text(spec.get("stream")), spec)
    if problems:
        raise StepFailure("server output does not match",
                          expected=json.dumps(spec), got="; ".join(problems))


@step_kind("connect")
def connect(case, step):
    spec = step["connect"]
    server = case.require_server()
    want = spec.get("expect", "accepted")
    try:
        sock = socket.create_connection((server.host.strip("[]"), server.port), timeout=2)
    except ConnectionRefusedError:
        got = "refused"
    except OSError as error:
        got = "error: %s" % error
    else:
        sock.close()
        got = "accepted"
    if got != want:
        raise StepFailure("connection to port %d" % server.port, expected=want, got=got)


def server_memory_kb(case, field):
    server = case.require_server()
    with open("/proc/%d/status" % server.proc.pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise StepFailure("no %s in /proc/%d/status" % (field, server.proc.pid))


@step_kind("rss")
def rss(case, step):
    """{"save": name} notes the server's resident memory; {"above": name, "at_most_mb": N}
    checks it (or "field": "VmHWM", its peak) grew by at most N MB since."""
    spec = step["rss"]
    field = spec.get("field", "VmRSS")
    now = server_memory_kb(case, field)
    if "save" in spec:
        case.rss_marks[spec["save"]] = now
        case.log("%s: %d kB" % (field, now))
        return
    base = case.rss_marks[spec["above"]]
    growth_mb = (now - base) / 1024.0
    case.log("%s: %d kB (%+.1f MB)" % (field, now, growth_mb))
    # A sanitizer build holds freed memory in quarantine and shadows the rest:
    # `make test-asan` sets SBFN_SPECS_RSS_SLACK_MB for that, and nothing else does.
    bound = spec["at_most_mb"] + float(os.environ.get("SBFN_SPECS_RSS_SLACK_MB", "0"))
    if growth_mb > bound:
        raise StepFailure("server memory grew too much", expected="%s at most %s MB above %s"
                          % (field, bound, spec["above"]),
                          got="%.1f MB above (%d kB now, %d kB then)" % (growth_mb, now, base))
