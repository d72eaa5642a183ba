"""Starting and stopping `sbfn`: the `serve` process and its captured output, the
environment every sbfn gets, and how exits are described."""

import ctypes
import errno
import os
import re
import resource
import signal
import subprocess
import threading
import time

from .errors import CaseError, StepFailure

BANNER = re.compile(r"Serving functions on http://(\[[^\]]+\]|[^:/\s]+):(\d+)/functions/v1/")
BANNER_TIMEOUT_S = 20.0
STOP_GRACE_S = 15.0
SETTLE_S = 0.15
SETTLE_MAX_S = 2.0
SPAWN_RETRY_S = 60.0
LOG_TAIL = 40

# Variables from the host that could change what sbfn does; a case sets them itself
# (case-level or step-level "env") when it wants them.
SCRUBBED_ENV_PREFIXES = ("SUPABASE_", "SBFN_", "DENO_")
SCRUBBED_ENV_NAMES = {"JWT_SECRET", "NPM_CONFIG_REGISTRY", "npm_config_registry", "JSR_URL",
                      "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY",
                      "all_proxy", "NO_COLOR", "FORCE_COLOR"}
# Registries that refuse every connection, so that no case ever reaches the network.
HERMETIC_ENV = {"NPM_CONFIG_REGISTRY": "http://127.0.0.1:9/", "JSR_URL": "http://127.0.0.1:9/"}


def scrubbed_env(root, *layers):
    """The environment for an sbfn the runner starts: the runner's own minus what could
    change sbfn's behaviour, HOME and the cache in the case's temporary `root`, no
    network registries, no colour; then each of `layers` (case env, step env) on top."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(SCRUBBED_ENV_PREFIXES) and k not in SCRUBBED_ENV_NAMES}
    env.update(HERMETIC_ENV)
    env["HOME"] = os.path.join(root, "home")
    env["SBFN_CACHE_DIR"] = os.path.join(root, "cache")
    env["NO_COLOR"] = "1"
    for layer in layers:
        env.update({k: str(v) for k, v in (layer or {}).items()})
    return env


def die_with_runner():
    """Child side of fork: get SIGKILL when the runner dies (CTest timeout, kill -9), so
    that no sbfn is ever left behind."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def spawn(start):
    """Runs start() (a Popen or run), retrying for a while when the binary is being
    rewritten by a concurrent build (ETXTBSY) or is briefly missing."""
    deadline = time.monotonic() + SPAWN_RETRY_S
    while True:
        try:
            return start()
        except OSError as error:
            if error.errno not in (errno.ETXTBSY, errno.ENOENT) or time.monotonic() > deadline:
                raise
            time.sleep(0.25)


class OutputCollector:
    """Lines of a process's stdout and stderr, as they come."""

    def __init__(self):
        self.lines = []            # (stream name, text)
        self.cond = threading.Condition()

    def pump(self, stream, name):
        for raw in iter(stream.readline, b""):
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self.cond:
                self.lines.append((name, text))
                self.cond.notify_all()
        stream.close()

    def text(self, stream=None):
        with self.cond:
            return "\n".join(t for (n, t) in self.lines if stream in (None, n))

    def tail(self, count=LOG_TAIL):
        with self.cond:
            lines = self.lines[-count:]
        return "\n".join("%s| %s" % ("out" if n == "stdout" else "err", t) for n, t in lines)


def limit_open_files(count, hard_count=None):
    """preexec for a server that must start with the common soft limit (1,024) however
    the runner was started, to show what sbfn does with it; `hard_count` lowers the hard
    limit too (running out of descriptors)."""
    def apply():
        die_with_runner()
        if count is not None:
            _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            if hard_count is not None:
                hard = min(hard_count, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(count, hard), hard))
    return apply


class Server:
    """One `sbfn serve --port 0 ...` process: its output, and the port from its banner."""

    def __init__(self, binary, args, cwd, env, open_files=None, open_files_hard=None,
                 expect_clean_exit=True):
        self.command = [binary, "serve", "--port", "0"] + list(args)
        self.expect_clean_exit = expect_clean_exit
        self.output = OutputCollector()
        self.host = None
        self.port = None
        self.exit_code = None
        self.signalled = False
        try:
            self.proc = spawn(lambda: subprocess.Popen(
                self.command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                preexec_fn=limit_open_files(open_files, open_files_hard)))
        except OSError as error:
            raise StepFailure("cannot start %s: %s" % (binary, error), fatal=True)
        self.readers = [
            threading.Thread(target=self.output.pump, args=(self.proc.stdout, "stdout"),
                             daemon=True),
            threading.Thread(target=self.output.pump, args=(self.proc.stderr, "stderr"),
                             daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def wait_for_banner(self):
        deadline = time.monotonic() + BANNER_TIMEOUT_S
        with self.output.cond:
            while True:
                for _, text in self.output.lines:
                    match = BANNER.search(text)
                    if match:
                        self.host = match.group(1)
                        self.port = int(match.group(2))
                        self._settle()
                        return
                if self.proc.poll() is not None:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.output.cond.wait(min(left, 0.1))
        if self.proc.poll() is not None:
            self._reap()
            raise StepFailure("`%s` exited with %s before printing its banner"
                              % (" ".join(self.command[1:]), self.exit_code),
                              expected="a line 'Serving functions on http://HOST:PORT/...'",
                              got="exit %s" % self.exit_code, fatal=True)
        raise StepFailure("no banner within %ds" % BANNER_TIMEOUT_S,
                          expected="a line 'Serving functions on http://HOST:PORT/...'",
                          got="nothing yet", fatal=True)

    def _settle(self):
        """The lines listing the functions follow the banner: wait (with the condition held)
        until the output has been quiet for SETTLE_S, at most SETTLE_MAX_S."""
        deadline = time.monotonic() + SETTLE_MAX_S
        while time.monotonic() < deadline:
            count = len(self.output.lines)
            self.output.cond.wait(SETTLE_S)
            if len(self.output.lines) == count:
                return

    def _reap(self):
        self.exit_code = self.proc.wait()
        for reader in self.readers:
            reader.join(5)

    def running(self):
        return self.proc.poll() is None

    def send_signal(self, signum):
        self.signalled = True
        if self.running():
            self.proc.send_signal(signum)

    def wait_exit(self, seconds):
        try:
            self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return None
        self._reap()
        return self.exit_code

    def stop(self):
        """SIGTERM, then SIGKILL after STOP_GRACE_S. Returns (exit code, killed)."""
        if self.running():
            self.signalled = True
            self.proc.send_signal(signal.SIGTERM)
            if self.wait_exit(STOP_GRACE_S) is None:
                self.proc.kill()
                self._reap()
                return self.exit_code, True
        self._reap()
        return self.exit_code, False


def signal_number(name):
    number = getattr(signal, str(name), None)
    if not isinstance(number, int) or not str(name).startswith("SIG"):
        raise CaseError("unknown signal %r" % name)
    return number


def describe_exit(code):
    if code is None:
        return "still running"
    if code < 0:
        try:
            return "killed by %s" % signal.Signals(-code).name
        except ValueError:
            return "killed by signal %d" % -code
    return "exit %d" % code
