"""A minimal RFC 6455 WebSocket client on top of an HttpConnection's socket."""

import base64
import hashlib
import os

from .errors import StepFailure

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


def expected_accept(key):
    """The Sec-WebSocket-Accept a server must answer to Sec-WebSocket-Key `key`."""
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
