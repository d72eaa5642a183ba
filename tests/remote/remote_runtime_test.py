#!/usr/bin/env python3
"""A remote sbfn serve driven through its admin API: `sbfn deploy --to` while 50 connections
hammer the function (zero failed requests), `--list`, `--rollback`, a restart that keeps the
rolled-back version, a wrong token (401, nothing changed), a function that fails to boot
(refused, the old version stays), JWT settings kept across redeploys, secrets, delete.
Usage: remote_runtime_test.py <sbfn binary>."""

import base64
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

WAIT_S = 30.0  # the longest to wait for a server line or a version (a limit, not a check)
ANON = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJ"
        "leHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0")
TOKEN = "0123456789abcdef0123456789abcdef"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def function_source(version, extra=""):
    return ('Deno.serve(() => Response.json({ v: %d, greeting: Deno.env.get("GREETING") ?? null }));\n'
            % version) + extra


class Server:
    def __init__(self, binary, root, state, extra=()):
        self.lines = []
        self.proc = subprocess.Popen(
            [binary, "serve", "--port", "0", "--functions-dir", os.path.join(root, "served"),
             "--admin-token-file", os.path.join(root, "token"), "--state-dir", state, "--no-watch",
             *extra],
            cwd=root, env=dict(os.environ, NO_COLOR="1"), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        threading.Thread(target=self.pump, daemon=True).start()
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            for line in list(self.lines):
                m = re.search(r"Serving functions on http://127\.0\.0\.1:(\d+)/", line)
                if m:
                    self.port = int(m.group(1))
                    self.url = "http://127.0.0.1:%d" % self.port
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        raise AssertionError("the server did not start:\n" + "".join(self.lines))

    def pump(self):
        for line in iter(self.proc.stdout.readline, b""):
            self.lines.append(line.decode("utf-8", "replace"))

    def log(self):
        return "".join(self.lines)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=WAIT_S)


def request(port, path, headers=None, method="GET", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT_S)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def call_hello(port, auth=True):
    status, data = request(port, "/functions/v1/hello",
                           {"Authorization": "Bearer " + ANON} if auth else {})
    return status, json.loads(data) if status == 200 else data


def sbfn(binary, root, *args, env=None):
    proc = subprocess.run([binary, *args], cwd=root, capture_output=True, text=True,
                          env=dict(os.environ, NO_COLOR="1", **(env or {})), timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def expect(result, code, *needles):
    rc, out, err = result
    assert rc == code, "exit %d, expected %d\nstdout:\n%s\nstderr:\n%s" % (rc, code, out, err)
    for needle in needles:
        assert needle in out + err, "%r not in:\nstdout:\n%s\nstderr:\n%s" % (needle, out, err)
    return out


def wait_for_version(port, version):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        status, body = call_hello(port)
        if status == 200 and body["v"] == version:
            return
        time.sleep(0.01)
    raise AssertionError("v%d never served; last: %r %r" % (version, status, body))


class Hammer:
    """50 keep-alive connections asking for the function until stopped; every answer must
    be a 200."""

    def __init__(self, port, connections=50):
        self.port = port
        self.stop_flag = False
        self.failures = []
        self.versions = {}
        self.count = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(connections)]
        for t in self.threads:
            t.start()

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT_S)
        while not self.stop_flag:
            try:
                conn.request("GET", "/functions/v1/hello", headers={"Authorization": "Bearer " + ANON})
                response = conn.getresponse()
                data = response.read()
                with self.lock:
                    self.count += 1
                    if response.status != 200:
                        self.failures.append((response.status, data[:200]))
                    else:
                        v = json.loads(data)["v"]
                        self.versions[v] = self.versions.get(v, 0) + 1
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT_S)
            except Exception as error:  # a dropped connection is a failed request
                with self.lock:
                    self.failures.append(("exception", repr(error)))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT_S)
        conn.close()

    def finish(self):
        self.stop_flag = True
        for t in self.threads:
            t.join(WAIT_S)


class WebSocket:
    """A minimal RFC 6455 client: a text frame out (masked), one frame in."""

    def __init__(self, port, path):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" % (path, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.exact(1)
        assert head.startswith(b"HTTP/1.1 101"), head

    def exact(self, count):
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise EOFError("the server closed the connection")
            data += chunk
        return data

    def send(self, text):
        data, mask = text.encode(), os.urandom(4)
        self.sock.sendall(bytes([0x81, 0x80 | len(data)]) + mask +
                          bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def receive(self):
        """(opcode, text) of the next frame; a close frame gives its code and reason."""
        head = self.exact(2)
        length = head[1] & 0x7F
        if length == 126:
            length = int.from_bytes(self.exact(2), "big")
        payload = self.exact(length)
        if head[0] & 0x0F == 8:
            return 8, "%d %s" % (int.from_bytes(payload[:2], "big"), payload[2:].decode())
        return head[0] & 0x0F, payload.decode()


def websocket_stays_open(binary, root, project, token):
    """A deploy does not cut the WebSockets the old version accepted: they stay on it until
    they close, while new ones reach the new version."""
    echo = os.path.join(project, "functions", "echo", "index.ts")
    source = ('Deno.serve((req) => { const { socket, response } = Deno.upgradeWebSocket(req);'
              ' socket.onmessage = (e) => socket.send("%s:" + e.data); return response; });\n')
    write(echo, source % "v1")
    server = Server(binary, root, os.path.join(root, "ws-state"))
    try:
        deploy = ("deploy", "echo", "--to", server.url, *token, "--no-verify-jwt")
        expect(sbfn(binary, project, *deploy), 0, "Deployed echo v1")
        old = WebSocket(server.port, "/functions/v1/echo")
        old.send("a")
        assert old.receive() == (1, "v1:a")
        write(echo, source % "v2")
        expect(sbfn(binary, project, *deploy), 0, "Deployed echo v2")
        new = WebSocket(server.port, "/functions/v1/echo")
        new.send("c")
        assert new.receive() == (1, "v2:c")
        old.send("b")
        assert old.receive() == (1, "v1:b"), "the deploy cut the old version's WebSocket"
    finally:
        server.stop()
    os.remove(echo)


def full_disk(binary, root, project, token):
    """A state folder on a full file system: the deploy is refused with 507, the remote
    keeps serving what it had, and its state is intact."""
    state = os.path.join(root, "small-state")
    os.makedirs(state)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", state],
                             capture_output=True, text=True)
    assert mounted.returncode == 0, (
        "this test mounts a 2 MiB tmpfs as the state folder and must run as root: %s" %
        mounted.stderr)
    try:
        hello = os.path.join(project, "functions", "hello", "index.ts")
        write(hello, function_source(7))
        server = Server(binary, root, state)
        try:
            expect(sbfn(binary, project, "deploy", "hello", "--to", server.url, *token), 0,
                   "Deployed hello v1")
            with open(os.path.join(state, "filler"), "wb") as filler:
                try:
                    while True:
                        filler.write(b"\0" * 65536)
                        filler.flush()
                except OSError:
                    pass
            write(hello, function_source(8))
            expect(sbfn(binary, project, "deploy", "hello", "--to", server.url, *token), 1,
                   "the remote's disk is full (507)", "No space left on device",
                   "nothing was changed")
            assert call_hello(server.port)[1]["v"] == 7
            listed = json.loads(expect(sbfn(binary, project, "deploy", "--to", server.url, *token,
                                            "--list", "--output", "json"), 0))
            assert [v["version"] for v in listed[0]["versions"]] == [1], listed
            assert not [f for f in os.listdir(os.path.join(state, "functions", "hello"))
                        if f != "1.sbfn"], "a half-written version was left behind"
        finally:
            server.stop()
    finally:
        subprocess.run(["umount", state], check=True)


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="sbfn-remote-") as root:
        os.environ["SBFN_CACHE_DIR"] = os.path.join(root, ".cache")
        os.environ["HOME"] = root
        os.makedirs(os.path.join(root, "served"))
        write(os.path.join(root, "token"), TOKEN + "\n")
        write(os.path.join(root, "wrong-token"), "not-the-token-at-all-0000000000\n")
        project = os.path.join(root, "project")
        hello = os.path.join(project, "functions", "hello", "index.ts")
        write(hello, function_source(1))
        state = os.path.join(root, "state")
        token = ["--token-file", os.path.join(root, "token")]

        # The admin API is refused over plain HTTP off loopback, and wants a real token.
        expect(sbfn(binary, root, "serve", "--host", "0.0.0.0", "--port", "0", "--admin-token-file",
                    os.path.join(root, "token"), "--state-dir", state), 1,
               "refusing to serve the admin API over plain HTTP on 0.0.0.0")
        write(os.path.join(root, "short-token"), "short\n")
        expect(sbfn(binary, root, "serve", "--port", "0", "--admin-token-file",
                    os.path.join(root, "short-token")), 1, "at least 16 characters")

        server = Server(binary, root, state)
        try:
            # Client-side refusals, before anything is sent.
            expect(sbfn(binary, project, "deploy", "hello", "--to", server.url), 1,
                   "no admin token: give --token-file FILE")
            expect(sbfn(binary, project, "deploy", "hello", "--to", "http://fns.example.com", *token),
                   1, "refusing to send the admin token over plain HTTP to fns.example.com")

            # v1, then served.
            started = time.monotonic()
            out = expect(sbfn(binary, project, "deploy", "hello", "--to", server.url, *token), 0,
                         "Deployed hello v1 (sha256:")
            wait_for_version(server.port, 1)
            print("deploy --to -> first request served by v1: %.0f ms" %
                  ((time.monotonic() - started) * 1000))

            # v2 while 50 connections hammer the function: not one request fails.
            write(hello, function_source(2))
            hammer = Hammer(server.port)
            time.sleep(0.5)
            started = time.monotonic()
            expect(sbfn(binary, project, "deploy", "hello", "--to", server.url, *token), 0,
                   "Deployed hello v2")
            wait_for_version(server.port, 2)
            swap_ms = (time.monotonic() - started) * 1000
            time.sleep(0.5)
            hammer.finish()
            assert not hammer.failures, "failed requests during the deploy: %r" % hammer.failures[:5]
            assert hammer.versions.get(1) and hammer.versions.get(2), hammer.versions
            print("deploy v2 under load: %d requests, 0 failed, served by v1 %d / v2 %d; "
                  "deploy --to -> v2 served: %.0f ms" %
                  (hammer.count, hammer.versions[1], hammer.versions[2], swap_ms))

            out = expect(sbfn(binary, project, "deploy", "--to", server.url, *token, "--list"), 0)
            assert re.search(r"^hello\s+2\s+deployed\s+\S+ \S+\s+on\s+sha256:", out, re.M), out
            listed = json.loads(expect(sbfn(binary, project, "deploy", "--to", server.url, *token,
                                            "--list", "--output", "json"), 0))
            assert [v["version"] for v in listed[0]["versions"]] == [1, 2], listed

            # Admin uploads may be larger than a function's requests (20 MiB by default), and
            # the functions keep their limit.
            big = b"x" * (25 << 20)
            status, body = request(server.port, "/_admin/v1/functions/hello",
                                   {"Authorization": "Bearer " + TOKEN}, "PUT", big)
            assert status == 400 and b"not an sbfn artifact" in body, (status, body[:200])
            with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT_S) as raw:
                raw.sendall(b"POST /functions/v1/hello HTTP/1.1\r\nHost: x\r\n"
                            b"Content-Length: %d\r\n\r\n" % len(big))
                assert raw.recv(100).startswith(b"HTTP/1.1 413 "), "no 413 for a function"
            status, body = request(server.port, "/_admin/v1/nothing",
                                   {"Authorization": "Bearer " + TOKEN})
            assert status == 404 and json.loads(body)["error"].startswith("no such admin resource")

            # The same artifact again is no new version (and so a retried upload is harmless).
            expect(sbfn(binary, project, "deploy", "hello", "--to", server.url, *token), 0,
                   "No change found in Function: hello (v2 is what the remote serves)")

            # A wrong token: 401 from the API, the CLI says what to check, nothing changes.
            status, body = request(server.port, "/_admin/v1/functions",
                                   {"Authorization": "Bearer wrong-token-wrong-token"})
            assert status == 401 and json.loads(body) == {"error": "wrong admin token"}, (status, body)
            status, body = request(server.port, "/_admin/v1/functions")
            assert status == 401, (status, body)
            write(hello, function_source(3))
            expect(sbfn(binary, project, "deploy", "hello", "--to", server.url, "--token-file",
                        os.path.join(root, "wrong-token")), 1,
                   "refused the admin token (401: wrong admin token)")
            assert call_hello(server.port)[1]["v"] == 2

            # A version that fails to boot is refused with its error; v2 keeps serving.
            write(hello, 'throw new Error("broken at the top level");\n')
            expect(sbfn(binary, project, "deploy", "hello", "--to", server.url, *token), 1,
                   "hello was not deployed", "failed to boot", "broken at the top level")
            assert call_hello(server.port)[1]["v"] == 2

            # Roll back to v1.
            expect(sbfn(binary, project, "deploy", "--to", server.url, *token, "--rollback", "hello"),
                   0, "Rolled hello back to v1")
            assert call_hello(server.port)[1]["v"] == 1
            expect(sbfn(binary, project, "deploy", "--to", server.url, *token, "--rollback", "hello"),
                   1, "has no earlier version to roll back to")
        finally:
            server.stop()

        # A restart serves what was deployed: the rolled-back v1.
        server = Server(binary, root, state)
        try:
            assert call_hello(server.port)[1]["v"] == 1
            assert oct(os.stat(state).st_mode & 0o777) == "0o700"
            assert oct(os.stat(os.path.join(state, "deployments.json")).st_mode & 0o777) == "0o600"

            # --no-verify-jwt, then a redeploy without it keeps JWT verification off.
            write(hello, function_source(4))
            expect(sbfn(binary, project, "deploy", "hello", "--to", server.url, *token,
                        "--no-verify-jwt"), 0, "JWT not verified")
            assert call_hello(server.port, auth=False)[0] == 200
            write(hello, function_source(5))
            expect(sbfn(binary, project, "deploy", "hello", "--to", server.url, *token), 0,
                   "Deployed hello v4", "JWT not verified")
            assert call_hello(server.port, auth=False) == (200, {"v": 5, "greeting": None})
            # ... unless config.toml says otherwise.
            write(os.path.join(project, "supabase", "config.toml"),
                  '[functions.hello]\nverify_jwt = true\nentrypoint = "../functions/hello/index.ts"\n')
            expect(sbfn(binary, project, "deploy", "hello", "--to", server.url, *token,
                        "--functions-dir", "functions"), 0, "JWT verified")
            assert call_hello(server.port, auth=False)[0] == 401
            os.remove(os.path.join(project, "supabase", "config.toml"))

            # Secrets: set (SUPABASE_ names skipped), given to the function, listed as digests.
            write(os.path.join(project, "secrets.env"), "GREETING=hello from a file\n")
            expect(sbfn(binary, project, "secrets", "set", "GREETING=hi", "SUPABASE_URL=x",
                        "--to", server.url, *token), 0,
                   "Env name cannot start with SUPABASE_, skipping: SUPABASE_URL",
                   "Finished sbfn secrets set.")
            assert call_hello(server.port)[1]["greeting"] == "hi"
            out = expect(sbfn(binary, project, "secrets", "list", "--to", server.url, *token), 0)
            assert re.search(r"^GREETING\s+%s$" % hashlib.sha256(b"hi").hexdigest(), out, re.M), out
            assert "hi" not in out.replace("GREETING", "")
            expect(sbfn(binary, project, "secrets", "set", "--env-file", "secrets.env", "--to",
                        server.url, *token), 0)
            assert call_hello(server.port)[1]["greeting"] == "hello from a file"
            expect(sbfn(binary, project, "secrets", "set", "NOEQUALS", "--to", server.url, *token),
                   1, "Invalid secret pair: NOEQUALS. Must be NAME=VALUE.")
            expect(sbfn(binary, project, "secrets", "set", "SUPABASE_X=1", "--to", server.url,
                        *token), 1, "No arguments found. Use --env-file to read from a .env file.")
            expect(sbfn(binary, project, "secrets", "unset", "GREETING", "--to", server.url, *token),
                   0, "Finished sbfn secrets unset.")
            assert call_hello(server.port)[1]["greeting"] is None
            secrets = os.path.join(state, "secrets.json")
            assert oct(os.stat(secrets).st_mode & 0o777) == "0o600"

            # Delete: 404 from then on, and forgotten by the remote.
            expect(sbfn(binary, project, "deploy", "--to", server.url, *token, "--delete", "hello"),
                   0, "Deleted Function hello from " + server.url)
            assert call_hello(server.port)[0] == 404
            expect(sbfn(binary, project, "deploy", "--to", server.url, *token, "--delete", "hello"),
                   1, 'no deployed function \\"hello\\"'.replace('\\"', '"'))
            assert not os.path.exists(os.path.join(state, "functions", "hello"))
        finally:
            server.stop()
        websocket_stays_open(binary, root, project, token)
        full_disk(binary, root, project, token)
        # A server without the admin API answers its paths with 404, and the CLI says why.
        plain = subprocess.Popen([binary, "serve", "--port", "0", "--functions-dir",
                                  os.path.join(root, "served")], cwd=root, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, env=dict(os.environ, NO_COLOR="1"))
        try:
            port = None
            for line in iter(plain.stdout.readline, b""):
                m = re.search(rb"127\.0\.0\.1:(\d+)/", line)
                if m:
                    port = int(m.group(1))
                    break
            expect(sbfn(binary, project, "deploy", "--to", "http://127.0.0.1:%d" % port, *token,
                        "--list"), 1, "has no admin API (404)")
        finally:
            plain.terminate()
            plain.wait(timeout=WAIT_S)
    print("remote runtime: ok")


if __name__ == "__main__":
    main()
