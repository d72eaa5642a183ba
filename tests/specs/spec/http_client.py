"""A minimal HTTP/1.1 client over one socket.

The runner speaks HTTP itself (no http.client) so that it sees exactly what the server
sent: repeated headers, chunked framing, interim 1xx responses, and when each piece of a
body arrived (to prove streaming).
"""

import re
import socket
import threading
import time

from .errors import StepFailure
from .values import shorten

# Pieces of a body that arrive closer together than this count as one read.
CHUNK_GAP_S = 0.010


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

    def read_upgrade_response(self):
        """The response to a WebSocket handshake. A 101 is read up to the end of its head
        only: the bytes that follow are frames, not a body."""
        response = Response()
        response.started = time.monotonic()
        line = self._line()
        match = re.match(rb"^HTTP/\d\.\d (\d{3})(?: (.*))?$", line)
        if not match:
            raise StepFailure("websocket: malformed status line", got=shorten(line))
        response.status = int(match.group(1))
        while True:
            line = self._line()
            if not line:
                break
            name, _, value = line.partition(b":")
            response.headers.append((name.decode("latin-1"), value.strip().decode("latin-1")))
        if response.status != 101:
            self._read_body(response, "GET")
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
