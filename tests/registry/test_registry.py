#!/usr/bin/env python3
"""deploy::registry against Debian's real docker-registry, read back with Debian's skopeo.

Usage: test_registry.py PUSH_DRIVER CASE. Each case starts the servers it needs on
127.0.0.1 (docker-registry with a config written here; for `resume` a small HTTP forwarder
that cuts one PATCH; for `token_auth` a token server signing RS256 JWTs with a key made by
openssl), pushes a layout written here through tests/registry/push_driver.cpp, and checks
every digest with skopeo, an independent client. Everything is stopped at the end.
"""

import base64
import gzip
import hashlib
import http.client
import http.server
import io
import json
import os
import pty
import random
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
from urllib.parse import parse_qs, urlparse

DRIVER = sys.argv[1]
CHUNK = 1 << 20  # the chunk size the driver is given: the 3 MiB layer goes up in 4 PATCHes
USER, PASSWORD = "alice", "s3cret-pass"
REFRESH_TOKEN = "sbfn-refresh-token"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


class Registry:
    """docker-registry serve with a config of our own; `auth` is None, "htpasswd" or a dict."""

    def __init__(self, scratch, auth=None, tls=None):
        self.dir = os.path.join(scratch, "registry-%d" % free_port())
        os.makedirs(self.dir)
        self.port = free_port()
        self.host = "127.0.0.1:%d" % self.port
        lines = [
            "version: 0.1",
            "log: {level: info}",
            "storage: {filesystem: {rootdirectory: %s/data}, delete: {enabled: true}}" % self.dir,
            'http: {addr: "%s", secret: sbfn-test-secret%s}' % (
                self.host, ", tls: {certificate: %s, key: %s}" % tls if tls else ""),
        ]
        if auth == "htpasswd":
            line = subprocess.run(["htpasswd", "-Bbn", USER, PASSWORD], check=True,
                                  capture_output=True, text=True).stdout.strip()
            with open(os.path.join(self.dir, "htpasswd"), "w") as f:
                f.write(line + "\n")
            lines.append("auth: {htpasswd: {realm: sbfn-test, path: %s/htpasswd}}" % self.dir)
        elif isinstance(auth, dict):
            lines.append("auth: {token: {realm: %(realm)s, service: %(service)s, "
                         "issuer: %(issuer)s, rootcertbundle: %(cert)s}}" % auth)
        config = os.path.join(self.dir, "config.yml")
        with open(config, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.log = open(os.path.join(self.dir, "registry.log"), "w+")
        self.process = subprocess.Popen(["docker-registry", "serve", config],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                if tls:
                    return
                urllib.request.urlopen("http://%s/v2/" % self.host, timeout=1)
                return
            except urllib.error.HTTPError:
                return  # 401: up, and asking for credentials
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        fail("docker-registry did not start:\n" + self.log_text())

    def log_text(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def tar_gz_layer(name, size, rng):
    """A real gzip'd tar with one file of `size` random bytes; returns (blob, diff_id)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = 0
        tar.addfile(info, io.BytesIO(rng.randbytes(size)))
    tar_bytes = raw.getvalue()
    return gzip.compress(tar_bytes, mtime=0), sha256(tar_bytes)


def write_layout(folder, seed, sizes, manifests=1):
    """An OCI image layout: `manifests` images, each with layers of `sizes` bytes.
    Returns {digest: bytes} of every blob and the list of manifest descriptors."""
    rng = random.Random(seed)
    blobs = {}

    def add(data):
        blobs[sha256(data)] = data
        return {"digest": sha256(data), "size": len(data)}

    descriptors = []
    for m in range(manifests):
        layers, diff_ids = [], []
        for i, size in enumerate(sizes):
            blob, diff_id = tar_gz_layer("layer-%d-%d.bin" % (m, i), size, rng)
            layers.append(dict(mediaType="application/vnd.oci.image.layer.v1.tar+gzip",
                               **add(blob)))
            diff_ids.append(diff_id)
        config = json.dumps({"architecture": "amd64" if m == 0 else "arm64", "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": diff_ids},
                             "config": {"Entrypoint": ["/sbfn"]}}).encode()
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **add(config)),
            "layers": layers}).encode()
        descriptors.append(dict(mediaType="application/vnd.oci.image.manifest.v1+json",
                                platform={"architecture": "amd64" if m == 0 else "arm64",
                                          "os": "linux"},
                                **add(manifest)))
    os.makedirs(os.path.join(folder, "blobs", "sha256"))
    for digest, data in blobs.items():
        with open(os.path.join(folder, "blobs", "sha256", digest[7:]), "wb") as f:
            f.write(data)
    with open(os.path.join(folder, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": descriptors}
    index_bytes = json.dumps(index).encode()
    with open(os.path.join(folder, "index.json"), "wb") as f:
        f.write(index_bytes)
    return blobs, descriptors, index_bytes


def push(layout, ref, *args, env=None, expect_ok=True):
    run = subprocess.run([DRIVER, "push", layout, ref, "--chunk-size", str(CHUNK), *args],
                         capture_output=True, text=True, env=env, timeout=240)
    lines = [json.loads(l) for l in run.stdout.splitlines() if l.strip()]
    if expect_ok:
        check(run.returncode == 0, "push %s failed (%d): %s" % (ref, run.returncode, run.stderr))
        return lines[:-1], lines[-1]
    check(run.returncode == 1,
          "push %s should fail, exit %d: %s" % (ref, run.returncode, run.stdout))
    return run.stderr


def skopeo(*args, creds=None):
    command = ["skopeo", "--insecure-policy", *args]
    run = subprocess.run(command, capture_output=True, timeout=120)
    check(run.returncode == 0, "%s: %s" % (" ".join(command), run.stderr.decode()))
    return run.stdout


def verify_with_skopeo(scratch, host, repo_tag, blobs, top_bytes, creds=None):
    """skopeo reads back the manifest (byte for byte) and copies every blob out."""
    cred_args = ["--creds", creds] if creds else []
    raw = skopeo("inspect", "--tls-verify=false", "--raw", *cred_args,
                 "docker://%s/%s" % (host, repo_tag))
    check(raw == top_bytes, "skopeo --raw gives other bytes than the manifest pushed")
    out = os.path.join(scratch, "copy-%d" % free_port())
    src_creds = ["--src-creds", creds] if creds else []
    skopeo("copy", "--src-tls-verify=false", *src_creds, "--preserve-digests", "--all",
           "docker://%s/%s" % (host, repo_tag), "oci:%s:x" % out)
    copied = {}
    for name in os.listdir(os.path.join(out, "blobs", "sha256")):
        with open(os.path.join(out, "blobs", "sha256", name), "rb") as f:
            data = f.read()
        check(sha256(data) == "sha256:" + name,
              "skopeo copied a blob whose content is not its name")
        copied["sha256:" + name] = data
    for digest, data in blobs.items():
        check(copied.get(digest) == data, "blob %s did not come back from the registry" % digest)


def case_parse(scratch):
    def parse(text):
        run = subprocess.run([DRIVER, "parse", text], capture_output=True, text=True)
        return json.loads(run.stdout) if run.returncode == 0 else run.stderr

    hex64 = "ab" * 32
    expected = {
        "alpine": ("docker.io", "library/alpine", "latest", ""),
        "acme/fns:v3": ("docker.io", "acme/fns", "v3", ""),
        "localhost/fns": ("localhost", "fns", "latest", ""),
        "localhost:5000/a/b:1.0": ("localhost:5000", "a/b", "1.0", ""),
        "127.0.0.1:5000/fns@sha256:" + hex64: ("127.0.0.1:5000", "fns", "", "sha256:" + hex64),
        "ghcr.io/acme/fns:v3@sha256:" + hex64: ("ghcr.io", "acme/fns", "v3", "sha256:" + hex64),
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/fns:v3":
            ("123456789012.dkr.ecr.eu-west-1.amazonaws.com", "fns", "v3", ""),
        "index.docker.io/library/node:20": ("docker.io", "library/node", "20", ""),
    }
    for text, want in expected.items():
        got = parse(text)
        check(isinstance(got, dict), "%s: %s" % (text, got))
        check((got["registry"], got["repository"], got["tag"], got["digest"]) == want,
              "%s parsed as %s" % (text, got))
    check(parse("alpine")["api_host"] == "registry-1.docker.io", "Docker Hub's API host")
    for bad, says in [("127.0.0.1:5000/Fns:1", "lower-case"), ("fns:bad tag", "tag"),
                      ("fns@sha256:abc", "digest"), ("", "empty")]:
        got = parse(bad)
        check(isinstance(got, str) and says in got,
              "%r should be refused naming %s: %s" % (bad, says, got))


def case_anonymous_push(scratch):
    registry = Registry(scratch)
    try:
        layout = os.path.join(scratch, "layout")
        blobs, descriptors, _ = write_layout(layout, 1, [1000, 300_000, 3 * CHUNK + 12345])
        events, result = push(layout, "%s/fns/app:v1" % registry.host)
        manifest = blobs[descriptors[0]["digest"]]
        check(result["digest"] == sha256(manifest), "the pushed digest is the manifest's")
        check(result["uploaded"] == 4 and result["skipped"] == 0, "4 blobs uploaded: %s" % result)
        big = [e for e in events if e["event"] == "uploading" and e["size"] > 3 * CHUNK]
        check(big and [e["bytes"] for e in big] == [CHUNK, 2 * CHUNK, 3 * CHUNK, big[0]["size"]],
              "the big layer goes up in 4 chunks: %s" % big)
        # Bytes on their way, for progress bars: within the blob, and growing.
        sending = [e["bytes"] for e in events if e["event"] == "sending" and e["size"] > 3 * CHUNK]
        check(sending and sending == sorted(sending) and sending[-1] < big[0]["size"],
              "sending events for the big layer: %s" % sending)
        verify_with_skopeo(scratch, registry.host, "fns/app:v1", blobs, manifest)
        inspected = json.loads(skopeo("inspect", "--tls-verify=false",
                                      "docker://%s/fns/app:v1" % registry.host))
        check(inspected["Digest"] == result["digest"], "skopeo sees the digest we printed")

        # Several manifests: each by digest, then index.json under the tag.
        multi = os.path.join(scratch, "multi")
        blobs, _, index_bytes = write_layout(multi, 2, [2000, 5000], manifests=2)
        _, result = push(multi, "%s/fns/multi:v1" % registry.host)
        check(result["digest"] == sha256(index_bytes), "an index is pushed for two manifests")
        verify_with_skopeo(scratch, registry.host, "fns/multi:v1", blobs, index_bytes)

        # Errors a person understands.
        bad_layout = os.path.join(scratch, "bad")
        shutil.copytree(layout, bad_layout)
        os.remove(os.path.join(bad_layout, "blobs", "sha256",
                               descriptors[0]["digest"][7:]))
        err = push(bad_layout, "%s/fns/app:v1" % registry.host, expect_ok=False)
        check("cannot read" in err and descriptors[0]["digest"][7:] in err,
              "a missing manifest blob is named: " + err)
        # A manifest the registry refuses: its error codes are in the message.
        with open(os.path.join(layout, "blobs", "sha256", descriptors[0]["digest"][7:])) as f:
            manifest = json.load(f)
        unknown = "sha256:" + "1" * 64
        manifest["layers"].append({
            "mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            "digest": unknown, "size": 5, "urls": ["https://example.com/layer"]})
        refused = os.path.join(scratch, "refused")
        shutil.copytree(layout, refused)
        data = json.dumps(manifest).encode()
        with open(os.path.join(refused, "blobs", "sha256", sha256(data)[7:]), "wb") as f:
            f.write(data)
        with open(os.path.join(refused, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": [dict(descriptors[0], digest=sha256(data),
                                                               size=len(data))]}, f)
        err = push(refused, "%s/fns/app:v2" % registry.host, expect_ok=False)
        for part in ["registry " + registry.host, "storing manifest " + sha256(data),
                     "MANIFEST_BLOB_UNKNOWN", unknown]:
            check(part in err, "refused manifest: %r lacks %r" % (err, part))
        err = push(layout, "registry.invalid/fns/app:v1", expect_ok=False)
        check("cannot find registry registry.invalid" in err, "unknown host: " + err)
        registry.stop()
        err = push(layout, "%s/fns/app:v1" % registry.host, expect_ok=False)
        check("cannot connect to registry %s" % registry.host in err, "connection refused: " + err)
    finally:
        registry.stop()


def case_second_push_skips(scratch):
    registry = Registry(scratch)
    try:
        layout = os.path.join(scratch, "layout")
        blobs, descriptors, _ = write_layout(layout, 3, [1000, 2 * CHUNK + 7])
        _, first = push(layout, "%s/fns/app:v1" % registry.host)
        events, second = push(layout, "%s/fns/app:v2" % registry.host)
        kinds = sorted({e["event"] for e in events})
        check(kinds == ["exists"], "the second push uploads nothing: %s" % kinds)
        check(second["uploaded"] == 0 and second["skipped"] == 3, str(second))
        check(second["digest"] == first["digest"], "same layout, same digest")
        # Another repository on the same registry: mounted, not uploaded.
        events, third = push(layout, "%s/other/app:v1" % registry.host, "--mount-from", "fns/app")
        check(sorted({e["event"] for e in events}) == ["mounted"], "mounted: %s" % events)
        verify_with_skopeo(scratch, registry.host, "other/app:v1", blobs,
                           blobs[descriptors[0]["digest"]])
    finally:
        registry.stop()


def case_basic_auth(scratch):
    registry = Registry(scratch, "htpasswd")
    try:
        layout = os.path.join(scratch, "layout")
        blobs, descriptors, _ = write_layout(layout, 4, [1000, CHUNK + 1])
        ref = "%s/fns/app:v1" % registry.host
        empty = os.path.join(scratch, "no-docker-config")
        os.makedirs(empty)
        _, result = push(layout, ref, "--user", USER, "--password", PASSWORD,
                         "--docker-config", empty)
        verify_with_skopeo(scratch, registry.host, "fns/app:v1", blobs,
                           blobs[descriptors[0]["digest"]], creds="%s:%s" % (USER, PASSWORD))
        err = push(layout, ref, "--user", USER, "--password", "wrong", "--docker-config", empty,
                   expect_ok=False)
        for part in ["registry " + registry.host, "refused", "user 'alice'",
                     "the credentials given",
                     "UNAUTHORIZED"]:
            check(part in err, "wrong password: %r lacks %r" % (err, part))
        err = push(layout, ref, "--docker-config", empty, expect_ok=False)
        for part in ["registry " + registry.host, "no credentials", "docker login"]:
            check(part in err, "no credentials: %r lacks %r" % (err, part))
    finally:
        registry.stop()


def case_docker_config(scratch):
    registry = Registry(scratch, "htpasswd")
    try:
        layout = os.path.join(scratch, "layout")
        blobs, descriptors, _ = write_layout(layout, 5, [1000])
        ref = "%s/fns/app:v1" % registry.host
        env = dict(os.environ)

        def config(content):
            folder = os.path.join(scratch, "docker-%d" % free_port())
            os.makedirs(folder)
            with open(os.path.join(folder, "config.json"), "w") as f:
                json.dump(content, f)
            env["DOCKER_CONFIG"] = folder

        # auths with base64 user:password, found through $DOCKER_CONFIG.
        auth = base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
        config({"auths": {registry.host: {"auth": auth}}})
        push(layout, ref, env=env)
        # auths with username/password, under a legacy key with a scheme and path.
        legacy_key = "http://%s/v1/" % registry.host
        config({"auths": {legacy_key: {"username": USER, "password": PASSWORD}}})
        push(layout, ref, env=env)
        # A wrong password in config.json: the error names the file it came from.
        bad = base64.b64encode(("%s:nope" % USER).encode()).decode()
        config({"auths": {registry.host: {"auth": bad}}})
        err = push(layout, ref, env=env, expect_ok=False)
        check(env["DOCKER_CONFIG"] in err and "user 'alice'" in err, err)
        # DOCKER_AUTH_CONFIG comes before the file (here with a wrong password).
        env["DOCKER_AUTH_CONFIG"] = json.dumps({"auths": {registry.host: {"auth": auth}}})
        push(layout, ref, env=env)
        del env["DOCKER_AUTH_CONFIG"]
        # credHelpers: a docker-credential-<name> program on PATH, given the host on stdin.
        bin_dir = os.path.join(scratch, "bin")
        os.makedirs(bin_dir)
        helper = os.path.join(bin_dir, "docker-credential-sbfntest")
        with open(helper, "w") as f:
            f.write("#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread key\n"
                    "if [ \"$key\" = \"%s\" ]; then\n"
                    "  printf '{\"ServerURL\":\"%%s\",\"Username\":\"%s\","
                    "\"Secret\":\"%s\"}' \"$key\"\n"
                    "else echo 'credentials not found in native keychain'; exit 1; fi\n"
                    % (registry.host, USER, PASSWORD))
        os.chmod(helper, 0o755)
        env["PATH"] = bin_dir + ":" + env["PATH"]
        config({"auths": {registry.host: {"auth": bad}},
                "credHelpers": {registry.host: "sbfntest"}})
        push(layout, ref, env=env)
        # credsStore for every registry; a helper with nothing stored means anonymous.
        config({"credsStore": "sbfntest"})
        push(layout, ref, env=env)
        other = Registry(scratch, "htpasswd")
        try:
            err = push(layout, "%s/fns/app:v1" % other.host, env=env, expect_ok=False)
            check("no credentials" in err and "docker-credential-sbfntest" in err, err)
        finally:
            other.stop()
        verify_with_skopeo(scratch, registry.host, "fns/app:v1", blobs,
                           blobs[descriptors[0]["digest"]], creds="%s:%s" % (USER, PASSWORD))
    finally:
        registry.stop()


class FaultyForwarder:
    """Forwards HTTP to the real registry, except for the requests named in `faults`:
    {(METHOD, n): action} for the n-th request of that method, where action is "cut" (read
    half the body, none of it reaches the registry, then drop the connection) or a status
    to answer instead (429, 503). `injected` lists what was done. With `meet`, the first
    `meet` PUTs are held until all of them have arrived (at most 20 s): `met` tells whether
    they were ever in flight together."""

    def __init__(self, upstream_port, faults, meet=0):
        forwarder = self
        self.counts = {}
        self.injected = []
        self.met = None
        barrier = threading.Barrier(meet, timeout=20) if meet else None

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                n = forwarder.counts[self.command] = forwarder.counts.get(self.command, 0) + 1
                fault = faults.get((self.command, n))
                if fault == "cut":
                    self.rfile.read(length // 2)
                    forwarder.injected.append((self.command, n, fault))
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                body = self.rfile.read(length) if length else None
                if barrier and self.command == "PUT" and n <= barrier.parties:
                    try:
                        barrier.wait()
                        forwarder.met = forwarder.met is not False
                    except threading.BrokenBarrierError:
                        forwarder.met = False
                if fault:
                    forwarder.injected.append((self.command, n, fault))
                    self.send_response(fault)
                    self.send_header("Retry-After", "0")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                upstream.request(self.command, self.path, body=body, headers=headers)
                reply = upstream.getresponse()
                data = reply.read()
                self.send_response(reply.status, reply.reason)
                for k, v in reply.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(k, v)
                content_length = reply.getheader("Content-Length")
                self.send_header("Content-Length",
                                 content_length if self.command == "HEAD" and content_length
                                 else str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                upstream.close()

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def case_resume(scratch):
    registry = Registry(scratch)
    # The 2nd PATCH is cut mid-body: the upload's status says where to continue.
    forwarder = FaultyForwarder(registry.port, {("PATCH", 2): "cut"})
    try:
        layout = os.path.join(scratch, "layout")
        blobs, descriptors, _ = write_layout(layout, 6, [3 * CHUNK + 99])
        host = "127.0.0.1:%d" % forwarder.port
        events, result = push(layout, "%s/fns/app:v1" % host)
        check(forwarder.injected == [("PATCH", 2, "cut")], "one PATCH cut: %s" % forwarder.injected)
        resumed = [e for e in events if e["event"] == "resumed"]
        check(len(resumed) == 1 and resumed[0]["bytes"] == CHUNK,
              "resumed once, after the first chunk the registry holds: %s" % resumed)
        check(result["uploaded"] == 2, str(result))
        verify_with_skopeo(scratch, registry.host, "fns/app:v1", blobs,
                           blobs[descriptors[0]["digest"]])
    finally:
        forwarder.stop()
        registry.stop()


def case_retries(scratch):
    """429 and 503 are retried; a monolithic PUT cut mid-body starts a fresh upload."""
    registry = Registry(scratch)
    # PUT 1 is the first blob's monolithic upload; POST 2 opens the second blob's upload.
    forwarder = FaultyForwarder(registry.port, {("PUT", 1): "cut", ("POST", 2): 429,
                                                ("HEAD", 1): 503, ("PUT", 4): 503})
    try:
        layout = os.path.join(scratch, "layout")
        blobs, descriptors, _ = write_layout(layout, 9, [1000, 2000])
        host = "127.0.0.1:%d" % forwarder.port
        events, result = push(layout, "%s/fns/app:v1" % host)
        check(len(forwarder.injected) == 4, "every fault was met: %s" % forwarder.injected)
        check(result["uploaded"] == 3 and result["digest"] == descriptors[0]["digest"], str(result))
        verify_with_skopeo(scratch, registry.host, "fns/app:v1", blobs,
                           blobs[descriptors[0]["digest"]])
        # Faults that do not stop: a bounded number of attempts, then a clear error.
        always = FaultyForwarder(registry.port, {("HEAD", n): 503 for n in range(1, 50)})
        try:
            err = push(layout, "127.0.0.1:%d/fns/app:v2" % always.port, expect_ok=False)
            check(len(always.injected) == 5 and "503" in err, "%s: %s" % (always.injected, err))
        finally:
            always.stop()
    finally:
        forwarder.stop()
        registry.stop()


def case_parallel(scratch):
    """--parallel 3: three blobs are in flight at once (a forwarder holds the first three
    PUTs until all three have arrived; one at a time they never would), each blob still
    verifies, and a failure in one stops the push with its error."""
    registry = Registry(scratch)
    forwarder = FaultyForwarder(registry.port, {}, meet=3)
    try:
        layout = os.path.join(scratch, "layout")
        blobs, descriptors, _ = write_layout(layout, 11, [1000, 2000, 3000])
        host = "127.0.0.1:%d" % forwarder.port
        events, result = push(layout, "%s/fns/app:v1" % host, "--parallel", "3")
        check(forwarder.met is True, "three uploads were in flight together")
        check(result["uploaded"] == 4, str(result))
        check(len([e for e in events if e["event"] == "uploaded"]) == 4, "an event per blob")
        verify_with_skopeo(scratch, registry.host, "fns/app:v1", blobs,
                           blobs[descriptors[0]["digest"]])
        # One blob's upload fails for good: the push fails with that blob's error.
        failing = FaultyForwarder(registry.port, {("PUT", n): 400 for n in range(1, 50)})
        try:
            err = push(layout, "127.0.0.1:%d/fns/fresh:v1" % failing.port, "--parallel", "3",
                       expect_ok=False)
            check("answered 400" in err, err)
        finally:
            failing.stop()
    finally:
        forwarder.stop()
        registry.stop()


def self_signed(scratch):
    key, cert = os.path.join(scratch, "tls.key"), os.path.join(scratch, "tls.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,IP:0.0.0.0"],
                   check=True, capture_output=True)
    return cert, key


def case_tls_loopback(scratch):
    """A loopback registry that speaks only TLS (self-signed): pushed to over TLS."""
    cert, key = self_signed(scratch)
    registry = Registry(scratch, tls=(cert, key))
    try:
        layout = os.path.join(scratch, "layout")
        blobs, descriptors, _ = write_layout(layout, 8, [1000, CHUNK + 3])
        _, result = push(layout, "%s/fns/app:v1" % registry.host)
        check(result["uploaded"] == 3, str(result))
        plain = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                "http://%s/v2/" % registry.host], capture_output=True, text=True)
        check(plain.stdout != "200", "the registry must not answer plain HTTP")
        verify_with_skopeo(scratch, registry.host, "fns/app:v1", blobs,
                           blobs[descriptors[0]["digest"]])
    finally:
        registry.stop()


def case_insecure(scratch):
    """Registries that are not loopback by name need verified TLS, or `insecure`.
    0.0.0.0 reaches the local registries on Linux without being a loopback name."""
    cert, key = self_signed(scratch)
    tls = Registry(scratch, tls=(cert, key))
    plain = Registry(scratch)
    try:
        layout = os.path.join(scratch, "layout")
        write_layout(layout, 10, [1000])
        tls_ref = "0.0.0.0:%d/fns/app:v1" % tls.port
        err = push(layout, tls_ref, expect_ok=False)
        check("registry 0.0.0.0:%d" % tls.port in err and "certificate" in err,
              "an unknown certificate is refused: " + err)
        check("SSL_CERT_FILE" in err and "--insecure-registry" in err, err)
        push(layout, tls_ref, "--insecure")
        # The certificate trusted through SSL_CERT_FILE, as for fetch and downloads.
        push(layout, tls_ref, env=dict(os.environ, SSL_CERT_FILE=cert))
        plain_ref = "0.0.0.0:%d/fns/app:v1" % plain.port
        err = push(layout, plain_ref, expect_ok=False)
        check("registry 0.0.0.0:%d" % plain.port in err and "--insecure-registry" in err,
              "plain HTTP needs --insecure: " + err)
        _, result = push(layout, plain_ref, "--insecure")
        check(result["uploaded"] == 2, str(result))
    finally:
        tls.stop()
        plain.stop()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenServer:
    """A token server as docker-registry's `auth: token` expects: Basic credentials in,
    an RS256 JWT out (x5c = the certificate in the registry's rootcertbundle)."""

    def __init__(self, scratch, service, issuer):
        self.key = os.path.join(scratch, "token.key")
        self.cert = os.path.join(scratch, "token.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        self.key, "-out", self.cert, "-days", "2", "-subj", "/CN=sbfn-token"],
                       check=True, capture_output=True)
        der = subprocess.run(["openssl", "x509", "-in", self.cert, "-outform", "DER"],
                             check=True, capture_output=True).stdout
        server = self
        self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                query = parse_qs(urlparse(self.path).query)
                server.requests.append(query)
                given = self.headers.get("Authorization", "")
                want = "Basic " + base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode()
                self.answer(query, "token", given == want)

            def do_POST(self):
                # OAuth2 refresh: what a Docker `identitytoken` is traded for.
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                server.requests.append(form)
                self.answer(form, "access_token",
                            form.get("grant_type") == ["refresh_token"] and
                            form.get("refresh_token") == [REFRESH_TOKEN])

            def answer(self, query, token_key, allowed):
                if not allowed:
                    self.send_response(401)
                    body = b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}'
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                access = []
                for scope in query.get("scope", []):
                    kind, rest = scope.split(":", 1)
                    name, actions = rest.rsplit(":", 1)
                    access.append({"type": kind, "name": name, "actions": actions.split(",")})
                now = int(time.time())
                header = {"alg": "RS256", "typ": "JWT", "x5c": [base64.b64encode(der).decode()]}
                claims = {"iss": issuer, "sub": USER, "aud": service, "exp": now + 300,
                          "nbf": now - 10, "iat": now, "jti": str(random.random()),
                          "access": access}
                signing_input = (b64url(json.dumps(header).encode()) + "." +
                                 b64url(json.dumps(claims).encode()))
                signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", server.key],
                                           input=signing_input.encode(), check=True,
                                           capture_output=True).stdout
                body = json.dumps({token_key: signing_input + "." + b64url(signature),
                                   "expires_in": 300}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.realm = "http://127.0.0.1:%d/token" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def case_token_auth(scratch):
    tokens = TokenServer(scratch, "sbfn-registry", "sbfn-issuer")
    registry = Registry(scratch, {"realm": tokens.realm, "service": "sbfn-registry",
                                  "issuer": "sbfn-issuer", "cert": tokens.cert})
    try:
        layout = os.path.join(scratch, "layout")
        blobs, descriptors, _ = write_layout(layout, 7, [1000, CHUNK + 5])
        empty = os.path.join(scratch, "no-docker-config")
        os.makedirs(empty)
        ref = "%s/fns/app:v1" % registry.host
        _, result = push(layout, ref, "--user", USER, "--password", PASSWORD,
                         "--docker-config", empty)
        scopes = [q.get("scope") for q in tokens.requests if q.get("scope")]
        check(["repository:fns/app:pull,push"] in scopes, "asked for the push scope: %s" % scopes)
        check(all(q.get("service") == ["sbfn-registry"] for q in tokens.requests), "service sent")
        # One token for the whole push (cached), not one per request.
        check(len(tokens.requests) <= 2, "tokens asked %d times" % len(tokens.requests))
        check(result["uploaded"] == 3, str(result))
        err = push(layout, ref, "--user", USER, "--password", "wrong", "--docker-config", empty,
                   expect_ok=False)
        check("registry " + registry.host in err and "user 'alice'" in err and "refused" in err,
              err)
        # An identity token from config.json: traded at the realm with a refresh_token POST.
        docker = os.path.join(scratch, "docker")
        os.makedirs(docker)
        with open(os.path.join(docker, "config.json"), "w") as f:
            json.dump({"auths": {registry.host: {"identitytoken": REFRESH_TOKEN}}}, f)
        tokens.requests.clear()
        _, again = push(layout, "%s/fns/app:v2" % registry.host, "--docker-config", docker)
        check(again["skipped"] == 3, str(again))
        check(any(q.get("grant_type") == ["refresh_token"] and
                  q.get("scope") == ["repository:fns/app:pull,push"] for q in tokens.requests),
              "the identity token was traded: %s" % tokens.requests)
        with open(os.path.join(docker, "config.json"), "w") as f:
            json.dump({"auths": {registry.host: {"identitytoken": "revoked"}}}, f)
        err = push(layout, "%s/fns/app:v2" % registry.host, "--docker-config", docker,
                   expect_ok=False)
        check("an identity token from " + docker in err and "refused" in err, err)
        # skopeo gets its own token from the same server.
        verify_with_skopeo(scratch, registry.host, "fns/app:v1", blobs,
                           blobs[descriptors[0]["digest"]], creds="%s:%s" % (USER, PASSWORD))
    except SystemExit:
        print(registry.log_text()[-3000:], file=sys.stderr)
        raise
    finally:
        registry.stop()
        tokens.stop()


def case_sbfn_deploy(scratch):
    """`sbfn deploy --image` end to end (DRIVER is the sbfn binary here): the image the
    registry holds is the one --oci-layout writes, digest for digest; a second deploy sends
    no blob; wrong credentials and a bad reference fail with what to do."""
    sbfn = DRIVER
    project = os.path.join(scratch, "project")
    os.makedirs(os.path.join(project, "functions", "hello"))
    with open(os.path.join(project, "functions", "hello", "index.ts"), "w") as f:
        f.write('Deno.serve(() => new Response("hello from the image"));\n')
    registry = Registry(scratch, auth="htpasswd")
    docker = os.path.join(scratch, "docker")
    os.makedirs(docker)
    def docker_config(password):
        auth = base64.b64encode(("%s:%s" % (USER, password)).encode()).decode()
        with open(os.path.join(docker, "config.json"), "w") as f:
            json.dump({"auths": {registry.host: {"auth": auth}}}, f)
    env = dict(os.environ, DOCKER_CONFIG=docker, HOME=scratch, NO_COLOR="1",
               SBFN_CACHE_DIR=os.path.join(scratch, "cache"))
    def deploy(*args, extra_env=None):
        return subprocess.run([sbfn, "deploy", *args], cwd=project, capture_output=True,
                              text=True, timeout=240, env=dict(env, **(extra_env or {})))
    try:
        docker_config(PASSWORD)
        ref = "%s/fns:v1" % registry.host
        first = deploy("hello", "--image", ref, "--output", "json")
        check(first.returncode == 0, "sbfn deploy --image failed: %s" % first.stderr)
        report = json.loads(first.stdout)
        pushed = report["target"]["pushed"]
        check(pushed == "%s/fns@%s" % (registry.host, report["manifest"]["digest"]),
              "the pushed reference names the manifest's digest: %s" % pushed)
        check(report["target"]["blobs_uploaded"] == 3, "runtime, functions and config sent")
        # Not a terminal: plain lines, one as each upload starts and one as it ends.
        lines = [l for l in first.stderr.splitlines() if l.startswith("  sha256:")]
        for what in ("uploading", "pushed"):
            matching = [l for l in lines if re.fullmatch(
                r"  sha256:[0-9a-f]{12}  +[0-9.]+ (B|KiB|MiB)  " + what, l)]
            check(len(matching) == 3, "a %r line per blob: %s" % (what, first.stderr))
        check("\r" not in first.stderr and "\x1b" not in first.stderr,
              "no bars when stderr is not a terminal: %r" % first.stderr)

        # A terminal: a bar per upload in flight, redrawn in place, then the same lines.
        master, slave = pty.openpty()
        tty_run = subprocess.Popen([sbfn, "deploy", "hello", "--image", "%s/tty/fns:v1" % registry.host],
                                   cwd=project, stdout=subprocess.PIPE, stderr=slave,
                                   env=dict(env, TERM="xterm"))
        os.close(slave)
        shown = b""
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break  # EIO: the last writer closed the terminal
            if not data:
                break
            shown += data
        os.close(master)
        check(tty_run.wait(240) == 0, "deploy on a terminal failed: %r" % shown[-2000:])
        check(re.search(rb"  sha256:[0-9a-f]{12}  \[[#.]{30}\]  ", shown) is not None,
              "a progress bar on a terminal: %r" % shown[-2000:])
        check(b"\x1b[" in shown, "the bars are redrawn in place")
        check(shown.count(b"  pushed") == 3, "a line per blob pushed: %r" % shown[-2000:])

        # The registry, read by skopeo, holds exactly the image --oci-layout writes.
        layout = os.path.join(scratch, "layout")
        check(deploy("hello", "--oci-layout", layout + ":v1").returncode == 0, "--oci-layout")
        with open(os.path.join(layout, "index.json")) as f:
            manifest_digest = json.load(f)["manifests"][0]["digest"]
        check(manifest_digest == report["manifest"]["digest"],
              "the layout's manifest is the pushed one")
        with open(os.path.join(layout, "blobs", "sha256", manifest_digest[7:]), "rb") as f:
            manifest_bytes = f.read()
        blobs = {}
        for entry in json.loads(manifest_bytes)["layers"] + [json.loads(manifest_bytes)["config"]]:
            with open(os.path.join(layout, "blobs", "sha256", entry["digest"][7:]), "rb") as f:
                blobs[entry["digest"]] = f.read()
        verify_with_skopeo(scratch, registry.host, "fns:v1", blobs, manifest_bytes,
                           creds="%s:%s" % (USER, PASSWORD))

        # Again, through SBFN_DEPLOY_IMAGE as CI sets it: nothing to send.
        again = deploy("hello", extra_env={"SBFN_DEPLOY_IMAGE": "%s/fns:v2" % registry.host})
        check(again.returncode == 0, "second deploy failed: %s" % again.stderr)
        check("(0 blobs sent, 3 already there)" in again.stdout, again.stdout)
        check("already in the registry" in again.stderr, again.stderr)

        docker_config("wrong")
        refused = deploy("hello", "--image", ref)
        check(refused.returncode == 1, "wrong credentials must fail: %s" % refused.stdout)
        check(registry.host in refused.stderr and USER in refused.stderr,
              "the refusal names the registry and the user: %s" % refused.stderr)
        check("Bundled" not in refused.stderr, "nothing is built for a registry that refuses")
        bad = deploy("hello", "--image", "%s/Fns:v1" % registry.host)
        check(bad.returncode == 1 and "lower-case" in bad.stderr,
              "a bad reference is refused before anything is built: %s" % bad.stderr)
        check("Bundled" not in bad.stderr, "nothing was built for a bad reference")
        ecr_only = deploy("hello", "--image", ref, "--create-repository")
        check(ecr_only.returncode == 1 and "ECR" in ecr_only.stderr, ecr_only.stderr)
    except SystemExit:
        print(registry.log_text()[-3000:], file=sys.stderr)
        raise
    finally:
        registry.stop()


def write_base_layout(folder, architecture="amd64", index=False):
    """A small base image as an OCI layout (tag v1): one layer with /etc/base-release and
    /srv, a config with Env, WorkingDir, Cmd and a label. With `index`, the tag names an
    image index holding that one image (as multi-platform images are published)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in ["etc/", "srv/"]:
            info = tarfile.TarInfo(name.rstrip("/"))
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 0
            tar.addfile(info)
        data = b"sbfn test base 1\n"
        info = tarfile.TarInfo("etc/base-release")
        info.size, info.mtime = len(data), 0
        tar.addfile(info, io.BytesIO(data))
    layer = gzip.compress(raw.getvalue(), mtime=0)
    config = json.dumps({
        "architecture": architecture, "os": "linux",
        "config": {"Env": ["PATH=/usr/bin:/bin", "BASE_MARK=1"], "WorkingDir": "/srv",
                   "Cmd": ["/bin/sh"], "Labels": {"org.example.base": "yes"}},
        "rootfs": {"type": "layers", "diff_ids": [sha256(raw.getvalue())]},
        "history": [{"created_by": "the test's base layer"}]}).encode()
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha256(config), "size": len(config)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": sha256(layer), "size": len(layer)}]}).encode()
    blobs = {sha256(b): b for b in (layer, config, manifest)}
    top = {"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": sha256(manifest), "size": len(manifest)}
    if index:
        nested = json.dumps({"schemaVersion": 2,
                             "mediaType": "application/vnd.oci.image.index.v1+json",
                             "manifests": [dict(top, platform={"architecture": architecture,
                                                               "os": "linux"})]}).encode()
        blobs[sha256(nested)] = nested
        top = {"mediaType": "application/vnd.oci.image.index.v1+json",
               "digest": sha256(nested), "size": len(nested)}
    os.makedirs(os.path.join(folder, "blobs", "sha256"))
    for digest, data in blobs.items():
        with open(os.path.join(folder, "blobs", "sha256", digest[7:]), "wb") as f:
            f.write(data)
    with open(os.path.join(folder, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    top["annotations"] = {"org.opencontainers.image.ref.name": "v1"}
    with open(os.path.join(folder, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [top]}, f)
    return sha256(layer), sha256(raw.getvalue())


def boots_with_chroot(scratch, layout_ref, expect_file):
    """umoci unpacks the layout; its entrypoint serves hello under chroot. Needs root."""
    bundle = os.path.join(scratch, "bundle-%d" % free_port())
    run = subprocess.run(["umoci", "unpack", "--image", layout_ref, bundle],
                         capture_output=True, text=True)
    check(run.returncode == 0, "umoci unpack %s: %s" % (layout_ref, run.stderr))
    rootfs = os.path.join(bundle, "rootfs")
    check(os.path.isfile(os.path.join(rootfs, expect_file)), "the base's %s is in the image"
          % expect_file)
    port = free_port()
    server = subprocess.Popen([shutil.which("chroot"), rootfs, "/usr/local/bin/sbfn", "serve", "--bundle",
                               "/functions", "--host", "127.0.0.1", "--port", str(port)],
                              env={"PATH": "/usr/local/bin:/usr/bin:/bin"},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/functions/v1/hello" % port,
                                            timeout=5) as reply:
                    return reply.read().decode()
            except OSError:
                if server.poll() is not None:
                    fail("the image's sbfn exited: %s" % server.stdout.read().decode())
                time.sleep(0.1)
        fail("the image's sbfn did not answer")
    finally:
        server.terminate()
        server.wait(10)


def case_sbfn_deploy_base_image(scratch):
    """`sbfn deploy --base-image REF`: the base (pushed by skopeo, as OCI and as Docker v2s2)
    is pulled, its layers go first, its config is kept where sbfn does not own it; on the
    same registry its layers are mounted, on another they are copied; --oci-layout gets
    its blobs too and boots. A base that is missing, or has no linux/amd64 image, fails
    before anything is built."""
    sbfn = DRIVER
    project = os.path.join(scratch, "project")
    os.makedirs(os.path.join(project, "functions", "hello"))
    with open(os.path.join(project, "functions", "hello", "index.ts"), "w") as f:
        f.write('Deno.serve(() => new Response("hello on a base"));\n')
    registry = Registry(scratch)
    other = Registry(scratch)
    env = dict(os.environ, HOME=scratch, NO_COLOR="1", SBFN_CACHE_DIR=os.path.join(scratch, "cache"),
               DOCKER_CONFIG=os.path.join(scratch, "no-docker"))
    env.pop("SBFN_DEPLOY_IMAGE", None)
    env.pop("SBFN_DEPLOY_TO", None)
    def deploy(*args):
        return subprocess.run([sbfn, "deploy", "hello", *args], cwd=project, capture_output=True,
                              text=True, timeout=240, env=env)
    try:
        base_layout = os.path.join(scratch, "base")
        base_layer, base_diff_id = write_base_layout(base_layout, index=True)
        host = registry.host
        skopeo("copy", "--all", "--dest-tls-verify=false", "oci:%s:v1" % base_layout,
               "docker://%s/base/os:v1" % host)
        # The same image as Docker's schema 2 (skopeo converts): other media types.
        single = os.path.join(scratch, "base-single")
        write_base_layout(single)
        skopeo("copy", "--format", "v2s2", "--dest-tls-verify=false", "oci:%s:v1" % single,
               "docker://%s/base/docker:v1" % host)
        arm = os.path.join(scratch, "base-arm")
        write_base_layout(arm, architecture="arm64", index=True)
        skopeo("copy", "--all", "--dest-tls-verify=false", "oci:%s:v1" % arm,
               "docker://%s/base/arm:v1" % host)
        arm_single = os.path.join(scratch, "base-arm-single")
        write_base_layout(arm_single, architecture="arm64")
        skopeo("copy", "--dest-tls-verify=false", "oci:%s:v1" % arm_single,
               "docker://%s/base/arm-single:v1" % host)

        # Same registry: the base layer is mounted, ours are sent.
        run = deploy("--base-image", "%s/base/os:v1" % host, "--image", "%s/fns:v1" % host,
                     "--output", "json")
        check(run.returncode == 0, "deploy on a base failed: %s" % run.stderr)
        report = json.loads(run.stdout)
        check([l["role"] for l in report["layers"]] == ["base", "runtime", "functions"],
              "layers: %s" % report["layers"])
        check(report["layers"][0]["digest"] == base_layer, "the base layer comes first, as is")
        check(report["layers"][0]["diff_id"] == base_diff_id, "with the base's diff_id")
        check(report["base"]["reference"] == "%s/base/os:v1" % host, report.get("base"))
        check(report["target"]["blobs_skipped"] == 1 and report["target"]["blobs_uploaded"] == 3,
              "the base layer mounted, runtime, functions and config sent: %s" % report["target"])
        check("mounted" in run.stderr, "the mount is reported: %s" % run.stderr)
        check("Pulling the base image %s/base/os:v1" % host in run.stderr, run.stderr)
        raw = skopeo("inspect", "--tls-verify=false", "--raw", "docker://%s/fns:v1" % host)
        check(sha256(raw) == report["manifest"]["digest"], "skopeo reads the manifest pushed")
        manifest = json.loads(raw)
        check([l["digest"] for l in manifest["layers"]] == [l["digest"] for l in report["layers"]],
              "the manifest's layers are the base's, then ours")
        config = json.loads(skopeo("inspect", "--tls-verify=false", "--raw", "--config",
                                   "docker://%s/fns:v1" % host))
        check(config["rootfs"]["diff_ids"][0] == base_diff_id, "diff_ids start with the base's")
        check(config["config"]["Env"] == ["PATH=/usr/bin:/bin", "BASE_MARK=1"],
              "the base's Env is kept: %s" % config["config"]["Env"])
        check(config["config"]["WorkingDir"] == "/srv", "the base's WorkingDir is kept")
        check("Cmd" not in config["config"], "the base's Cmd is dropped")
        check(config["config"]["Entrypoint"][0] == "/usr/local/bin/sbfn", "our entrypoint")
        check(config["config"]["Labels"]["org.example.base"] == "yes", "the base's labels kept")
        check(config["config"]["Labels"]["dev.sbfn.functions"] == "hello", "ours added")
        check(config["history"][0]["created_by"] == "the test's base layer", "history extended")
        # skopeo copies every blob out, checking each digest (the mounted one included).
        copied = os.path.join(scratch, "copied")
        skopeo("copy", "--src-tls-verify=false", "docker://%s/fns:v1" % host, "oci:%s:x" % copied)

        # The layers are cached: a second deploy pulls only the manifest and config.
        again = deploy("--base-image", "%s/base/os:v1" % host, "--image", "%s/fns:v2" % host)
        check(again.returncode == 0 and " pulling" not in again.stderr,
              "the base layer comes from the cache: %s" % again.stderr)

        # Another registry: the base layer is copied there.
        run = deploy("--base-image", "%s/base/docker:v1" % host, "--image",
                     "%s/fns:v1" % other.host, "--output", "json")
        check(run.returncode == 0, "deploy to another registry failed: %s" % run.stderr)
        report = json.loads(run.stdout)
        check(report["target"]["blobs_uploaded"] == 4, "all four blobs sent: %s" % report["target"])
        check(report["layers"][0]["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip",
              "Docker's layer type written as OCI's: %s" % report["layers"][0])
        skopeo("copy", "--src-tls-verify=false", "docker://%s/fns:v1" % other.host,
               "oci:%s:y" % copied)

        # An OCI layout gets the base's blobs, and the image boots.
        layout = os.path.join(scratch, "layout")
        run = deploy("--base-image", "%s/base/os:v1" % host, "--oci-layout", layout + ":v1",
                     "--no-verify-jwt")
        check(run.returncode == 0, "deploy to a layout on a base failed: %s" % run.stderr)
        check(os.path.isfile(os.path.join(layout, "blobs", "sha256", base_layer[7:])),
              "the layout holds the base's layer")
        if os.getuid() == 0 and shutil.which("umoci") and shutil.which("chroot"):
            answer = boots_with_chroot(scratch, layout + ":v1", "etc/base-release")
            check(answer == "hello on a base", "the image on a base boots: %r" % answer)

        # Bad bases: nothing is built.
        missing = deploy("--base-image", "%s/base/nope:v1" % host, "--oci-layout", layout)
        check(missing.returncode == 1 and "not found" in missing.stderr
              and "base/nope" in missing.stderr, "a missing base: %s" % missing.stderr)
        check("Bundled" not in missing.stderr, "nothing is built on a missing base")
        arm_only = deploy("--base-image", "%s/base/arm:v1" % host, "--oci-layout", layout)
        check(arm_only.returncode == 1 and "has no linux/amd64 image (it has linux/arm64)"
              in arm_only.stderr, "an arm64-only base: %s" % arm_only.stderr)
        arm_one = deploy("--base-image", "%s/base/arm-single:v1" % host, "--oci-layout", layout)
        check(arm_one.returncode == 1 and "is a linux/arm64 image" in arm_one.stderr,
              "an arm64 base: %s" % arm_one.stderr)
        nowhere = deploy("--base-image", "127.0.0.1:9/base:v1", "--oci-layout", layout)
        check(nowhere.returncode == 1 and "cannot connect to registry 127.0.0.1:9"
              in nowhere.stderr, nowhere.stderr)
    except SystemExit:
        print(registry.log_text()[-3000:], file=sys.stderr)
        raise
    finally:
        registry.stop()
        other.stop()


class AwsStandIn:
    """tests/oracles/aws_endpoint.mjs: a stand-in for AWS that verifies every request's
    SigV4 signature with AWS's own JS signer (see its header for `state`)."""

    def __init__(self, scratch, state):
        oracles = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracles")
        if not os.path.isdir(os.path.join(oracles, "node_modules", "@smithy", "signature-v4")):
            run = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                                 cwd=oracles, capture_output=True, text=True)
            check(run.returncode == 0, "npm ci in tests/oracles failed (is the npm registry "
                  "reachable?): " + run.stderr)
        path = os.path.join(scratch, "aws-state-%d.json" % free_port())
        with open(path, "w") as f:
            json.dump(state, f)
        self.process = subprocess.Popen(["node", os.path.join(oracles, "aws_endpoint.mjs"), path],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        check(line.strip().startswith("{"), "aws_endpoint.mjs did not start: %s %s" % (
            line, self.process.stderr.read() if self.process.poll() is not None else ""))
        self.url = "http://127.0.0.1:%d" % json.loads(line)["port"]

    def log(self):
        with urllib.request.urlopen(self.url + "/_log") as reply:
            return json.load(reply)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def case_sbfn_deploy_ecs(scratch):
    """`sbfn deploy --image REF --ecs-service S`: after the push the ECS service rolls onto
    the image (UpdateService forceNewDeployment) and the command waits for the new
    deployment to be the steady one; a service ECS does not know fails with its name."""
    sbfn = DRIVER
    project = os.path.join(scratch, "project")
    os.makedirs(os.path.join(project, "functions", "hello"))
    with open(os.path.join(project, "functions", "hello", "index.ts"), "w") as f:
        f.write('Deno.serve(() => new Response("hello"));\n')
    registry = Registry(scratch)
    aws = AwsStandIn(scratch, {
        "region": "eu-west-1", "account": "123456789012",
        "keys": {"AKIDEXAMPLE": {"secret": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}},
        "ecs": {"cluster": "prod", "services": {"api": {"desired": 2}}}})
    env = dict(os.environ, HOME=scratch, NO_COLOR="1", SBFN_CACHE_DIR=os.path.join(scratch, "cache"),
               AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
               AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
               AWS_REGION="eu-west-1", AWS_ENDPOINT_URL_ECS=aws.url,
               AWS_CONFIG_FILE=os.path.join(scratch, "none"),
               AWS_SHARED_CREDENTIALS_FILE=os.path.join(scratch, "none"))
    try:
        ref = "%s/fns:live" % registry.host
        run = subprocess.run([sbfn, "deploy", "--image", ref, "--ecs-cluster", "prod",
                              "--ecs-service", "api", "--ecs-poll-interval", "1"],
                             cwd=project, capture_output=True, text=True, timeout=240, env=env)
        check(run.returncode == 0, "deploy with --ecs-service failed: %s" % run.stderr)
        check("Rolling the ECS service api (cluster prod, eu-west-1)" in run.stderr, run.stderr)
        check("api: 2/2 running" in run.stderr, "a progress line per look: %s" % run.stderr)
        check("ECS service api is stable on deployment ecs-svc/0000000000000000002" in run.stdout,
              run.stdout)
        operations = [(e["operation"], e["verdict"]) for e in aws.log()]
        check(operations[0] == ("UpdateService", "ok"), "UpdateService first: %s" % operations)
        check(all(v == "ok" for _, v in operations), "every signature verified: %s" % operations)
        check(json.loads(aws.log()[0]["body"]).get("forceNewDeployment") is True,
              "forceNewDeployment sent")

        missing = subprocess.run([sbfn, "deploy", "--image", ref, "--ecs-cluster", "prod",
                                  "--ecs-service", "nope", "--ecs-poll-interval", "1"],
                                 cwd=project, capture_output=True, text=True, timeout=240, env=env)
        check(missing.returncode == 1 and "nope" in missing.stderr,
              "an unknown service fails naming it: %s" % missing.stderr)
        layout = subprocess.run([sbfn, "deploy", "--oci-layout", "out", "--ecs-service", "api"],
                                cwd=project, capture_output=True, text=True, timeout=60, env=env)
        check(layout.returncode == 1 and "--ecs-service rolls a service onto the image pushed"
              in layout.stderr, layout.stderr)
    finally:
        registry.stop()
        aws.stop()


def case_sbfn_deploy_stack(scratch):
    """`sbfn deploy --image REF --aws-stack NAME`: after the push, the stack of the
    --emit cloudformation template is created with the pushed image by digest and the ECS
    guide's parameters.json (every request's signature verified), its events printed as they
    come and the load balancer's URL printed from the outputs; a redeploy of the same image
    changes nothing, a new image updates the stack keeping the other parameters; a stack
    that ends in ROLLBACK_COMPLETE fails with the resource's reason; a dry run calls nothing."""
    sbfn = DRIVER
    project = os.path.join(scratch, "project")
    os.makedirs(os.path.join(project, "functions", "hello"))
    source = os.path.join(project, "functions", "hello", "index.ts")
    with open(source, "w") as f:
        f.write('Deno.serve(() => new Response("hello"));\n')
    url = "http://fns-production-alb-1.eu-west-1.elb.amazonaws.com"
    registry = Registry(scratch)
    aws = AwsStandIn(scratch, {
        "region": "eu-west-1", "account": "123456789012",
        "keys": {"AKIDEXAMPLE": {"secret": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}},
        "cloudformation": {"outputs": {"LoadBalancerURL": url, "NotInTheTemplate": "x"},
                           "failResource": {"fns-broken": "Service"},
                           "failReason": "Resource handler returned message: \"subnet-0 "
                                         "does not exist\""}})
    env = dict(os.environ, HOME=scratch, NO_COLOR="1", SBFN_CACHE_DIR=os.path.join(scratch, "cache"),
               AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
               AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
               AWS_REGION="eu-west-1", AWS_ENDPOINT_URL_CLOUDFORMATION=aws.url,
               AWS_CONFIG_FILE=os.path.join(scratch, "none"),
               AWS_SHARED_CREDENTIALS_FILE=os.path.join(scratch, "none"))
    # The ECS guide's parameters.json as self-hosters keep it, plus the network.
    parameters = os.path.join(scratch, "parameters.json")
    with open(parameters, "w") as f:
        json.dump([{"ParameterKey": k, "ParameterValue": v} for k, v in [
            ("ProjectName", "supabase-edge-runtime"), ("Environment", "production"),
            ("ContainerPort", "9000"), ("DesiredCount", "2"), ("CPU", "512"), ("Memory", "1024"),
            ("JWTSecret", "jwt-secret"), ("AnonKey", "anon"), ("ServiceRoleKey", "service"),
            ("RequireAuth", "true"), ("VpcId", "vpc-0abc"), ("Subnets", "subnet-1,subnet-2")]], f)

    def deploy(*args):
        return subprocess.run([sbfn, "deploy", *args, "--stack-poll-interval", "1"], cwd=project,
                              capture_output=True, text=True, timeout=240, env=env)

    def calls(since=0):
        return aws.log()[since:]

    try:
        ref = "%s/fns:v1" % registry.host
        first = deploy("--image", ref, "--aws-stack", "fns-prod", "--parameters-file", parameters)
        check(first.returncode == 0, "deploy --aws-stack failed: %s" % first.stderr)
        check("CloudFormation stack fns-prod: CREATE_COMPLETE" in first.stdout, first.stdout)
        check(url in first.stdout and "NotInTheTemplate" not in first.stdout,
              "the URL from the template's outputs: %s" % first.stdout)
        for line in ("CREATE_IN_PROGRESS", "AWS::ECS::Service", "AWS::ElasticLoadBalancingV2::LoadBalancer",
                     "CREATE_COMPLETE"):
            check(line in first.stderr, "events printed as they come (%s): %s" % (line, first.stderr))
        log = calls()
        check(all(e["verdict"] == "ok" for e in log), "every signature verified: %s" % log)
        create = next(e for e in log if e["operation"] == "CreateStack")
        form = parse_qs(create["body"])
        given = {form["Parameters.member.%d.ParameterKey" % n][0]:
                 form.get("Parameters.member.%d.ParameterValue" % n, [""])[0]
                 for n in range(1, 20) if "Parameters.member.%d.ParameterKey" % n in form}
        digest = re.search(r"Pushed \S+@(sha256:[0-9a-f]{64})", first.stdout).group(1)
        check(given["ImageUri"] == "%s/fns@%s" % (registry.host, digest),
              "the pushed image by digest: %s" % given)
        check(given["ContainerPort"] == "9000" and given["JWTSecret"] == "jwt-secret", given)
        check(form["Capabilities.member.1"] == ["CAPABILITY_IAM"], "CAPABILITY_IAM given")
        template = json.loads(form["TemplateBody"][0])
        check(template["Resources"]["Service"]["Type"] == "AWS::ECS::Service", "our template")

        # The same image again: nothing to update, the outputs still printed (JSON for CI).
        seen = len(aws.log())
        again = deploy("--image", ref, "--aws-stack", "fns-prod", "--output", "json")
        check(again.returncode == 0, "a redeploy of the same image failed: %s" % again.stderr)
        stack = json.loads(again.stdout)["stack"]
        check(stack["changed"] is False and stack["status"] == "CREATE_COMPLETE"
              and stack["outputs"] == {"LoadBalancerURL": url}, stack)
        check("No changes to deploy. Stack fns-prod is up to date" in again.stderr, again.stderr)
        update = next(e for e in calls(seen) if e["operation"] == "UpdateStack")
        form = parse_qs(update["body"])
        kept = [form["Parameters.member.%d.ParameterKey" % n][0] for n in range(1, 20)
                if form.get("Parameters.member.%d.UsePreviousValue" % n) == ["true"]]
        check("JWTSecret" in kept and "VpcId" in kept and "ImageUri" not in kept,
              "the deployed values are kept: %s" % kept)

        # A new image: the stack updates onto it.
        with open(source, "w") as f:
            f.write('Deno.serve(() => new Response("hello v2"));\n')
        second = deploy("--image", "%s/fns:v2" % registry.host, "--aws-stack", "fns-prod",
                        "--output", "json")
        check(second.returncode == 0, "the update failed: %s" % second.stderr)
        report = json.loads(second.stdout)
        check(report["stack"]["status"] == "UPDATE_COMPLETE" and report["stack"]["changed"],
              report["stack"])
        check(report["stack"]["image"] == report["target"]["pushed"], report)
        check("UPDATE_IN_PROGRESS" in second.stderr, second.stderr)

        # A dry run builds but calls nothing.
        seen = len(aws.log())
        dry = deploy("--image", ref, "--aws-stack", "fns-prod", "--dry-run")
        check(dry.returncode == 0 and "Dry run: would deploy the CloudFormation stack fns-prod"
              in dry.stdout, dry.stdout + dry.stderr)
        check(len(aws.log()) == seen, "a dry run sends nothing to AWS")

        # A stack that rolls back: exit 1 with the resource's reason; then it must be deleted.
        broken = deploy("--image", ref, "--aws-stack", "fns-broken", "--parameters-file",
                        parameters)
        check(broken.returncode == 1, "a rolled-back stack must fail: %s" % broken.stdout)
        check("ROLLBACK_COMPLETE" in broken.stderr and "Service (AWS::ECS::Service)" in broken.stderr
              and "subnet-0 does not exist" in broken.stderr, broken.stderr)
        again = deploy("--image", ref, "--aws-stack", "fns-broken", "--parameters-file", parameters)
        check(again.returncode == 1 and "delete it" in again.stderr, again.stderr)

        # What CloudFormation refuses reaches the user: a stack without its required values.
        bare = deploy("--image", ref, "--aws-stack", "fns-new")
        check(bare.returncode == 1 and "must have values" in bare.stderr, bare.stderr)
        # A parameters file that is not one: refused before anything is built.
        with open(parameters, "w") as f:
            f.write('{"ProjectName": "x"}')
        bad = deploy("--image", ref, "--aws-stack", "fns-prod", "--parameters-file", parameters)
        check(bad.returncode == 1 and "is not a CloudFormation parameters file" in bad.stderr
              and "Bundled" not in bad.stderr, bad.stderr)
    finally:
        registry.stop()
        aws.stop()


def main():
    case = sys.argv[2]
    scratch = tempfile.mkdtemp(prefix="sbfn-registry-")
    try:
        globals()["case_" + case](scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("ok: registry." + case)


if __name__ == "__main__":
    main()
