#!/usr/bin/env python3
"""`sbfn serve` in production dress: HTTPS with --tls-cert/--tls-key (the client's real address
reaches the function; SIGHUP swaps the certificate for new connections; the admin API over
HTTPS on 0.0.0.0), GET /metrics read by Prometheus' own Python parser (Debian's
python3-prometheus-client, run with /usr/bin/python3), and --graceful-exit-timeout.
Usage: https_metrics_test.py <sbfn binary>."""

import hashlib
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

WAIT_S = 30.0
TOKEN = "0123456789abcdef0123456789abcdef"
ANON = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJ"
        "leHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0")

PARSE_METRICS = r"""
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        out.setdefault(family.name + "|" + family.type, []).append(
            [sample.name, sample.labels, sample.value])
print(json.dumps(out))
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def make_certificates(root):
    """A CA, and two server certificates for 127.0.0.1 signed by it."""
    ca_key, ca = os.path.join(root, "ca.key"), os.path.join(root, "ca.pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
            "-days", "2", "-subj", "/CN=sbfn test CA")
    ext = os.path.join(root, "san.ext")
    write(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    pairs = []
    for name in ("first", "second"):
        key, csr, cert = (os.path.join(root, name + s) for s in (".key", ".csr", ".pem"))
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                "-subj", "/CN=sbfn " + name)
        openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
                "-out", cert, "-days", "2", "-extfile", ext)
        pairs.append((cert, key))
    return ca, pairs


class Server:
    def __init__(self, binary, root, *args):
        self.lines = []
        self.proc = subprocess.Popen([binary, "serve", "--port", "0", "--no-watch", *args], cwd=root,
                                     env=dict(os.environ, NO_COLOR="1"), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        threading.Thread(target=self.pump, daemon=True).start()
        m = self.wait_for(r"Serving functions on (https?)://127\.0\.0\.1:(\d+)/")
        self.scheme, self.port = m.group(1), int(m.group(2))

    def pump(self):
        for line in iter(self.proc.stdout.readline, b""):
            self.lines.append(line.decode("utf-8", "replace"))

    def wait_for(self, pattern):
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            for line in list(self.lines):
                m = re.search(pattern, line)
                if m:
                    return m
            if self.proc.poll() is not None and not self.lines:
                break
            time.sleep(0.02)
        raise AssertionError("no line matching %r in:\n%s" % (pattern, "".join(self.lines)))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=WAIT_S)


def https_get(port, path, context, headers=None):
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=WAIT_S)
    conn.connect()
    local_port = conn.sock.getsockname()[1]
    served_cert = conn.sock.getpeercert(binary_form=True)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, local_port, hashlib.sha256(served_cert).hexdigest()


def fingerprint(pem_path):
    der = ssl.PEM_cert_to_DER_cert(open(pem_path).read())
    return hashlib.sha256(der).hexdigest()


def test_https(binary, root):
    ca, [(cert1, key1), (cert2, key2)] = make_certificates(root)
    served_cert, served_key = os.path.join(root, "served.pem"), os.path.join(root, "served.key")
    write(served_cert, open(cert1).read())
    write(served_key, open(key1).read())
    write(os.path.join(root, "token"), TOKEN + "\n")
    write(os.path.join(root, "functions", "peer", "index.ts"),
          "Deno.serve((req, info) => Response.json(info.remoteAddr));\n")
    context = ssl.create_default_context(cafile=ca)

    # Without TLS the admin API is refused on 0.0.0.0; with it, it is allowed.
    server = Server(binary, root, "--host", "0.0.0.0", "--tls-cert", served_cert, "--tls-key",
                    served_key, "--admin-token-file", os.path.join(root, "token"), "--state-dir",
                    os.path.join(root, "state"), "--no-verify-jwt")
    try:
        assert server.scheme == "https", server.lines
        status, body, local_port, served = https_get(server.port, "/functions/v1/peer", context)
        assert status == 200, body
        peer = json.loads(body)
        assert peer["hostname"] == "127.0.0.1" and peer["port"] == local_port, (peer, local_port)
        assert served == fingerprint(cert1)
        # Plain HTTP on the TLS port gets no answer.
        with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT_S) as plain:
            plain.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert not plain.recv(100).startswith(b"HTTP/1.1 200")

        # sbfn deploy --to https:// trusts the CA from SSL_CERT_FILE.
        project = os.path.join(root, "project")
        write(os.path.join(project, "functions", "hello", "index.ts"),
              'Deno.serve(() => new Response("hello over TLS"));\n')
        deployed = subprocess.run(
            [binary, "deploy", "hello", "--to", "https://127.0.0.1:%d" % server.port,
             "--token-file", os.path.join(root, "token")], cwd=project, capture_output=True,
            text=True, env=dict(os.environ, SSL_CERT_FILE=ca), timeout=120)
        assert deployed.returncode == 0, deployed.stderr
        status, body, _, _ = https_get(server.port, "/functions/v1/hello", context,
                                       {"Authorization": "Bearer " + ANON})
        assert (status, body) == (200, b"hello over TLS"), (status, body)

        # SIGHUP: new connections get the new certificate.
        write(served_cert, open(cert2).read())
        write(served_key, open(key2).read())
        server.proc.send_signal(signal.SIGHUP)
        server.wait_for(r"SIGHUP: reloaded the TLS certificate")
        assert https_get(server.port, "/health", context)[3] == fingerprint(cert2)
        # A broken certificate on SIGHUP keeps the old one serving.
        write(served_cert, "not a certificate\n")
        server.proc.send_signal(signal.SIGHUP)
        server.wait_for(r"still serving the previous certificate")
        assert https_get(server.port, "/health", context)[3] == fingerprint(cert2)
    finally:
        server.stop()

    # Certificate errors are said at start-up.
    bad = subprocess.run([binary, "serve", "--port", "0", "--tls-cert", served_cert, "--tls-key",
                          key1], cwd=root, capture_output=True, text=True, timeout=WAIT_S)
    assert bad.returncode == 1 and "cannot load the certificate chain" in bad.stderr, bad.stderr
    bad = subprocess.run([binary, "serve", "--port", "0", "--tls-cert", cert1], cwd=root,
                         capture_output=True, text=True, timeout=WAIT_S)
    assert bad.returncode == 1 and "--tls-cert needs --tls-key" in bad.stderr, bad.stderr
    print("https: ok")


def parse_metrics(text):
    parsed = subprocess.run(["/usr/bin/python3", "-c", PARSE_METRICS], input=text,
                            capture_output=True, text=True, timeout=WAIT_S)
    assert parsed.returncode == 0, "Prometheus' parser refused the page: %s\n%s" % (
        parsed.stderr, text)
    return json.loads(parsed.stdout)


def test_metrics(binary, root):
    write(os.path.join(root, "functions", "hello", "index.ts"),
          'Deno.serve(() => new Response("hi"));\n')
    write(os.path.join(root, "functions", "greedy", "index.ts"),
          'Deno.serve(() => { const a = []; for (;;) a.push(new Array(1e6).fill(1)); });\n')
    server = Server(binary, root, "--metrics", "--memory-limit", "32")
    try:
        for _ in range(3):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT_S)
            conn.request("GET", "/functions/v1/hello", headers={"Authorization": "Bearer " + ANON})
            assert conn.getresponse().read() == b"hi"
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT_S)
        conn.request("GET", "/functions/v1/hello")  # no JWT: 401
        conn.getresponse().read()
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT_S)
        conn.request("GET", "/functions/v1/greedy", headers={"Authorization": "Bearer " + ANON})
        assert conn.getresponse().status == 546
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT_S)
        conn.request("GET", "/metrics")
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("content-type").startswith("text/plain; version=0.0.4")
        families = parse_metrics(response.read().decode())
        requests = {(s[1].get("function"), s[1].get("status")): s[2]
                    for s in families["sbfn_requests|counter"]}
        assert requests.get(("hello", "200")) == 3 and requests.get(("hello", "401")) == 1, requests
        assert requests.get(("greedy", "546")) == 1, requests
        histogram = {(s[0], s[1].get("le")): s[2]
                     for s in families["sbfn_request_duration_seconds|histogram"]
                     if s[1]["function"] == "hello"}
        assert histogram[("sbfn_request_duration_seconds_count", None)] == 4, histogram
        assert histogram[("sbfn_request_duration_seconds_bucket", "+Inf")] == 4, histogram
        boots = {(s[1]["function"], s[1]["result"]): s[2]
                 for s in families["sbfn_worker_boots|counter"]}
        assert boots[("hello", "ok")] == 1, boots
        limits = {(s[1]["function"], s[1]["limit"]): s[2]
                  for s in families["sbfn_worker_limits|counter"]}
        assert limits == {("greedy", "memory"): 1}, limits
        assert families["sbfn_workers|gauge"][0][2] >= 1
        assert families["process_resident_memory_bytes|gauge"][0][2] > 1 << 20
    finally:
        server.stop()
    # Without --metrics, /metrics is an ordinary path (no function of that name: 404).
    server = Server(binary, root)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT_S)
        conn.request("GET", "/metrics")
        assert conn.getresponse().status == 404
    finally:
        server.stop()
    print("metrics: ok")


def test_graceful_exit(binary, root):
    write(os.path.join(root, "functions", "slow", "index.ts"),
          'Deno.serve(async () => { await new Promise((r) => setTimeout(r, 1500));'
          ' return new Response("done"); });\n')
    for timeout, finishes in (("5", True), ("0.2", False)):
        server = Server(binary, root, "--no-verify-jwt", "--graceful-exit-timeout", timeout)
        result = {}

        def call():
            try:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT_S)
                conn.request("GET", "/functions/v1/slow")
                result["body"] = conn.getresponse().read()
            except Exception as error:
                result["error"] = repr(error)

        caller = threading.Thread(target=call)
        caller.start()
        time.sleep(0.5)  # the request is in the function's 1.5 s wait by then
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=WAIT_S)
        caller.join(WAIT_S)
        log = "".join(server.lines)
        assert "waiting up to %s for open requests" % ("5 s" if finishes else "200 ms") in log, log
        if finishes:
            assert result.get("body") == b"done", result
        else:
            # Cut off: the connection closes or the worker's end is reported (500).
            assert result.get("body") != b"done", result
            assert "request(s) still running after 200 ms; stopping anyway" in log, log
    print("graceful exit: ok")


def main():
    binary = os.path.abspath(sys.argv[1])
    for test in (test_https, test_metrics, test_graceful_exit):
        with tempfile.TemporaryDirectory(prefix="sbfn-prod-") as root:
            os.environ["SBFN_CACHE_DIR"] = os.path.join(root, ".cache")
            test(binary, root)


if __name__ == "__main__":
    main()
