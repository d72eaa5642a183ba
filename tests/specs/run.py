#!/usr/bin/env python3
"""End-to-end spec runner for sbfn.

    run.py [-v] [--keep] <sbfn binary> <case dir>          run one case
    run.py [-v] [--keep] <sbfn binary> --all <specs dir>   every case below (<command>/<case>/)

A case is a folder holding case.json plus the files it uses (functions, config, ...).
The folder is copied to a temporary directory and everything runs there. The case
format is documented in README.md next to this file.

Exit status: 0 when everything passed (skipped cases do not count as failures),
1 when something failed, 2 on bad usage. A single case marked "pending" exits 77,
which CTest reports as skipped (SKIP_RETURN_CODE).

Python 3 standard library only.
"""

import base64
import ctypes
import errno
import hashlib
import json
import os
import re
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SKIP_EXIT = 77
BANNER = re.compile(r"Serving functions on http://(\[[^\]]+\]|[^:/\s]+):(\d+)/functions/v1/")
BANNER_TIMEOUT_S = 20.0
STOP_GRACE_S = 15.0
SETTLE_S = 0.15
SETTLE_MAX_S = 2.0
SPAWN_RETRY_S = 60.0
DEFAULT_REQUEST_TIMEOUT_MS = 30000
DEFAULT_RUN_TIMEOUT_MS = 30000
DEFAULT_LOG_TIMEOUT_MS = 10000
LOG_TAIL = 40
# Pieces of a body that arrive closer together than this count as one read.
CHUNK_GAP_S = 0.010

# Variables from the host that could change what sbfn does; a case sets them itself
# (case-level or step-level "env") when it wants them.
SCRUBBED_ENV_PREFIXES = ("SUPABASE_", "SBFN_", "DENO_")
SCRUBBED_ENV_NAMES = {"JWT_SECRET", "NPM_CONFIG_REGISTRY", "npm_config_registry", "JSR_URL",
                      "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY",
                      "all_proxy", "NO_COLOR", "FORCE_COLOR"}
# Registries that refuse every connection, so that no case ever reaches the network.
HERMETIC_ENV = {"NPM_CONFIG_REGISTRY": "http://127.0.0.1:9/", "JSR_URL": "http://127.0.0.1:9/"}


class CaseError(Exception):
    """case.json itself is wrong (not a failure of sbfn)."""


class StepFailure(Exception):
    def __init__(self, message, expected=None, got=None, fatal=False):
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.got = got
        self.fatal = fatal


# --------------------------------------------------------------------------- values


def text_value(value, where="value"):
    """A string in case.json: a plain string, {"repeat": s, "times": n} or {"concat": [...]}."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "repeat" in value:
        return text_value(value["repeat"], where) * int(value.get("times", 1))
    if isinstance(value, dict) and "concat" in value:
        return "".join(text_value(v, where) for v in value["concat"])
    raise CaseError("%s must be a string, {\"repeat\":..., \"times\":...} or {\"concat\": [...]}, "
                    "got %r" % (where, value))


def raw_bytes(value, where="raw"):
    """Raw bytes written as a string: characters U+0000..U+00FF are the bytes."""
    text = text_value(value, where)
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        raise CaseError("%s may only hold characters U+0000..U+00FF (one per byte)" % where)


def shorten(data, limit=600):
    """A one-line, quoted rendering of text, bytes or JSON values, cut at `limit`."""
    size = None
    if isinstance(data, (bytes, bytearray)):
        size = len(data)
        try:
            data = json.dumps(bytes(data).decode("utf-8"), ensure_ascii=False)
        except UnicodeDecodeError:
            data = repr(bytes(data))
    elif isinstance(data, str):
        size = len(data)
        data = json.dumps(data, ensure_ascii=False)
    else:
        data = json.dumps(data, sort_keys=True, ensure_ascii=False)
    if len(data) > limit:
        return data[:limit] + "... (%s)" % ("%d bytes" % size if size is not None
                                            else "%d chars" % len(data))
    return data


def first_difference(want, got):
    for index, (a, b) in enumerate(zip(want, got)):
        if a != b:
            return index
    return min(len(want), len(got))


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def subset_mismatch(expected, got, path="$"):
    """None when every key/element of `expected` is in `got` (objects: listed keys only)."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return "%s: expected an object, got %s" % (path, shorten(got, 120))
        for key, value in expected.items():
            if key not in got:
                return "%s: missing key %r" % (path, key)
            problem = subset_mismatch(value, got[key], "%s.%s" % (path, key))
            if problem:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return "%s: expected a list of %d, got %s" % (path, len(expected), shorten(got, 120))
        for index, (e, g) in enumerate(zip(expected, got)):
            problem = subset_mismatch(e, g, "%s[%d]" % (path, index))
            if problem:
                return problem
        return None
    if expected != got or type(expected) is not type(got):
        if isinstance(expected, (int, float)) and isinstance(got, (int, float)) \
                and not isinstance(expected, bool) and not isinstance(got, bool) \
                and expected == got:
            return None
        return "%s: expected %s, got %s" % (path, json.dumps(expected), shorten(got, 200))
    return None


def match_string(spec, got, what):
    """Checks a string against an exact string, {"contains": s}, {"matches": re} or
    {"not_contains": s}. Returns a problem or None."""
    if isinstance(spec, str):
        return None if got == spec else "%s: expected %r, got %r" % (what, spec, got)
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "contains" and value not in got:
                return "%s: expected it to contain %r, got %r" % (what, value, got)
            if key == "not_contains" and value in got:
                return "%s: expected it not to contain %r, got %r" % (what, value, got)
            if key == "matches" and not re.search(value, got):
                return "%s: expected it to match /%s/, got %r" % (what, value, got)
            if key not in ("contains", "not_contains", "matches"):
                raise CaseError("unknown string matcher %r in %s" % (key, what))
        return None
    raise CaseError("%s: expected a string or a matcher object, got %r" % (what, spec))


# --------------------------------------------------------------------------- HTTP client


class Response:
    def __init__(self):
        self.status = None
        self.reason = ""
        self.version = ""
        self.headers = []          # [(name, value)] in order, names as sent
        self.body = b""
        self.pieces = []           # [(monotonic time, byte count)] of body data as it arrived
        self.started = None
        self.interim = []          # 1xx statuses (100 Continue) that came before this one
        self.discard = False       # count the body (length) instead of keeping it
        self.length = 0
        self.truncated = None      # why the body ended before its framing said it would

    def header_values(self, name):
        name = name.lower()
        return [v for (n, v) in self.headers if n.lower() == name]

    def read_count(self):
        """How many separate reads delivered the body (pieces closer than CHUNK_GAP_S merge)."""
        count = 0
        last = None
        for at, size in self.pieces:
            if size == 0:
                continue
            if last is None or at - last >= CHUNK_GAP_S:
                count += 1
            last = at
        return count

    def timeline(self):
        if not self.pieces or self.started is None:
            return "[]"
        return "[" + ", ".join("+%dms:%dB" % ((at - self.started) * 1000, size)
                               for at, size in self.pieces if size) + "]"

    def describe(self):
        lines = ["%s %s %s" % (self.version, self.status, self.reason)]
        lines += ["%s: %s" % (n, v) for n, v in self.headers]
        lines.append("body: %s" % shorten(self.body))
        return "\n".join(lines)


class ConnectionClosed(Exception):
    pass


class HttpConnection:
    """A minimal HTTP/1.1 client over one socket: exact bytes out, timing of every read."""

    def __init__(self, host, port, timeout):
        self.host = host
        self.port = port
        self.sock = socket.create_connection((host.strip("[]"), port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.last_read = time.monotonic()
        self.eof = False
        self.sender = None
        self.send_error = None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def set_timeout(self, seconds):
        self.sock.settimeout(seconds)

    def send(self, data):
        """Sends in the background when the payload is large, so that a response the
        server gives early (413) is read while the client is still writing."""
        if len(data) <= 256 * 1024:
            self.sock.sendall(data)
            return

        def pump():
            try:
                self.sock.sendall(data)
            except OSError as error:
                self.send_error = error

        self.sender = threading.Thread(target=pump, daemon=True)
        self.sender.start()

    def _fill(self):
        if self.eof:
            raise ConnectionClosed("connection closed by the server")
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            raise
        except OSError as error:
            # What was already received stays in buf for the parser; only more is impossible.
            self.eof = True
            raise ConnectionClosed("connection error: %s" % error)
        self.last_read = time.monotonic()
        if not data:
            self.eof = True
            raise ConnectionClosed("connection closed by the server")
        self.buf += data

    def _line(self):
        while True:
            at = self.buf.find(b"\r\n")
            if at >= 0:
                line = bytes(self.buf[:at])
                del self.buf[:at + 2]
                return line
            if len(self.buf) > 1 << 20:
                raise StepFailure("response head line longer than 1 MiB")
            self._fill()

    def _take(self, count, response):
        """Reads exactly count body bytes, noting when each piece arrived."""
        out = bytearray()
        while len(out) < count:
            if not self.buf:
                self._fill()
            piece = bytes(self.buf[:count - len(out)])
            del self.buf[:len(piece)]
            out += piece
            response.pieces.append((self.last_read, len(piece)))
        return bytes(out)

    def _skip(self, count, response):
        """Reads and drops count body bytes (a huge body), counting them."""
        while count > 0:
            if not self.buf:
                self._fill()
            piece = min(count, len(self.buf))
            del self.buf[:piece]
            count -= piece
            response.length += piece

    def read_response(self, method, on_interim=None, discard=False):
        response = Response()
        response.discard = discard
        response.started = time.monotonic()
        while True:
            line = self._line()
            if not line and response.status is None:
                continue  # tolerate stray CRLF between responses
            match = re.match(rb"^(HTTP/\d\.\d) (\d{3})(?: (.*))?$", line)
            if not match:
                raise StepFailure("malformed status line from the server", got=shorten(line))
            response.version = match.group(1).decode()
            response.status = int(match.group(2))
            response.reason = (match.group(3) or b"").decode("latin-1")
            response.headers = []
            while True:
                line = self._line()
                if not line:
                    break
                name, sep, value = line.partition(b":")
                if not sep:
                    raise StepFailure("malformed header line from the server",
                                      got=shorten(line))
                response.headers.append((name.decode("latin-1"),
                                         value.strip(b" \t").decode("latin-1")))
            if 100 <= response.status < 200 and response.status != 101:
                response.interim.append(response.status)
                if on_interim:
                    on_interim(response.status)
                response.status = None
                continue
            break
        try:
            self._read_body(response, method)
        except ConnectionClosed as closed:
            response.truncated = str(closed)
        return response

    def _read_body(self, response, method):
        status = response.status
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return
        encodings = ",".join(response.header_values("transfer-encoding")).lower()
        if "chunked" in encodings:
            body = bytearray()
            response.body = body  # what arrived, should the connection break
            while True:
                size_line = self._line()
                size_text = size_line.split(b";", 1)[0].strip()
                try:
                    size = int(size_text, 16)
                except ValueError:
                    raise StepFailure("malformed chunk size from the server",
                                      got=shorten(size_line))
                if size == 0:
                    while self._line():
                        pass  # trailers
                    break
                if response.discard:
                    self._skip(size, response)
                else:
                    body += self._take(size, response)
                if self._line() != b"":
                    raise StepFailure("chunk not followed by CRLF")
            response.body = bytes(body)
            return
        lengths = response.header_values("content-length")
        if lengths:
            try:
                length = int(lengths[0])
            except ValueError:
                raise StepFailure("bad content-length from the server", got=lengths[0])
            response.body = self._take(length, response)
            return
        body = bytearray()  # no framing: the body runs until the server closes
        while True:
            try:
                if not self.buf:
                    self._fill()
            except ConnectionClosed:
                break
            piece = bytes(self.buf)
            self.buf.clear()
            body += piece
            response.pieces.append((self.last_read, len(piece)))
        response.body = bytes(body)

    def closed_by_server(self, wait_s):
        """True when the server closes the connection within wait_s (no more data)."""
        if self.eof:
            return True
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return False
            except OSError:
                return True
            if not data:
                self.eof = True
                return True
            self.buf += data
        return False


# --------------------------------------------------------------------------- WebSocket client


WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WebSocketClient:
    """A minimal RFC 6455 client: masked frames out, fragmentation and control frames in."""

    def __init__(self, conn):
        self.conn = conn

    def send_frame(self, opcode, payload, fin=True):
        head = bytearray([(0x80 if fin else 0) | opcode])
        length = len(payload)
        if length < 126:
            head.append(0x80 | length)
        elif length < 65536:
            head.append(0x80 | 126)
            head += length.to_bytes(2, "big")
        else:
            head.append(0x80 | 127)
            head += length.to_bytes(8, "big")
        mask = os.urandom(4)
        head += mask
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.conn.sock.sendall(bytes(head) + masked)

    def _exact(self, count):
        while len(self.conn.buf) < count:
            self.conn._fill()
        data = bytes(self.conn.buf[:count])
        del self.conn.buf[:count]
        return data

    def read_frame(self):
        b0, b1 = self._exact(2)
        fin = bool(b0 & 0x80)
        if b0 & 0x70:
            raise StepFailure("server frame has reserved bits set (no extension was negotiated)")
        opcode = b0 & 0x0F
        if b1 & 0x80:
            raise StepFailure("server frame is masked (RFC 6455 5.1: servers must not mask)")
        length = b1 & 0x7F
        if length == 126:
            length = int.from_bytes(self._exact(2), "big")
        elif length == 127:
            length = int.from_bytes(self._exact(8), "big")
        return fin, opcode, self._exact(length)

    def read_message(self):
        """The next data message (opcode, payload) or a control frame that matters:
        ("pong", data) / ("close", data). Pings are answered here."""
        opcode = None
        parts = []
        while True:
            fin, op, payload = self.read_frame()
            if op == 0x9:
                self.send_frame(0xA, payload)
                continue
            if op == 0xA:
                return "pong", payload
            if op == 0x8:
                return "close", payload
            if op == 0x0:
                if opcode is None:
                    raise StepFailure("continuation frame without a first frame")
                parts.append(payload)
            elif op in (0x1, 0x2):
                if opcode is not None:
                    raise StepFailure("new data frame inside a fragmented message")
                opcode = op
                parts = [payload]
            else:
                raise StepFailure("unknown opcode 0x%x from the server" % op)
            if fin:
                return ("text" if opcode == 0x1 else "binary"), b"".join(parts)


# --------------------------------------------------------------------------- server process


def _die_with_runner():
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


def _limit_open_files(count, hard_count=None):
    """preexec for a server that must start with the common soft limit (1,024) however
    the runner was started, to show what sbfn does with it; `hard_count` lowers the hard
    limit too (running out of descriptors)."""
    def apply():
        _die_with_runner()
        if count is not None:
            _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            if hard_count is not None:
                hard = min(hard_count, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(count, hard), hard))
    return apply


class Server:
    def __init__(self, binary, args, cwd, env, open_files=None, open_files_hard=None):
        self.command = [binary, "serve", "--port", "0"] + list(args)
        self.output = OutputCollector()
        self.host = None
        self.port = None
        self.exit_code = None
        self.signalled = False
        try:
            self.proc = spawn(lambda: subprocess.Popen(
                self.command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                preexec_fn=_limit_open_files(open_files, open_files_hard)))
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


# --------------------------------------------------------------------------- the case


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


# The repository this runner belongs to (tests/specs/run.py -> the root).
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Case:
    def __init__(self, binary, case_dir, verbose=False, keep=False):
        self.binary = os.path.abspath(binary)
        self.source = os.path.abspath(case_dir)
        # "serve/hello_world" for tests/specs/serve/hello_world: the command and the case
        parent, leaf = os.path.split(os.path.abspath(self.source).rstrip("/"))
        self.name = os.path.basename(parent) + "/" + leaf
        self.verbose = verbose
        self.keep = keep
        with open(os.path.join(self.source, "case.json"), encoding="utf-8") as f:
            try:
                self.spec = json.load(f)
            except json.JSONDecodeError as error:
                raise CaseError("case.json: %s" % error)
        known = {"description", "pending", "serve", "steps", "env", "request_defaults", "note",
                 "from_repo"}
        unknown = set(self.spec) - known
        if unknown:
            raise CaseError("case.json: unknown top-level keys %s" % sorted(unknown))
        self.server = None
        self.servers = []
        self.connections = {}
        self.groups = {}           # name -> [socket] opened by an "open" step
        self.rss_marks = {}        # name -> kB saved by an "rss" step
        self.background = {}
        self.failures = []
        self.work = None
        self.env = None

    # -- plumbing ---------------------------------------------------------------

    def log(self, text):
        if self.verbose:
            print("  " + text, flush=True)

    def make_env(self, extra=None):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(SCRUBBED_ENV_PREFIXES) and k not in SCRUBBED_ENV_NAMES}
        env.update(HERMETIC_ENV)
        env["HOME"] = os.path.join(self.root, "home")
        env["SBFN_CACHE_DIR"] = os.path.join(self.root, "cache")
        env["NO_COLOR"] = "1"
        env.update({k: str(v) for k, v in (self.spec.get("env") or {}).items()})
        env.update({k: str(v) for k, v in (extra or {}).items()})
        return env

    def path_in_case(self, relative):
        path = os.path.normpath(os.path.join(self.work, relative))
        if not (path == self.work or path.startswith(self.work + os.sep)):
            raise CaseError("path %r leaves the case folder" % relative)
        return path

    def require_server(self):
        if self.server is None:
            raise StepFailure("no server is running (add \"serve\" to the case or a serve step)",
                              fatal=True)
        return self.server

    # -- running ----------------------------------------------------------------

    def run(self):
        """Returns "passed", "failed" or "skipped"; prints what went wrong."""
        if self.spec.get("pending"):
            print("SKIP %s: pending: %s" % (self.name, self.spec["pending"]), flush=True)
            return "skipped"
        started = time.monotonic()
        self.root = tempfile.mkdtemp(prefix="sbfn-spec-%s-" % self.name.replace("/", "-"))
        self.work = os.path.join(self.root, "case")
        shutil.copytree(self.source, self.work, symlinks=True)
        # "from_repo": {"<path in the repository>": "<path in the case>"}: the case runs
        # what the project ships (the example functions, templates), not a copy of it.
        for origin, target in (self.spec.get("from_repo") or {}).items():
            source = os.path.join(REPO_ROOT, origin)
            if not os.path.exists(source):
                raise CaseError("from_repo: %s does not exist in the repository" % origin)
            destination = self.path_in_case(target)
            if os.path.isdir(source):
                shutil.copytree(source, destination, symlinks=True, dirs_exist_ok=True)
            else:
                os.makedirs(os.path.dirname(destination), exist_ok=True)
                shutil.copy2(source, destination)
        os.makedirs(os.path.join(self.root, "home"))
        os.makedirs(os.path.join(self.root, "cache"))
        self.env = self.make_env()
        steps = list(self.spec.get("steps") or [])
        if "serve" in self.spec:
            steps.insert(0, {"serve": self.spec["serve"], "note": "top-level \"serve\""})
        implicit_first = 1 if "serve" in self.spec else 0
        try:
            for index, step in enumerate(steps):
                label = index - implicit_first  # index into "steps"; -1 = top-level serve
                try:
                    self.run_step(step)
                except StepFailure as failure:
                    self.report(label, step, failure)
                    if failure.fatal:
                        break
                except (CaseError, KeyboardInterrupt, SystemExit):
                    raise
                except Exception as error:  # noqa: BLE001 - a runner bug must not hide the rest
                    self.report(label, step, StepFailure("runner error: %r" % error, fatal=True))
                    break
            self.finish()
        except CaseError as error:
            self.failures.append(str(error))
            print("FAIL %s: case error: %s" % (self.name, error), flush=True)
        finally:
            self.cleanup()
        elapsed = time.monotonic() - started
        if self.failures:
            print("FAIL %s (%d problem%s, %.1fs)%s" % (
                self.name, len(self.failures), "" if len(self.failures) == 1 else "s", elapsed,
                "; kept %s" % self.root if self.keep else ""), flush=True)
            return "failed"
        print("PASS %s (%.1fs)" % (self.name, elapsed), flush=True)
        return "passed"

    def finish(self):
        for name in list(self.background):
            try:
                self.await_background(name)
            except StepFailure as failure:
                self.report("end", {"await": name}, failure)
        if self.server is not None:
            try:
                self.stop_server(check=True)
            except StepFailure as failure:
                self.report("end", {"stop": {}, "note": "stopping the server after the last step"},
                            failure)

    def cleanup(self):
        for conn in self.connections.values():
            conn.close()
        for server in self.servers:
            if server.running():
                server.proc.kill()
                server.wait_exit(5)
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def report(self, label, step, failure):
        kind = next((k for k in step if k not in ("expect", "note", "background")), "?")
        title = "step %s" % label if label != -1 else "serve (top-level)"
        lines = ["FAIL %s: %s (%s)%s: %s" % (self.name, title, kind,
                                              " [%s]" % step["note"] if step.get("note") else "",
                                              failure.message)]
        if failure.expected is not None:
            lines.append("  expected: " + str(failure.expected).replace("\n", "\n            "))
        if failure.got is not None:
            lines.append("  got:      " + str(failure.got).replace("\n", "\n            "))
        server = self.server or (self.servers[-1] if self.servers else None)
        if server is not None:
            lines.append("  --- last %d lines of server output (%s) ---" % (
                LOG_TAIL, " ".join(server.command[1:])))
            tail = server.output.tail()
            lines.append("  " + tail.replace("\n", "\n  ") if tail else "  (none)")
        print("\n".join(lines), flush=True)
        self.failures.append(failure.message)

    def run_step(self, step):
        if not isinstance(step, dict):
            raise CaseError("a step must be an object, got %r" % (step,))
        kinds = [k for k in step if k not in ("expect", "note", "background")]
        if len(kinds) != 1:
            raise CaseError("a step needs exactly one action, got %s" % kinds)
        kind = kinds[0]
        self.log("%s %s" % (kind, shorten(step[kind], 160)))
        handler = {
            "serve": self.step_serve,
            "stop": self.step_stop,
            "request": self.step_request,
            "requests_parallel": self.step_parallel,
            "await": self.step_await,
            "run": self.step_run,
            "write_file": self.step_write_file,
            "remove_file": self.step_remove_file,
            "move_file": self.step_move_file,
            "sleep_ms": self.step_sleep,
            "wait_for_log": self.step_wait_for_log,
            "expect_log": self.step_expect_log,
            "signal": self.step_signal,
            "expect_exit": self.step_expect_exit,
            "connect": self.step_connect,
            "websocket": self.step_websocket,
            "expect_file": self.step_expect_file,
            "open": self.step_open,
            "send": self.step_send,
            "expect_closed": self.step_expect_closed,
            "close": self.step_close,
            "rss": self.step_rss,
        }.get(kind)
        if handler is None:
            raise CaseError("unknown step %r" % kind)
        if "background" in step and kind != "request":
            raise CaseError("only a request step can run in the background")
        if kind == "request":
            handler(step)
        elif kind == "run":
            handler(step[kind], step.get("expect"))
        else:
            if "expect" in step:
                raise CaseError("step %r takes no \"expect\"" % kind)
            handler(step[kind])

    # -- server steps -------------------------------------------------------------

    def step_serve(self, spec):
        spec = spec or {}
        if self.server is not None:
            self.stop_server(check=True)
        cwd = self.path_in_case(spec.get("cwd", "."))
        args = [str(a) for a in spec.get("args", [])]
        self.server = Server(self.binary, args, cwd, self.make_env(spec.get("env")),
                             spec.get("open_files"), spec.get("open_files_hard"))
        self.server.expect_clean_exit = spec.get("expect_clean_exit", True)
        self.servers.append(self.server)
        self.server.wait_for_banner()
        self.log("server on %s:%d" % (self.server.host, self.server.port))

    def stop_server(self, check):
        server = self.server
        self.server = None
        for conn in self.connections.values():
            conn.close()
        self.connections.clear()
        for group in self.groups.values():
            for sock in group:
                sock.close()
        self.groups.clear()
        was_running = server.running()
        code, killed = server.stop()
        if not check:
            return
        if killed:
            raise StepFailure("the server did not exit within %ds of SIGTERM (killed)"
                              % STOP_GRACE_S, expected="exit 0", got="still running")
        if not was_running and not server.signalled:
            raise StepFailure("the server exited on its own during the case",
                              expected="still running", got=describe_exit(code))
        if getattr(server, "expect_clean_exit", True) and code != 0:
            raise StepFailure("the server did not exit cleanly on SIGTERM",
                              expected="exit 0", got=describe_exit(code))

    def step_stop(self, spec):
        self.require_server()
        try:
            self.stop_server(check=True)
        except StepFailure as failure:
            failure.fatal = False
            raise

    def step_signal(self, name):
        self.require_server().send_signal(signal_number(name))

    def step_expect_exit(self, spec):
        server = self.require_server()
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
        self.log("server exited with %s after %dms" % (code, took))

    def step_wait_for_log(self, spec):
        """Waits until the server output holds `contains` (at least `count` times) or a line
        matching the regex `matches`."""
        server = self.require_server()
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

    def step_expect_log(self, spec):
        server = self.require_server()
        text = server.output.text(spec.get("stream"))
        problems = []
        for needle in as_list(spec.get("contains")):
            if needle not in text:
                problems.append("missing %r" % needle)
        for needle in as_list(spec.get("not_contains")):
            if needle in text:
                problems.append("unexpected %r" % needle)
        for pattern in as_list(spec.get("matches")):
            if not re.search(pattern, text, re.M):
                problems.append("nothing matches /%s/" % pattern)
        if spec.get("json_lines"):
            for line in text.splitlines():
                try:
                    if not isinstance(json.loads(line), dict):
                        raise ValueError
                except ValueError:
                    problems.append("not a JSON object line: %r" % line)
                    break
        if problems:
            raise StepFailure("server output does not match",
                              expected=json.dumps(spec), got="; ".join(problems))

    # -- HTTP steps ---------------------------------------------------------------

    def build_request(self, spec, host, port):
        if "raw" in spec:
            return raw_bytes(spec["raw"], "request.raw"), "RAW"
        method = spec.get("method", "GET").upper()
        path = text_value(spec.get("path", "/"), "request.path")
        headers = []
        defaults = (self.spec.get("request_defaults") or {}).get("headers") or {}
        given = spec.get("headers") or {}
        pairs = given if isinstance(given, list) else list(given.items())
        given_names = {name.lower() for name, _ in pairs}
        for name, value in defaults.items():
            if name.lower() not in given_names:
                headers.append((name, value))
        for name, value in pairs:
            if value is not None:  # null removes a default
                headers.append((name, text_value(value, "header " + name)))
        body = None
        if "json" in spec:
            body = json.dumps(spec["json"]).encode()
            if "content-type" not in given_names:
                headers.append(("Content-Type", "application/json"))
        elif "body" in spec:
            body = text_value(spec["body"], "request.body").encode("utf-8")
        elif "body_base64" in spec:
            body = base64.b64decode(spec["body_base64"])
        names = {name.lower() for name, _ in headers}
        if "host" not in names:
            headers.insert(0, ("Host", "%s:%d" % (host, port)))
        if body is not None and "content-length" not in names \
                and "transfer-encoding" not in names:
            headers.append(("Content-Length", str(len(body))))
        elif body is None and method in ("POST", "PUT", "PATCH") and \
                "content-length" not in names and "transfer-encoding" not in names:
            headers.append(("Content-Length", "0"))
        head = "%s %s HTTP/1.1\r\n" % (method, path)
        head += "".join("%s: %s\r\n" % (n, v) for n, v in headers) + "\r\n"
        return head.encode("latin-1") + (body or b""), method

    def do_request(self, spec, expect):
        """Sends one request and checks the response(s). Raises StepFailure."""
        server = self.require_server()
        timeout = spec.get("timeout_ms", DEFAULT_REQUEST_TIMEOUT_MS) / 1000.0
        name = spec.get("connection")
        conn = self.connections.get(name) if name else None
        reused = conn is not None
        if conn is None:
            try:
                conn = HttpConnection(server.host, server.port, timeout)
            except OSError as error:
                raise StepFailure("cannot connect to the server: %s" % error)
            if name:
                self.connections[name] = conn
        conn.set_timeout(timeout)
        data, method = self.build_request(spec, server.host, server.port)
        label = "%s %s" % (spec.get("method", "GET"), spec.get("path", "/")) \
            if "raw" not in spec else "raw request"
        try:
            try:
                conn.send(data)
            except OSError as error:
                raise StepFailure("could not send the request%s: %s"
                                  % (" on the reused connection" if reused else "", error))
            if "hang_up_after_bytes" in spec:
                # Read this much of the response (head and body), then close the socket:
                # a client that leaves in the middle of a streamed body.
                want = int(spec["hang_up_after_bytes"])
                while len(conn.buf) < want:
                    try:
                        chunk = conn.sock.recv(65536)
                    except socket.timeout:
                        raise StepFailure("%s: only %d of %d bytes arrived within %dms"
                                          % (label, len(conn.buf), want, timeout * 1000))
                    if not chunk:
                        raise StepFailure("%s: the server closed the connection after %d bytes"
                                          % (label, len(conn.buf)))
                    conn.buf += chunk
                status_line = bytes(conn.buf).split(b"\r\n", 1)[0].decode("latin-1")
                if "status" in (expect or {}) and \
                        not status_line.startswith("HTTP/1.1 %s " % expect["status"]):
                    raise StepFailure("%s: unexpected status line" % label,
                                      expected=str(expect["status"]), got=status_line)
                return
            expected_list = (expect or {}).get("responses")
            expects = expected_list if expected_list is not None else [expect or {}]
            for position, one in enumerate(expects):
                where = label if len(expects) == 1 else "%s, response %d" % (label, position + 1)
                on_interim = None
                if "send_after_continue" in spec:
                    # Expect: 100-continue: the body goes only once the server asks for it.
                    def on_interim(status):
                        if status == 100:
                            conn.sock.sendall(raw_bytes(spec["send_after_continue"],
                                                        "request.send_after_continue"))
                if spec.get("stall_ms") and position == 0:
                    time.sleep(spec["stall_ms"] / 1000.0)  # a client that stops reading
                try:
                    response = conn.read_response("HEAD" if method == "HEAD" else method,
                                                  on_interim, spec.get("discard_body", False))
                except socket.timeout:
                    raise StepFailure("%s: no complete response within %dms"
                                      % (where, timeout * 1000),
                                      expected=self.describe_expect(one),
                                      got="timeout (%d bytes buffered)" % len(conn.buf))
                except ConnectionClosed as closed:
                    raise StepFailure("%s: %s%s before a complete response" % (
                        where, closed, " (on a reused keep-alive connection)" if reused else ""),
                        expected=self.describe_expect(one), got="%d bytes" % len(conn.buf))
                self.check_response(where, one, response)
            if (expect or {}).get("connection") is not None:
                want = expect["connection"]
                closed = conn.closed_by_server(2.0 if want == "close" else 0.2)
                if want == "close" and not closed:
                    raise StepFailure("%s: the server kept the connection open" % label,
                                      expected="connection closed", got="still open after 2s")
                if want == "keep-alive" and closed:
                    raise StepFailure("%s: the server closed the connection" % label,
                                      expected="connection kept open", got="closed")
        finally:
            if not name:
                conn.close()
            elif conn.eof:
                conn.close()
                self.connections.pop(name, None)

    @staticmethod
    def describe_expect(expect):
        text = json.dumps({k: v for k, v in (expect or {}).items() if k != "responses"},
                          sort_keys=True, ensure_ascii=False)
        return text if len(text) <= 1000 else text[:1000] + "..."

    def check_response(self, where, expect, response):
        known = {"status", "body", "body_base64", "json", "json_subset", "body_contains",
                 "body_not_contains", "body_matches", "headers", "chunks_at_least",
                 "connection", "responses", "reason", "interim", "truncated", "body_length"}
        unknown = set(expect) - known
        if unknown:
            raise CaseError("unknown expectation(s) %s" % sorted(unknown))
        problems = []
        if "status" in expect and response.status != expect["status"]:
            problems.append("status: expected %s, got %s" % (expect["status"], response.status))
        if "reason" in expect and response.reason != expect["reason"]:
            problems.append("reason phrase: expected %r, got %r" % (expect["reason"], response.reason))
        if "body_length" in expect:
            length = response.length if response.discard else len(response.body)
            if length != expect["body_length"]:
                problems.append("body length: expected %d bytes, got %d"
                                % (expect["body_length"], length))
        if "interim" in expect and response.interim != expect["interim"]:
            problems.append("interim responses: expected %s, got %s"
                            % (expect["interim"], response.interim))
        if expect.get("truncated", False) != (response.truncated is not None):
            problems.append("body: expected the connection to break before the body was complete"
                            if expect.get("truncated") else
                            "body incomplete: %s" % response.truncated)
        if "body" in expect:
            want = text_value(expect["body"], "expect.body").encode("utf-8")
            if response.body != want:
                at = first_difference(want, response.body)
                problems.append("body: expected %s, got %s (first difference at byte %d)"
                                % (shorten(want), shorten(response.body), at))
        if "body_base64" in expect:
            want = base64.b64decode(expect["body_base64"])
            if response.body != want:
                at = first_difference(want, response.body)
                problems.append("body bytes: %d expected, %d came; first difference at offset %d:"
                                " expected %r, got %r" % (len(want), len(response.body), at,
                                                          want[at:at + 16], response.body[at:at + 16]))
        text = response.body.decode("utf-8", "replace")
        if "json" in expect or "json_subset" in expect:
            try:
                document = json.loads(text)
            except ValueError:
                problems.append("body is not JSON: %s" % shorten(text))
            else:
                if "json" in expect and document != expect["json"]:
                    problems.append("json: expected %s, got %s" % (
                        json.dumps(expect["json"], sort_keys=True), shorten(document)))
                if "json_subset" in expect:
                    problem = subset_mismatch(expect["json_subset"], document)
                    if problem:
                        problems.append("json_subset: " + problem)
        for needle in as_list(expect.get("body_contains")):
            if needle not in text:
                problems.append("body: expected it to contain %r, got %s" % (needle, shorten(text)))
        for needle in as_list(expect.get("body_not_contains")):
            if needle in text:
                problems.append("body: expected it not to contain %r, got %s"
                                % (needle, shorten(text)))
        for pattern in as_list(expect.get("body_matches")):
            if not re.search(pattern, text):
                problems.append("body: expected it to match /%s/, got %s" % (pattern, shorten(text)))
        for name, want in (expect.get("headers") or {}).items():
            values = response.header_values(name)
            if want is None:
                if values:
                    problems.append("header %s: expected none, got %r" % (name, values))
            elif isinstance(want, list):
                if values != want:
                    problems.append("header %s: expected the values %r, got %r"
                                    % (name, want, values))
            elif not values:
                problems.append("header %s: missing (expected %r)" % (name, want))
            else:
                problem = match_string(want, ", ".join(values), "header " + name)
                if problem:
                    problems.append(problem)
        if "chunks_at_least" in expect:
            reads = response.read_count()
            if reads < expect["chunks_at_least"]:
                problems.append("body arrived in %d separate read(s), expected at least %d; "
                                "arrivals %s" % (reads, expect["chunks_at_least"],
                                                 response.timeline()))
        if problems:
            raise StepFailure("%s: response does not match" % where,
                              expected=self.describe_expect(expect),
                              got=response.describe() + "\nproblems:\n  - "
                              + "\n  - ".join(problems))

    def step_request(self, step):
        spec = step["request"]
        expect = step.get("expect") or {}
        name = step.get("background")
        if not name:
            self.do_request(spec, expect)
            return
        if name in self.background:
            raise CaseError("background request %r already started" % name)
        result = {}

        def work():
            try:
                self.do_request(spec, expect)
            except StepFailure as failure:
                result["failure"] = failure
            except Exception as error:  # noqa: BLE001 - reported on await
                result["failure"] = StepFailure("runner error: %r" % error)

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        self.background[name] = (thread, result)

    def await_background(self, name):
        if name not in self.background:
            raise CaseError("no background request named %r" % name)
        thread, result = self.background.pop(name)
        thread.join(DEFAULT_REQUEST_TIMEOUT_MS / 1000.0 + 5)
        if thread.is_alive():
            raise StepFailure("background request %r did not finish" % name)
        if "failure" in result:
            raise result["failure"]

    def step_await(self, name):
        self.await_background(name)

    def step_parallel(self, items):
        results = [None] * len(items)

        def work(index, item):
            try:
                self.do_request(item["request"], item.get("expect") or {})
            except StepFailure as failure:
                results[index] = failure
            except Exception as error:  # noqa: BLE001
                results[index] = StepFailure("runner error: %r" % error)

        threads = [threading.Thread(target=work, args=(i, item), daemon=True)
                   for i, item in enumerate(items)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        failed = [(i, f) for i, f in enumerate(results) if f is not None]
        if failed:
            index, first = failed[0]
            raise StepFailure("%d of %d parallel requests failed; first is #%d: %s"
                              % (len(failed), len(items), index, first.message),
                              expected=first.expected, got=first.got)

    def step_connect(self, spec):
        server = self.require_server()
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

    # -- raw connections and the server's memory ------------------------------------

    def step_open(self, spec):
        server = self.require_server()
        count = int(spec.get("count", 1))
        data = raw_bytes(spec.get("raw", ""), "open.raw")
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = count + 1024
        if soft != resource.RLIM_INFINITY and soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE,
                               (want if hard == resource.RLIM_INFINITY else min(hard, want), hard))
        group = self.groups.setdefault(spec["name"], [])
        for index in range(count):
            try:
                sock = socket.create_connection((server.host.strip("[]"), server.port), timeout=5)
                if data:
                    sock.sendall(data)
            except OSError as error:
                raise StepFailure("open: connection %d of %d failed: %s" % (index + 1, count, error))
            group.append(sock)

    def sockets_named(self, name):
        if name in self.groups:
            return self.groups[name]
        if name in self.connections:
            return [self.connections[name].sock]
        raise CaseError("no connection or group named %r" % name)

    def step_send(self, spec):
        data = raw_bytes(spec["raw"], "send.raw")
        for sock in self.sockets_named(spec["connection"]):
            try:
                sock.sendall(data)
            except OSError as error:
                raise StepFailure("send on %s: %s" % (spec["connection"], error))

    def step_expect_closed(self, spec):
        """Every socket of the group (or the named connection) is closed by the server
        within the time: EOF or reset; any bytes it sends first are ignored."""
        name = spec["connection"]
        pending = set(self.sockets_named(name))
        poller = select.poll()
        for sock in pending:
            poller.register(sock, select.POLLIN)
        by_fd = {sock.fileno(): sock for sock in pending}
        deadline = time.monotonic() + spec.get("within_ms", 10000) / 1000.0
        while pending and time.monotonic() < deadline:
            for fd, _ in poller.poll(max(1, int((deadline - time.monotonic()) * 1000))):
                sock = by_fd[fd]
                try:
                    sock.setblocking(False)
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    pending.discard(sock)
                    poller.unregister(fd)
        if pending:
            raise StepFailure("%d of %d connection(s) of %s still open after %d ms"
                              % (len(pending), len(by_fd), name, spec.get("within_ms", 10000)),
                              expected="closed by the server", got="open")

    def step_close(self, name):
        for sock in self.groups.pop(name, []):
            sock.close()
        if name in self.connections:
            self.connections.pop(name).close()

    def server_memory_kb(self, field):
        server = self.require_server()
        with open("/proc/%d/status" % server.proc.pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise StepFailure("no %s in /proc/%d/status" % (field, server.proc.pid))

    def step_rss(self, spec):
        """{"save": name} notes the server's resident memory; {"above": name, "at_most_mb": N}
        checks it (or "field": "VmHWM", its peak) grew by at most N MB since."""
        field = spec.get("field", "VmRSS")
        now = self.server_memory_kb(field)
        if "save" in spec:
            self.rss_marks[spec["save"]] = now
            self.log("%s: %d kB" % (field, now))
            return
        base = self.rss_marks[spec["above"]]
        growth_mb = (now - base) / 1024.0
        self.log("%s: %d kB (%+.1f MB)" % (field, now, growth_mb))
        # A sanitizer build holds freed memory in quarantine and shadows the rest:
        # `make test-asan` sets SBFN_SPECS_RSS_SLACK_MB for that, and nothing else does.
        bound = spec["at_most_mb"] + float(os.environ.get("SBFN_SPECS_RSS_SLACK_MB", "0"))
        if growth_mb > bound:
            raise StepFailure("server memory grew too much", expected="%s at most %s MB above %s"
                              % (field, bound, spec["above"]),
                              got="%.1f MB above (%d kB now, %d kB then)" % (growth_mb, now, base))

    # -- WebSocket ------------------------------------------------------------------

    def step_websocket(self, spec):
        server = self.require_server()
        timeout = spec.get("timeout_ms", 10000) / 1000.0
        try:
            conn = HttpConnection(server.host, server.port, timeout)
        except OSError as error:
            raise StepFailure("cannot connect to the server: %s" % error)
        try:
            self.websocket_session(conn, spec, server)
        except socket.timeout:
            raise StepFailure("websocket: timed out after %dms" % (timeout * 1000))
        except ConnectionClosed as closed:
            raise StepFailure("websocket: %s" % closed)
        finally:
            conn.close()

    def websocket_session(self, conn, spec, server):
        key = base64.b64encode(os.urandom(16)).decode()
        headers = {"Upgrade": "websocket", "Connection": "Upgrade",
                   "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13"}
        if spec.get("protocols"):
            headers["Sec-WebSocket-Protocol"] = ", ".join(spec["protocols"])
        headers.update(spec.get("headers") or {})
        data, _ = self.build_request({"method": "GET", "path": spec["path"], "headers": headers},
                                     server.host, server.port)
        conn.send(data)
        handshake = spec.get("handshake") or {"status": 101}
        response = conn.read_response("GET") if handshake.get("status", 101) != 101 else None
        if response is None:
            response = Response()
            response.started = time.monotonic()
            # Read only the head: after a 101 the bytes that follow are frames.
            line = conn._line()
            match = re.match(rb"^HTTP/\d\.\d (\d{3})(?: (.*))?$", line)
            if not match:
                raise StepFailure("websocket: malformed status line", got=shorten(line))
            response.status = int(match.group(1))
            while True:
                line = conn._line()
                if not line:
                    break
                name, _, value = line.partition(b":")
                response.headers.append((name.decode("latin-1"), value.strip().decode("latin-1")))
            if response.status != 101:
                conn._read_body(response, "GET")
        self.check_response("websocket handshake", handshake, response)
        if response.status != 101:
            return
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        got_accept = ", ".join(response.header_values("sec-websocket-accept"))
        if got_accept != accept:
            raise StepFailure("websocket: wrong Sec-WebSocket-Accept", expected=accept,
                              got=got_accept or "(missing)")
        client = WebSocketClient(conn)
        for index, item in enumerate(spec.get("exchange") or []):
            where = "websocket exchange %d" % index
            if "send_text" in item:
                client.send_frame(0x1, text_value(item["send_text"]).encode("utf-8"))
            if "send_binary_base64" in item:
                client.send_frame(0x2, base64.b64decode(item["send_binary_base64"]))
            if "send_fragmented_text" in item:
                parts = [p.encode("utf-8") for p in item["send_fragmented_text"]]
                for i, part in enumerate(parts):
                    client.send_frame(0x1 if i == 0 else 0x0, part, fin=i == len(parts) - 1)
            if "ping" in item:
                client.send_frame(0x9, text_value(item["ping"]).encode("utf-8"))
            if "pause_ms" in item:
                time.sleep(item["pause_ms"] / 1000.0)  # a client that stops reading
            wants = [(k, item[k]) for k in ("expect_text", "expect_binary_base64", "expect_pong",
                                            "expect_close_code") if k in item]
            for key_name, value in wants:
                kind, payload = client.read_message()
                if key_name == "expect_text":
                    want = ("text", text_value(value).encode("utf-8"))
                elif key_name == "expect_binary_base64":
                    want = ("binary", base64.b64decode(value))
                elif key_name == "expect_pong":
                    want = ("pong", text_value(value).encode("utf-8"))
                else:
                    while item.get("skip_data") and kind in ("text", "binary"):
                        kind, payload = client.read_message()
                    code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
                    if kind != "close" or code != value:
                        raise StepFailure("%s: expected a close frame" % where,
                                          expected="close %s" % value,
                                          got="%s %s" % (kind, code if kind == "close"
                                                         else shorten(payload)))
                    return
                if (kind, payload) != want:
                    raise StepFailure("%s: unexpected message" % where,
                                      expected="%s %s" % (want[0], shorten(want[1])),
                                      got="%s %s" % (kind, shorten(payload)))
        close = spec.get("close")
        if close is None:
            return
        code = close.get("code", 1000)
        reason = close.get("reason", "").encode("utf-8")
        client.send_frame(0x8, code.to_bytes(2, "big") + reason)
        while True:
            kind, payload = client.read_message()
            if kind == "close":
                break
            # Data the server sent before it saw our close frame is fine.
        got_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
        want_code = close.get("expect_code", code)
        if got_code != want_code:
            raise StepFailure("websocket: the server's close frame", expected=want_code,
                              got=got_code)
        if not conn.closed_by_server(close.get("tcp_close_within_ms", 2000) / 1000.0):
            raise StepFailure("websocket: the server did not close the TCP connection after "
                              "the close handshake", expected="EOF", got="still open")

    # -- processes and files --------------------------------------------------------

    def step_run(self, spec, expect):
        expect = expect or {}
        args = [str(a) for a in spec.get("args", [])]
        cwd = self.path_in_case(spec.get("cwd", "."))
        timeout = spec.get("timeout_ms", DEFAULT_RUN_TIMEOUT_MS) / 1000.0
        stdin = spec.get("stdin")
        try:
            done = spawn(lambda: subprocess.run(
                [self.binary] + args, cwd=cwd, env=self.make_env(spec.get("env")),
                input=text_value(stdin).encode() if stdin is not None else b"",
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                timeout=timeout, preexec_fn=_die_with_runner))
        except subprocess.TimeoutExpired as expired:
            raise StepFailure("`sbfn %s` did not exit within %dms (killed)" % (
                " ".join(args), timeout * 1000),
                expected="exit %s" % expect.get("exit", 0),
                got="stdout: %s\nstderr: %s" % (shorten(expired.stdout or b""),
                                                shorten(expired.stderr or b"")))
        out = done.stdout.decode("utf-8", "replace")
        err = done.stderr.decode("utf-8", "replace")
        problems = []
        want_exit = expect.get("exit", 0)
        if want_exit == "nonzero":
            if done.returncode == 0 or done.returncode < 0:
                problems.append("exit: expected a non-zero exit status, got %s"
                                % describe_exit(done.returncode))
        elif done.returncode != want_exit:
            problems.append("exit: expected %s, got %s" % (want_exit,
                                                          describe_exit(done.returncode)))
        for stream, text in (("stdout", out), ("stderr", err)):
            if stream in expect:
                want = expect[stream]
                if not (isinstance(want, dict) and set(want) <= {"contains", "not_contains",
                                                                  "matches"}):
                    want = text_value(want, "expect." + stream)
                problem = match_string(want, text, stream)
                if problem:
                    problems.append(problem)
            for needle in as_list(expect.get(stream + "_contains")):
                if needle not in text:
                    problems.append("%s: expected it to contain %r" % (stream, needle))
            for needle in as_list(expect.get(stream + "_not_contains")):
                if needle in text:
                    problems.append("%s: expected it not to contain %r" % (stream, needle))
            for pattern in as_list(expect.get(stream + "_matches")):
                if not re.search(pattern, text, re.M):
                    problems.append("%s: expected it to match /%s/" % (stream, pattern))
        known = {"exit", "stdout", "stderr", "stdout_contains", "stderr_contains",
                 "stdout_not_contains", "stderr_not_contains", "stdout_matches", "stderr_matches"}
        unknown = set(expect) - known
        if unknown:
            raise CaseError("unknown run expectation(s) %s" % sorted(unknown))
        if problems:
            raise StepFailure("`sbfn %s` does not match" % " ".join(args),
                              expected=json.dumps(expect, sort_keys=True),
                              got="%s\nstdout: %s\nstderr: %s\nproblems:\n  - %s" % (
                                  describe_exit(done.returncode), shorten(out, 1500),
                                  shorten(err, 1500), "\n  - ".join(problems)))

    def step_write_file(self, spec):
        path = self.path_in_case(spec["path"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if "content_base64" in spec:
            data = base64.b64decode(spec["content_base64"])
        else:
            data = text_value(spec.get("content", ""), "write_file.content").encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)

    def step_remove_file(self, relative):
        path = self.path_in_case(relative)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.remove(path)

    def step_move_file(self, spec):
        # os.replace: an atomic rename over the target, the way editors save files.
        source = self.path_in_case(spec["from"])
        target = self.path_in_case(spec["to"])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.replace(source, target)

    def step_expect_file(self, spec):
        path = self.path_in_case(spec["path"])
        exists = os.path.lexists(path)
        if exists != spec.get("exists", True):
            raise StepFailure("file %s" % spec["path"],
                              expected="exists" if spec.get("exists", True) else "absent",
                              got="exists" if exists else "absent")
        if not exists or os.path.isdir(path):
            return
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        if "content" in spec and text != text_value(spec["content"]):
            raise StepFailure("file %s: content" % spec["path"],
                              expected=shorten(text_value(spec["content"])), got=shorten(text))
        for needle in as_list(spec.get("contains")):
            if needle not in text:
                raise StepFailure("file %s: content" % spec["path"],
                                  expected="contains %r" % needle, got=shorten(text))

    def step_sleep(self, milliseconds):
        time.sleep(float(milliseconds) / 1000.0)


# --------------------------------------------------------------------------- main


def run_case(binary, case_dir, verbose, keep):
    try:
        return Case(binary, case_dir, verbose, keep).run()
    except CaseError as error:
        print("FAIL %s: case error: %s" % ("/".join(os.path.abspath(case_dir).split("/")[-2:]), error),
              flush=True)
        return "failed"


def usage():
    sys.stderr.write("usage: run.py [-v] [--keep] <sbfn binary> <case dir>\n"
                     "       run.py [-v] [--keep] <sbfn binary> --all <specs dir>\n")
    return 2


def main(argv):
    verbose = keep = False
    positional = []
    run_all = False
    for arg in argv:
        if arg in ("-v", "--verbose"):
            verbose = True
        elif arg == "--keep":
            keep = True
        elif arg == "--all":
            run_all = True
        elif arg in ("-h", "--help"):
            usage()
            return 0
        elif arg.startswith("-"):
            return usage()
        else:
            positional.append(arg)
    if len(positional) != 2:
        return usage()
    binary, target = positional
    deadline = time.monotonic() + SPAWN_RETRY_S  # a concurrent build may be relinking it
    while not os.access(binary, os.X_OK) and time.monotonic() < deadline:
        time.sleep(0.5)
    if not os.access(binary, os.X_OK):
        sys.stderr.write("run.py: %s is not an executable\n" % binary)
        return 2
    if not run_all:
        if not os.path.isfile(os.path.join(target, "case.json")):
            sys.stderr.write("run.py: %s has no case.json\n" % target)
            return 2
        outcome = run_case(binary, target, verbose, keep)
        return {"passed": 0, "skipped": SKIP_EXIT}.get(outcome, 1)
    # Cases live one folder per command (serve/, test/, ...); a case folder may also sit
    # directly in <specs dir>.
    cases = sorted(os.path.relpath(root, target) for root, _, files in os.walk(target)
                   if "case.json" in files)
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for name in cases:
        counts[run_case(binary, os.path.join(target, name), verbose, keep)] += 1
    summary = "%d passed, %d failed" % (counts["passed"], counts["failed"])
    if counts["skipped"]:
        summary += ", %d skipped" % counts["skipped"]
    print(summary, flush=True)
    return 1 if counts["failed"] else 0


def _terminated(signum, _frame):
    raise SystemExit(128 + signum)  # unwinds through the cleanup of the running case


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminated)
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
