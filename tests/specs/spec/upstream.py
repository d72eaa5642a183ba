"""Upstream servers of a case: plain HTTP servers on 127.0.0.1 that answer from routes
written in case.json and record every request they get, so a case can check both what a
function did with the answer and exactly what it sent (a Supabase client talking to a
fake PostgREST, a webhook target, ...).

    "upstreams": {"postgrest": {"routes": [
        {"method": "GET", "path": "/rest/v1/todos", "status": 200,
         "headers": {"Content-Range": "0-1/*"}, "json": [{"id": 1}]}]}}

A request matches the first route whose method (any when left out) and path (without the
query string) are equal; none matching answers 404. Every text file of the case saying
__UPSTREAM_<name>__ gets the server's base URL (http://127.0.0.1:PORT, no slash).
With "aws_sigv4", every request's AWS signature is checked first (aws_sigv4.py).
"""

import base64
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import aws_sigv4
from .values import text_value


class UpstreamServer(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


class Request:
    """What an upstream received: method, path, query string, headers, body bytes."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.path, _, self.query = target.partition("?")
        self.headers = headers      # [(name, value)] in the order sent
        self.body = body
        self.signature_problem = None  # why an aws_sigv4 upstream refused it

    def header_values(self, name):
        return [v for (n, v) in self.headers if n.lower() == name.lower()]

    def describe(self):
        lines = ["%s %s%s" % (self.method, self.path, "?" + self.query if self.query else "")]
        lines += ["  %s: %s" % (n, v) for (n, v) in self.headers]
        if self.body:
            lines.append("  (body) " + self.body.decode("utf-8", "replace")[:300])
        if self.signature_problem:
            lines.append("  (refused: AWS signature) " + self.signature_problem)
        return "\n".join(lines)


class RecordingServer:
    """What every kind of upstream has: a name, a server on 127.0.0.1 (made by start()),
    and the requests it recorded."""
    scheme = "http"

    def __init__(self, name):
        self.name = name
        self.requests = []
        self.lock = threading.Lock()
        self.server = None
        self.port = None

    @property
    def base(self):
        return "%s://127.0.0.1:%d" % (self.scheme, self.port)

    @property
    def placeholder(self):
        return "__UPSTREAM_%s__" % self.name

    def serve(self, server):
        self.server = server
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


class Upstream(RecordingServer):
    def __init__(self, name, spec):
        super().__init__(name)
        self.routes = spec.get("routes") or []
        self.aws_sigv4 = spec.get("aws_sigv4")

    def start(self):
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                # Head and body go out in two writes: without this, Nagle's algorithm and
                # the client's delayed ACK cost 40 ms per kept-alive request.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def handle_any(self):
                upstream.handle(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

        self.serve(UpstreamServer(("127.0.0.1", 0), Handler))

    def handle(self, handler):
        body = read_body(handler)
        request = Request(handler.command, handler.path, list(handler.headers.items()), body)
        if self.aws_sigv4 is not None:
            request.signature_problem, request.body = aws_sigv4.check(
                self.aws_sigv4, request.method, handler.path, request.headers, body, self.base)
        with self.lock:
            self.requests.append(request)
        if request.signature_problem:
            return self.send(handler, 403, {"Content-Type": "application/xml"},
                             aws_sigv4.refusal(request.signature_problem))
        route = next((r for r in self.routes
                      if r.get("method", request.method) == request.method
                      and r["path"] == request.path), None)
        if route is None:
            return self.send(handler, 404, {"Content-Type": "application/json"},
                             b'{"message":"no route in case.json for this request"}')
        headers = dict(route.get("headers") or {})
        if "json" in route:
            headers.setdefault("Content-Type", "application/json")
            body = json.dumps(route["json"]).encode()
        elif "body_base64" in route:
            body = base64.b64decode(route["body_base64"])
        else:
            body = text_value(route.get("body", ""), "upstream route body").encode("utf-8")
        self.send(handler, route.get("status", 200), headers, body)

    @staticmethod
    def send(handler, status, headers, body):
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)


def read_body(handler):
    """The request body, by Content-Length or chunked (a fetch with a stream body)."""
    if "chunked" in (handler.headers.get("Transfer-Encoding") or "").lower():
        body = b""
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return body
            body += handler.rfile.read(size)
            handler.rfile.readline()  # the CRLF after the chunk
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""
