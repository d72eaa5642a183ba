#!/usr/bin/env python3
"""An HTTP/2 server the fetch tests talk to, on 127.0.0.1 (tests/js/fetch_h2_test.js).

TLS with ALPN offering h2 and http/1.1, a certificate for localhost from a CA made at start
(test_ca.py); HTTP/2 frames through the `h2` library (Debian's python3-h2). Every answer
carries `x-protocol`: "h2", or "http/1.1" when the client did not pick h2 (then the server
answers only that, so a test sees what happened instead of waiting).
  GET|POST /echo     JSON: method, path, request headers, body (the whole request body)
  GET /stream        "chunk <i>\\n" every 20 ms until the client resets the stream
Prints one JSON line once it listens; each key becomes an environment variable of the
tests (the harness prefixes SBFN_TEST_ and upper-cases it):
  h2      https://localhost:<port>
  h2_ca   the CA's certificate, PEM (the tests pass it to Deno.createHttpClient)
Stops on SIGTERM or when stdin closes.
"""
import json
import select
import shutil
import socket
import ssl
import sys
import tempfile
import threading

try:
    import h2.config
    import h2.connection
    import h2.events
    import h2.exceptions
except ImportError:
    # A python3 other than Debian's (pyenv, a venv) does not see Debian's python3-h2; the
    # module is pure Python, so Debian's folder serves any Python 3 of the same era.
    sys.path.append("/usr/lib/python3/dist-packages")
    import h2.config
    import h2.connection
    import h2.events
    import h2.exceptions

from lifetime import run_until_stopped  # noqa: E402 (a sibling module)
from test_ca import make_certs  # noqa: E402 (a sibling module)

CHUNK_INTERVAL = 0.02


class Connection:
    """One HTTP/2 connection, served on its own thread: a select loop that reads frames
    and, between reads, sends the next piece of every /stream response."""

    def __init__(self, sock):
        self.sock = sock
        self.conn = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        self.requests = {}  # stream id -> {"headers": [...], "body": bytearray}
        self.streams = {}   # stream id -> next chunk number, for /stream responses

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def serve(self):
        self.conn.initiate_connection()
        self.flush()
        while True:
            timeout = CHUNK_INTERVAL if self.streams else 30
            ready, _, _ = select.select([self.sock], [], [], timeout)
            if ready:
                data = self.sock.recv(65536)
                if not data:
                    return
                for event in self.conn.receive_data(data):
                    self.on_event(event)
            self.send_chunks()
            self.flush()

    def on_event(self, event):
        if isinstance(event, h2.events.RequestReceived):
            self.requests[event.stream_id] = {"headers": event.headers, "body": bytearray()}
        elif isinstance(event, h2.events.DataReceived):
            request = self.requests.get(event.stream_id)
            if request is not None:
                request["body"] += event.data
            self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.StreamEnded):
            self.respond(event.stream_id)
        elif isinstance(event, h2.events.StreamReset):
            self.requests.pop(event.stream_id, None)
            self.streams.pop(event.stream_id, None)

    def respond(self, stream_id):
        request = self.requests.pop(stream_id, None)
        if request is None:
            return
        headers = dict(request["headers"])
        path = headers.get(":path", "/")
        if path == "/stream":
            self.conn.send_headers(stream_id, [(":status", "200"), ("content-type", "text/plain"),
                                               ("x-protocol", "h2")])
            self.streams[stream_id] = 0
            return
        if path.split("?")[0] == "/echo":
            body = json.dumps({
                "method": headers.get(":method"), "path": path,
                "headers": {k: v for k, v in request["headers"] if not k.startswith(":")},
                "body": request["body"].decode("utf-8", "replace"),
            }).encode()
            status, ctype = "200", "application/json"
        else:
            body, status, ctype = b"not found", "404", "text/plain"
        self.conn.send_headers(stream_id, [(":status", status), ("content-type", ctype),
                                           ("content-length", str(len(body))),
                                           ("x-protocol", "h2")])
        self.conn.send_data(stream_id, body, end_stream=True)

    def send_chunks(self):
        for stream_id, number in list(self.streams.items()):
            chunk = b"chunk %d\n" % number
            try:
                # A client that stops reading closes the window: wait for it to open.
                if self.conn.local_flow_control_window(stream_id) < len(chunk):
                    continue
                self.conn.send_data(stream_id, chunk)
            except h2.exceptions.StreamClosedError:
                self.streams.pop(stream_id, None)
                continue
            self.streams[stream_id] = number + 1


def http1(sock):
    """What a client that did not pick h2 gets: one answer saying so."""
    body = b"this server expected HTTP/2"
    sock.sendall(b"HTTP/1.1 505 HTTP Version Not Supported\r\nx-protocol: http/1.1\r\n"
                 b"content-type: text/plain\r\ncontent-length: %d\r\nconnection: close\r\n\r\n%s"
                 % (len(body), body))


def handle(raw, context):
    try:
        sock = context.wrap_socket(raw, server_side=True)
    except (OSError, ssl.SSLError):
        raw.close()
        return
    try:
        if sock.selected_alpn_protocol() == "h2":
            Connection(sock).serve()
        else:
            sock.recv(65536)
            http1(sock)
    except (OSError, ssl.SSLError, h2.exceptions.ProtocolError):
        pass
    finally:
        sock.close()


def main():
    folder = tempfile.mkdtemp(prefix="sbfn-h2-fixture-")
    try:
        ca, cert, key = make_certs(folder, "sbfn h2 test CA")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.set_alpn_protocols(["h2", "http/1.1"])
        with open(ca) as f:
            ca_pem = f.read()
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the context holds the key in memory
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def accept():
        while True:
            try:
                raw, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(raw, context), daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()
    print(json.dumps({"h2": "https://localhost:%d" % listener.getsockname()[1], "h2_ca": ca_pem}),
          flush=True)
    run_until_stopped()


if __name__ == "__main__":
    main()
