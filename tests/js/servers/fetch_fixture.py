#!/usr/bin/env python3
"""Servers the fetch tests talk to, on 127.0.0.1 (tests/js/fetch_net_test.js).

Starts three listeners and prints one JSON line with their URLs once they accept:
  http   plain HTTP/1.1: echo, redirect chains, gzip/br bodies, slow/endless/reset bodies
  https  the same handler over TLS, with a certificate from a CA made at start
  proxy  a forward proxy (absolute-URI requests) and CONNECT tunnel, counting its use
The CA and keys are generated with the openssl CLI into a temporary folder removed at
exit; nothing secret is committed. Stops on SIGTERM or when stdin closes.
"""
import gzip
import http.server
import json
import os
import select
import shutil
import socket
import socketserver
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse
import zlib

from lifetime import run_until_stopped  # noqa: E402 (a sibling module)
from test_ca import make_certs  # noqa: E402 (a sibling module)

# brotli is not in the standard library: a fixed, pre-encoded body ("hello brotli" * 4,
# made with Node's zlib.brotliCompressSync; any decoder yields the same text).
BROTLI_TEXT = b"hello brotli" * 4
BROTLI_BODY = bytes.fromhex("1b2f00f81da9539fbb702d5686262741d8e8922ded2d8a8a057466fc02")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        names = set()
        for k, v in headers:
            self.send_header(k, v)
            names.add(k.lower())
        if "content-type" not in names:
            self.send_header("content-type", "text/plain")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("content-length", "0") or 0)
        return self.rfile.read(n) if n else b""

    def chunked_start(self, status=200, ctype="text/plain"):
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path
        body = self.read_body()
        if path == "/echo":
            # What arrived, as JSON: method, path, headers (lower-cased), body text.
            info = {"method": self.command, "url": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace"), "bytes": len(body)}
            return self.send(200, json.dumps(info).encode(),
                             [("content-type", "application/json")])
        if path.startswith("/redirect/"):
            # /redirect/<status>?to=<location>&n=<hops>: n hops of <status>, then `to`.
            status = int(path.split("/")[2])
            hops = int(query.get("n", "1"))
            target = query.get("to", "/echo")
            if hops > 1:
                target = "/redirect/%d?%s" % (status, urllib.parse.urlencode(
                    {"to": query.get("to", "/echo"), "n": hops - 1}))
            return self.send(status, b"moved", [("location", target)])
        if path == "/gzip":
            return self.send(200, gzip.compress(b"hello gzip" * 100),
                             [("content-encoding", "gzip")])
        if path == "/deflate":
            return self.send(200, zlib.compress(b"hello deflate" * 100),
                             [("content-encoding", "deflate")])
        if path == "/br":
            return self.send(200, BROTLI_BODY, [("content-encoding", "br")])
        if path == "/slow":
            # `n` chunks "chunk <i>\n", `ms` apart.
            self.chunked_start()
            for i in range(int(query.get("n", "5"))):
                self.chunk(b"chunk %d\n" % i)
                time.sleep(int(query.get("ms", "50")) / 1000)
            self.chunk(b"")
            return None
        if path == "/endless":
            self.chunked_start()
            try:
                while True:
                    self.chunk(b"x" * 16384)
                    time.sleep(0.001)
            except OSError:
                return None
        if path == "/reset":
            # Promises 100000 bytes, sends 1000, then resets the connection (RST).
            self.send_response(200)
            self.send_header("content-length", "100000")
            self.end_headers()
            self.wfile.write(b"r" * 1000)
            self.wfile.flush()
            time.sleep(0.05)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
            self.close_connection = True
            return None
        if path == "/hangup":
            # Closes the connection without answering.
            self.close_connection = True
            return None
        if path == "/bytes":
            n = int(query.get("n", "1048576"))
            return self.send(200, b"b" * n, [("content-type", "application/octet-stream")])
        if path == "/sse/stream":
            # An event stream exercising the parser (tests/js/event_source_test.js): a BOM,
            # comments, CR / LF / CRLF endings, a CRLF and a UTF-8 character split across
            # chunks, multi-line data, event names, ids (one with NUL), a field without colon.
            self.chunked_start(ctype="text/event-stream; charset=utf-8")
            for part in (b"\xef\xbb\xbf: a comment\r\n", b"retry: 10000\r\n",
                         b"id: 1\r\ndata: first\r\n\r\n",
                         b"event: custom\rdata: line1\rdata: line2\r\r",
                         b"data\n\n",
                         b"id: a\x00b\ndata: nul-id\n\n",
                         b"data:no-space\ndata:  two-spaces\nunknown: x\n\n",
                         b"data: a\r", b"\ndata: b\r\n\r\n",
                         b"data: caf\xc3", b"\xa9\n\n",
                         b"id\ndata: cleared\n\n",
                         b"data: cut off at the end"):
                self.chunk(part)
                time.sleep(0.005)
            self.chunk(b"")
            return None
        if path == "/sse/reconnect":
            # Without Last-Event-ID: two events (ids 1 and 2) and a short retry, then the end;
            # with it: one event echoing the request's headers.
            self.chunked_start(ctype="text/event-stream")
            last = self.headers.get("last-event-id")
            if last is None:
                self.chunk(b"retry: 50\nid: 1\ndata: one\n\nid: 2\ndata: two\n\n")
            else:
                self.chunk(b"data: %s\n\n" % json.dumps({
                    "last": last, "accept": self.headers.get("accept")}).encode())
            self.chunk(b"")
            return None
        if path == "/sse/hold":
            # One event, then comments until the client goes away.
            self.chunked_start(ctype="text/event-stream")
            try:
                self.chunk(b"data: held\n\n")
                while True:
                    time.sleep(0.02)
                    self.chunk(b":\n")
            except OSError:
                return None
        if path == "/status":
            return self.send(int(query.get("code", "200")), query.get("text", "").encode())
        return self.send(404, b"not found")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    count = 0
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def bump(self):
        with ProxyHandler.lock:
            ProxyHandler.count += 1

    def do_CONNECT(self):
        host, port = self.path.rsplit(":", 1)
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.send_error(502)
            return
        self.bump()
        self.send_response(200, "Connection Established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        pipe(self.connection, upstream)

    def forward(self):
        if not self.path.startswith("http://"):
            # Not a proxied request: /count reports how many requests went through.
            body = json.dumps({"count": ProxyHandler.count}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.bump()
        url = urllib.parse.urlsplit(self.path)
        n = int(self.headers.get("content-length", "0") or 0)
        body = self.rfile.read(n) if n else b""
        upstream = socket.create_connection((url.hostname, url.port or 80), timeout=10)
        target = url.path + ("?" + url.query if url.query else "")
        lines = ["%s %s HTTP/1.1" % (self.command, target or "/")]
        for k, v in self.headers.items():
            if k.lower() not in ("proxy-connection", "connection", "keep-alive"):
                lines.append("%s: %s" % (k, v))
        lines.append("x-via-proxy: sbfn-fixture")
        lines.append("connection: close")
        upstream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        self.close_connection = True
        while True:
            data = upstream.recv(65536)
            if not data:
                break
            self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward


def pipe(a, b):
    socks = [a, b]
    try:
        while True:
            ready, _, _ = select.select(socks, [], [], 30)
            if not ready:
                return
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)
    except OSError:
        pass
    finally:
        b.close()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        # Clients that reset or abort on purpose (the abort and reset tests): not news.
        pass


def main():
    folder = tempfile.mkdtemp(prefix="sbfn-fetch-fixture-")
    try:
        ca, cert, key = make_certs(folder)
        plain = Server(("127.0.0.1", 0), Handler)
        tls = Server(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        proxy = Server(("127.0.0.1", 0), ProxyHandler)
        for s in (plain, tls, proxy):
            threading.Thread(target=s.serve_forever, daemon=True).start()
        # A port nothing listens on: bound, then closed.
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
        probe.close()
        print(json.dumps({
            "http": "http://127.0.0.1:%d" % plain.server_address[1],
            "https": "https://localhost:%d" % tls.server_address[1],
            "proxy": "http://127.0.0.1:%d" % proxy.server_address[1],
            "ca": open(ca).read(),  # the PEM itself: SBFN_TEST_CA
            "closed": "http://127.0.0.1:%d" % closed_port,
        }), flush=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    # Ends the process at once (os._exit): its server threads never hold up the exit.
    run_until_stopped(lambda: shutil.rmtree(folder, ignore_errors=True))


if __name__ == "__main__":
    main()
