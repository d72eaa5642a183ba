#!/usr/bin/env python3
"""Faults while sbfn works (issue #15): the transpile cache and the module cache damaged or
deleted while serving, a full disk under the cache and under a remote runtime's state, a
registry that resets connections half-way, SIGKILL of a remote runtime in the middle of a
deploy, SIGTERM during a deploy upload. Each fault checks what the user sees (message,
exit code), that nothing is left half-written, and that the next run recovers by itself.

Usage: faults_test.py <sbfn binary> [fault ...]   (root: the full-disk faults mount a tmpfs)
"""

import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "specs"))
sys.path.insert(0, os.path.join(HERE, "..", "remote"))

from spec.registry import Registry  # noqa: E402
from spec.server import Server, scrubbed_env  # noqa: E402
from remote_runtime_test import ANON, TOKEN, WAIT_S  # noqa: E402

PLAIN = 'const greeting: string = "plain-%s";\nDeno.serve(() => Response.json({ greeting }));\n'
WITH_MODULES = ('import { word } from "npm:faultpkg@1";\n'
                'import { remote } from "%s/remote/mod.ts";\n'
                'Deno.serve(() => Response.json({ word, remote }));\n')
MODULES_OK = {"word": "npm-ok", "remote": "remote-ok"}


# -- the world a fault happens in ----------------------------------------------------------

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def half_written(folder):
    """Files under `folder` that a write left behind: sbfn's temporary names."""
    found = []
    for base, _, files in os.walk(folder):
        found += [os.path.join(base, f) for f in files if ".tmp." in f]
    return found


class Fixture:
    """A project with two functions (`plain`: TypeScript only; `modules`: an npm package and
    a remote module from a fixture registry), its own cache folder and environment."""

    def __init__(self, binary, root):
        self.binary = binary
        self.root = root
        registry = os.path.join(root, "registry")
        write(os.path.join(registry, "npm", "faultpkg", "1.0.0", "package.json"),
              '{"name": "faultpkg", "version": "1.0.0", "main": "index.js"}\n')
        write(os.path.join(registry, "npm", "faultpkg", "1.0.0", "index.js"),
              'exports.word = "npm-ok";\n')
        write(os.path.join(registry, "remote", "mod.ts"),
              'export const remote: string = "remote-ok";\n')
        self.registry = Registry(registry)
        self.registry.bind()
        self.registry.build()
        self.registry.serve()
        self.project = os.path.join(root, "project")
        self.functions = os.path.join(self.project, "supabase", "functions")
        write(os.path.join(self.functions, "plain", "index.ts"), PLAIN % "v1")
        write(os.path.join(self.functions, "modules", "index.ts"),
              WITH_MODULES % self.registry.base)
        self.cache = os.path.join(root, "cache")
        self.env = scrubbed_env(root, self.registry.env(), {"SBFN_CACHE_DIR": self.cache})

    def cache_record(self, area, key):
        """A keyed record of the download cache (bundler/cache.cpp's safe_name for short
        keys), or None."""
        name = "".join(c if c.isalnum() or c in ".-_@+" else "%%%02x" % ord(c) for c in key)
        path = os.path.join(self.cache, area, name)
        return open(path, "rb").read() if os.path.exists(path) else None

    def serve(self, *args):
        server = Server(self.binary, list(args), self.project, self.env)
        server.wait_for_banner()
        return server

    def stop(self, server):
        code, killed = server.stop()
        assert code == 0 and not killed, "serve did not stop cleanly (%s):\n%s" % (
            code, server.output.tail())

    def run(self, *args, cwd=None, env=None):
        proc = subprocess.run([self.binary, *args], cwd=cwd or self.project, capture_output=True,
                              text=True, env=dict(self.env, **(env or {})), timeout=120)
        return proc.returncode, proc.stdout + proc.stderr


def get(port, function):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT_S)
    conn.request("GET", "/functions/v1/" + function, headers={"Authorization": "Bearer " + ANON})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, json.loads(body) if response.status == 200 else body


def expect_served(server, function, expected):
    status, body = get(server.port, function)
    assert (status, body) == (200, expected), "%s answered %s %r, expected %r\n%s" % (
        function, status, body, expected, server.output.tail())


def wait_until_served(server, function, expected):
    deadline = time.monotonic() + WAIT_S  # a limit on the wait, not a check
    while time.monotonic() < deadline:
        if get(server.port, function) == (200, expected):
            return
        time.sleep(0.05)
    expect_served(server, function, expected)


class Tmpfs:
    """A small tmpfs on `path` (root only); the fault fails, never passes, without it."""

    def __init__(self, path, size):
        os.makedirs(path, exist_ok=True)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", path],
                                 capture_output=True, text=True)
        assert mounted.returncode == 0, (
            "this fault mounts a %s tmpfs on %s and must run as root: %s"
            % (size, path, mounted.stderr.strip()))
        self.path = path

    def fill(self):
        """Writes zeros until the file system is full."""
        with open(os.path.join(self.path, "filler"), "wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 65536)
                    filler.flush()
            except OSError:
                pass

    def free(self):
        os.remove(os.path.join(self.path, "filler"))

    def unmount(self):
        subprocess.run(["umount", self.path], check=True)


# -- the faults ----------------------------------------------------------------------------

def transpile_cache_damaged(fx):
    """Transpiled code and the import lists cut in half while serving: the running worker
    is not affected, and the next run transpiles again instead of serving broken code."""
    server = fx.serve("--no-watch")
    try:
        expect_served(server, "plain", {"greeting": "plain-v1"})
        damaged = 0
        for area in ("transpiled", "imports"):
            for base, _, files in os.walk(os.path.join(fx.cache, area)):
                for name in files:
                    path = os.path.join(base, name)
                    with open(path, "rb") as f:
                        data = f.read()
                    with open(path, "wb") as f:
                        f.write(data[: len(data) // 2])
                    damaged += 1
        assert damaged >= 3, "the first run cached nothing to damage (%d files)" % damaged
        expect_served(server, "plain", {"greeting": "plain-v1"})
    finally:
        fx.stop(server)
    server = fx.serve("--no-watch")
    try:
        expect_served(server, "plain", {"greeting": "plain-v1"})
    finally:
        fx.stop(server)  # and every line of its output read
    assert "boot error" not in server.output.text(), server.output.tail()


def transpile_cache_deleted(fx):
    """The transpile cache removed while serving, then the function changed: the hot reload
    transpiles into a cache folder made again."""
    server = fx.serve()
    try:
        expect_served(server, "plain", {"greeting": "plain-v1"})
        shutil.rmtree(os.path.join(fx.cache, "transpiled"))
        shutil.rmtree(os.path.join(fx.cache, "imports"))
        write(os.path.join(fx.functions, "plain", "index.ts"), PLAIN % "v2")
        wait_until_served(server, "plain", {"greeting": "plain-v2"})
        assert os.listdir(os.path.join(fx.cache, "transpiled")), "nothing cached again"
    finally:
        fx.stop(server)
        write(os.path.join(fx.functions, "plain", "index.ts"), PLAIN % "v1")


def module_cache_deleted(fx):
    """The downloaded modules removed while serving: the worker keeps serving, and the next
    run downloads them again."""
    server = fx.serve("--no-watch")
    try:
        expect_served(server, "modules", MODULES_OK)
        for area in ("npm", "npm-packuments", "remote", "blobs"):
            shutil.rmtree(os.path.join(fx.cache, area))
        expect_served(server, "modules", MODULES_OK)
    finally:
        fx.stop(server)
    before = len(fx.registry.requests)
    server = fx.serve("--no-watch")
    try:
        expect_served(server, "modules", MODULES_OK)
        asked = fx.registry.requests[before:]
        assert any(r.endswith(".tgz") for r in asked) and any("/remote/" in r for r in asked), \
            "not downloaded again: %r" % asked
    finally:
        fx.stop(server)


def module_cache_damaged(fx):
    """A file of a cached npm package cut short and another deleted while serving: the next
    run notices (each package's file list is kept beside it) and downloads it again."""
    server = fx.serve("--no-watch")
    try:
        expect_served(server, "modules", MODULES_OK)
        npm = os.path.join(fx.cache, "npm")
        package = [os.path.join(npm, d) for d in os.listdir(npm) if "faultpkg" in d and
                   os.path.isdir(os.path.join(npm, d))]
        assert len(package) == 1, os.listdir(npm)
        with open(os.path.join(package[0], "index.js"), "r+b") as f:
            f.truncate(5)
        expect_served(server, "modules", MODULES_OK)
    finally:
        fx.stop(server)
    for damage in ("cut", "deleted"):
        if damage == "deleted":
            os.remove(os.path.join(package[0], "package.json"))
        before = len(fx.registry.requests)
        server = fx.serve("--no-watch")
        try:
            expect_served(server, "modules", MODULES_OK)
            assert any(r.endswith(".tgz") for r in fx.registry.requests[before:]), \
                "the damaged package (%s) was not downloaded again" % damage
        finally:
            fx.stop(server)


def cache_disk_full(fx):
    """The cache on a full file system: a function with nothing to download is served (the
    transpile cache only costs speed), one with downloads fails to boot saying the disk is
    full; nothing half-written stays in the cache, and with space again the next run works."""
    cache = Tmpfs(os.path.join(fx.root, "small-cache"), "1m")
    try:
        env = fx.env
        fx.env = dict(env, SBFN_CACHE_DIR=cache.path)
        cache.fill()
        server = fx.serve("--no-watch")
        try:
            expect_served(server, "plain", {"greeting": "plain-v1"})
            status, body = get(server.port, "modules")
            assert status == 503, (status, body)
        finally:
            fx.stop(server)  # and every line of its output read
        log = server.output.text()
        assert "No space left on device" in log, "the log does not say why:\n" + log
        assert not half_written(cache.path), half_written(cache.path)
        cache.free()
        server = fx.serve("--no-watch")
        try:
            expect_served(server, "modules", MODULES_OK)
        finally:
            fx.stop(server)
        fx.env = env
    finally:
        cache.unmount()


def registry_resets(fx):
    """A registry that resets the connection half-way through a tarball and a remote module:
    `sbfn bundle` fails naming the URL, nothing half-downloaded is cached, and once the
    registry is well again the same command works."""
    shutil.rmtree(fx.cache, ignore_errors=True)
    out_dir = os.path.join(fx.root, "bundled")
    out_file = os.path.join(out_dir, "modules.sbfn")
    for path in ("/npm/faultpkg/-/faultpkg-1.0.0.tgz", "/remote/mod.ts"):
        fx.registry.options["reset"] = [path]
        code, out = fx.run("bundle", "modules", "--output", out_dir)
        assert code == 1, "exit %d:\n%s" % (code, out)
        assert fx.registry.base + path in out and "Connection reset by peer" in out, \
            "the message does not name %s and the reset:\n%s" % (path, out)
        assert not os.path.exists(out_file), "an artifact was written from half a download"
        assert not half_written(fx.cache), half_written(fx.cache)
        if path.endswith(".tgz"):
            npm = os.path.join(fx.cache, "npm")
            cached = os.listdir(npm) if os.path.isdir(npm) else []
            assert not [n for n in cached if "faultpkg" in n], "half a package was cached"
        else:
            assert fx.cache_record("remote", fx.registry.base + path) is None, \
                "half a module was cached"
    fx.registry.options["reset"] = []
    code, out = fx.run("bundle", "modules", "--output", out_dir)
    assert code == 0 and os.path.exists(out_file), "exit %d:\n%s" % (code, out)
    assert fx.cache_record("remote", fx.registry.base + "/remote/mod.ts") is not None


# -- a remote runtime (serve --admin-token-file) ----------------------------------------------

class Gate:
    """An HTTP server whose one answer waits until open() is called: a function that fetches
    it at its top level stays booting, so a fault can strike in the middle of a deploy."""

    def __init__(self):
        self.opened = threading.Event()
        self.asked = threading.Event()
        gate = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - the http.server name
                gate.asked.set()
                gate.opened.wait(WAIT_S * 4)
                try:
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the runtime that asked was killed

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d/" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_asked(self):
        assert self.asked.wait(WAIT_S), "the deployed function never reached the gate"

    def open(self):
        self.opened.set()

    def close(self):
        self.opened.set()
        self.server.shutdown()
        self.server.server_close()


class Remote:
    """A remote runtime with its state in `state`, and the deploy client's arguments."""

    def __init__(self, fx, state):
        self.fx = fx
        self.state = state
        self.token_file = os.path.join(fx.root, "token")
        write(self.token_file, TOKEN + "\n")
        self.server = None

    def start(self):
        served = os.path.join(self.fx.root, "served")
        os.makedirs(served, exist_ok=True)
        self.server = self.fx.serve("--functions-dir", served, "--admin-token-file",
                                    self.token_file, "--state-dir", self.state, "--no-watch")
        self.url = "http://127.0.0.1:%d" % self.server.port
        return self.server

    def deploy_command(self, function):
        return [self.fx.binary, "deploy", function, "--to", self.url, "--token-file",
                self.token_file]

    def deploy(self, function):
        return self.fx.run(*self.deploy_command(function)[1:])

    def deploy_async(self, function):
        return subprocess.Popen(self.deploy_command(function), cwd=self.fx.project,
                                env=self.fx.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)

    def versions(self, function):
        code, out = self.fx.run("deploy", "--to", self.url, "--token-file", self.token_file,
                                "--list", "--output", "json")
        assert code == 0, out
        listed = {f["slug"]: [v["version"] for v in f["versions"]] for f in json.loads(out)}
        return listed.get(function, [])

    def files(self):
        out = []
        for base, _, files in os.walk(self.state):
            out += [os.path.relpath(os.path.join(base, f), self.state) for f in files]
        return sorted(out)


def gated_source(gate, version):
    return ('await fetch("%s").then((r) => r.text());\n' % gate.url) + PLAIN % version


def remote_killed_mid_deploy(fx):
    """SIGKILL of the remote runtime while a deploy boots (its artifact stored, not yet
    committed): the client says the deploy's outcome is unknown, the restarted runtime
    serves the old version, removes the unfinished one and says so, and the next deploy
    works."""
    remote = Remote(fx, os.path.join(fx.root, "state-kill"))
    gate = Gate()
    source = os.path.join(fx.functions, "plain", "index.ts")
    try:
        remote.start()
        code, out = remote.deploy("plain")
        assert code == 0 and "Deployed plain v1" in out, out
        write(source, gated_source(gate, "v2"))
        client = remote.deploy_async("plain")
        gate.wait_asked()
        remote.server.proc.send_signal(signal.SIGKILL)
        remote.server.wait_exit(WAIT_S)
        out = client.communicate(timeout=WAIT_S)[0]
        assert client.returncode == 1, "exit %d:\n%s" % (client.returncode, out)
        assert "plain was not deployed" not in out, "a claim the client cannot know:\n" + out
        assert "closed the connection" in out and "--list" in out, \
            "the client does not say what happened:\n" + out
        gate.open()
        server = remote.start()
        try:
            expect_served(server, "plain", {"greeting": "plain-v1"})
            assert remote.files() == ["deployments.json", "functions/plain/1.sbfn"], remote.files()
            assert remote.versions("plain") == [1]
            write(source, PLAIN % "v3")
            code, out = remote.deploy("plain")
            assert code == 0 and "Deployed plain v2" in out, out
            expect_served(server, "plain", {"greeting": "plain-v3"})
        finally:
            fx.stop(server)  # and every line of its output read
        assert "a deploy of plain that an earlier run never finished" in \
            server.output.text(), server.output.tail()
    finally:
        gate.close()
        write(source, PLAIN % "v1")


def remote_disk_full_at_commit(fx):
    """The remote's disk fills while a deploy boots (its artifact stored): the state cannot
    be saved, the client sees 507 and "nothing was changed", --list shows only the old
    version, no file of the new one is left, and once there is space the deploy works."""
    state = Tmpfs(os.path.join(fx.root, "state-full"), "2m")
    remote = Remote(fx, state.path)
    gate = Gate()
    source = os.path.join(fx.functions, "plain", "index.ts")
    try:
        server = remote.start()
        try:
            code, out = remote.deploy("plain")
            assert code == 0 and "Deployed plain v1" in out, out
            write(source, gated_source(gate, "v2"))
            client = remote.deploy_async("plain")
            gate.wait_asked()
            state.fill()
            gate.open()
            out = client.communicate(timeout=WAIT_S)[0]
            assert client.returncode == 1, "exit %d:\n%s" % (client.returncode, out)
            assert "(507)" in out and "nothing was changed" in out, out
            assert remote.versions("plain") == [1]
            expect_served(server, "plain", {"greeting": "plain-v1"})
            assert [f for f in remote.files() if f != "filler"] == [
                "deployments.json", "functions/plain/1.sbfn"], remote.files()
            state.free()
            write(source, PLAIN % "v3")
            code, out = remote.deploy("plain")
            assert code == 0 and "Deployed plain v2" in out, out
            expect_served(server, "plain", {"greeting": "plain-v3"})
        finally:
            fx.stop(server)
    finally:
        gate.close()
        state.unmount()
        write(source, PLAIN % "v1")


def upload_cut(fx):
    """SIGTERM of `sbfn deploy` in the middle of its upload, as the remote sees it: half an
    artifact, then the connection closes. Nothing is stored, the old version is served, and
    the next deploy works. Then SIGTERM of the remote runtime during an upload: it stops
    (exit 0) without storing the half, and serves the old version after a restart."""
    remote = Remote(fx, os.path.join(fx.root, "state-cut"))
    source = os.path.join(fx.functions, "plain", "index.ts")
    artifact = os.path.join(fx.root, "bundled", "plain.sbfn")
    code, out = fx.run("bundle", "plain", "--output", os.path.dirname(artifact))
    assert code == 0, out
    with open(artifact, "rb") as f:
        body = f.read()
    head = ("PUT /_admin/v1/functions/plain HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n"
            % (TOKEN, len(body))).encode()
    server = remote.start()
    try:
        write(source, PLAIN % "v2")
        code, out = remote.deploy("plain")
        assert code == 0 and "Deployed plain v1" in out, out
        with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT_S) as raw:
            raw.sendall(head + body[: len(body) // 2])
        code, out = remote.deploy("plain")  # the same artifact: a whole upload
        assert code == 0 and "No change found" in out, out
        assert remote.versions("plain") == [1]
        assert remote.files() == ["deployments.json", "functions/plain/1.sbfn"], remote.files()
        expect_served(server, "plain", {"greeting": "plain-v2"})

        raw = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT_S)
        raw.sendall(head + body[: len(body) // 2])
        server.send_signal(signal.SIGTERM)
        code = server.wait_exit(WAIT_S)
        raw.close()
        assert code == 0, "exit %s on SIGTERM during an upload:\n%s" % (code,
                                                                       server.output.tail())
        assert remote.files() == ["deployments.json", "functions/plain/1.sbfn"], remote.files()
    finally:
        if server.running():
            fx.stop(server)
        write(source, PLAIN % "v1")
    server = remote.start()
    try:
        expect_served(server, "plain", {"greeting": "plain-v2"})
    finally:
        fx.stop(server)


FAULTS = [transpile_cache_damaged, transpile_cache_deleted, module_cache_damaged,
          module_cache_deleted,
          cache_disk_full, registry_resets, remote_killed_mid_deploy, remote_disk_full_at_commit,
          upload_cut]


def main():
    binary = os.path.abspath(sys.argv[1])
    chosen = sys.argv[2:]
    unknown = set(chosen) - {f.__name__ for f in FAULTS}
    if unknown:
        print("unknown fault(s): %s" % ", ".join(sorted(unknown)), file=sys.stderr)
        sys.exit(2)
    failed = []
    with tempfile.TemporaryDirectory(prefix="sbfn-faults-") as root:
        fx = Fixture(binary, root)
        for fault in FAULTS:
            if chosen and fault.__name__ not in chosen:
                continue
            shutil.rmtree(fx.cache, ignore_errors=True)  # each fault starts from an empty cache
            started = time.monotonic()
            try:
                fault(fx)
                print("PASS %s (%.1fs)" % (fault.__name__, time.monotonic() - started), flush=True)
            except AssertionError as error:
                failed.append(fault.__name__)
                print("FAIL %s: %s" % (fault.__name__, error), flush=True)
        fx.registry.stop()
    print("%d faults, %d failed" % (len(FAULTS) if not chosen else len(chosen), len(failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
