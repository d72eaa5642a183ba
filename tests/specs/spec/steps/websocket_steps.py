"""The websocket step: handshake, an exchange of messages, and the closing handshake."""

import base64
import os
import socket
import time

from ..errors import StepFailure
from ..http_client import ConnectionClosed, HttpConnection
from ..matchers import check_response
from ..values import shorten, text_value
from ..websocket_client import WebSocketClient, expected_accept
from . import step_kind
from .http_steps import build_request


@step_kind("websocket")
def websocket(case, step):
    spec = step["websocket"]
    server = case.require_server()
    timeout = spec.get("timeout_ms", 10000) / 1000.0
    try:
        conn = HttpConnection(server.host, server.port, timeout)
    except OSError as error:
        raise StepFailure("cannot connect to the server: %s" % error)
    try:
        websocket_session(case, conn, spec, server)
    except socket.timeout:
        raise StepFailure("websocket: timed out after %dms" % (timeout * 1000))
    except ConnectionClosed as closed:
        raise StepFailure("websocket: %s" % closed)
    finally:
        conn.close()


def websocket_session(case, conn, spec, server):
    """The handshake, then the exchange items in order, then the closing handshake."""
    key = base64.b64encode(os.urandom(16)).decode()
    headers = {"Upgrade": "websocket", "Connection": "Upgrade",
               "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13"}
    if spec.get("protocols"):
        headers["Sec-WebSocket-Protocol"] = ", ".join(spec["protocols"])
    headers.update(spec.get("headers") or {})
    data, _ = build_request(case, {"method": "GET", "path": spec["path"], "headers": headers},
                            server.host, server.port)
    conn.send(data)
    handshake = spec.get("handshake") or {"status": 101}
    response = conn.read_response("GET") if handshake.get("status", 101) != 101 else None
    if response is None:
        response = conn.read_upgrade_response()
    check_response("websocket handshake", handshake, response)
    if response.status != 101:
        return
    accept = expected_accept(key)
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
