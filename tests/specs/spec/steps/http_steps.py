"""HTTP request steps: one request (optionally in the background), awaiting it, and
requests sent in parallel."""

import base64
import json
import socket
import threading
import time

from ..errors import CaseError, StepFailure
from ..http_client import ConnectionClosed, HttpConnection
from ..matchers import check_response, describe_expect
from ..values import raw_bytes, text_value
from . import step_kind

DEFAULT_REQUEST_TIMEOUT_MS = 30000


def build_request(case, spec, host, port):
    if "raw" in spec:
        return raw_bytes(spec["raw"], "request.raw"), "RAW"
    method = spec.get("method", "GET").upper()
    path = text_value(spec.get("path", "/"), "request.path")
    headers = []
    defaults = (case.spec.get("request_defaults") or {}).get("headers") or {}
    given = spec.get("headers") or {}
    pairs = given if isinstance(given, list) else list(given.items())
    given_names = {name.lower() for name, _ in pairs}
    for name, value in defaults.items():
        if name.lower() not in given_names:
            headers.append((name, value))
    for name, value in pairs:
        if value is not None:  # null removes a default
            headers.append((name, text_value(value, "header " + name)))
    body = None
    if "json" in spec:
        body = json.dumps(spec["json"]).encode()
        if "content-type" not in given_names:
            headers.append(("Content-Type", "application/json"))
    elif "body" in spec:
        body = text_value(spec["body"], "request.body").encode("utf-8")
    elif "body_base64" in spec:
        body = base64.b64decode(spec["body_base64"])
    names = {name.lower() for name, _ in headers}
    if "host" not in names:
        headers.insert(0, ("Host", "%s:%d" % (host, port)))
    if body is not None and "content-length" not in names \
            and "transfer-encoding" not in names:
        headers.append(("Content-Length", str(len(body))))
    elif body is None and method in ("POST", "PUT", "PATCH") and \
            "content-length" not in names and "transfer-encoding" not in names:
        headers.append(("Content-Length", "0"))
    head = "%s %s HTTP/1.1\r\n" % (method, path)
    head += "".join("%s: %s\r\n" % (n, v) for n, v in headers) + "\r\n"
    return head.encode("latin-1") + (body or b""), method


def do_request(case, spec, expect):
    """Sends one request and checks the response(s). Raises StepFailure."""
    server = case.require_server()
    timeout = spec.get("timeout_ms", DEFAULT_REQUEST_TIMEOUT_MS) / 1000.0
    name = spec.get("connection")
    conn = case.connections.get(name) if name else None
    reused = conn is not None
    if conn is None:
        try:
            conn = HttpConnection(server.host, server.port, timeout)
        except OSError as error:
            raise StepFailure("cannot connect to the server: %s" % error)
        if name:
            case.connections[name] = conn
    conn.set_timeout(timeout)
    data, method = build_request(case, spec, server.host, server.port)
    label = "%s %s" % (spec.get("method", "GET"), spec.get("path", "/")) \
        if "raw" not in spec else "raw request"
    try:
        try:
            conn.send(data)
        except OSError as error:
            raise StepFailure("could not send the request%s: %s"
                              % (" on the reused connection" if reused else "", error))
        if "hang_up_after_bytes" in spec:
            # Read this much of the response (head and body), then close the socket:
            # a client that leaves in the middle of a streamed body.
            want = int(spec["hang_up_after_bytes"])
            while len(conn.buf) < want:
                try:
                    chunk = conn.sock.recv(65536)
                except socket.timeout:
                    raise StepFailure("%s: only %d of %d bytes arrived within %dms"
                                      % (label, len(conn.buf), want, timeout * 1000))
                if not chunk:
                    raise StepFailure("%s: the server closed the connection after %d bytes"
                                      % (label, len(conn.buf)))
                conn.buf += chunk
            status_line = bytes(conn.buf).split(b"\r\n", 1)[0].decode("latin-1")
            if "status" in (expect or {}) and \
                    not status_line.startswith("HTTP/1.1 %s " % expect["status"]):
                raise StepFailure("%s: unexpected status line" % label,
                                  expected=str(expect["status"]), got=status_line)
            return
        expected_list = (expect or {}).get("responses")
        expects = expected_list if expected_list is not None else [expect or {}]
        for position, one in enumerate(expects):
            where = label if len(expects) == 1 else "%s, response %d" % (label, position + 1)
            on_interim = None
            if "send_after_continue" in spec:
                # Expect: 100-continue: the body goes only once the server asks for it.
                def on_interim(status):
                    if status == 100:
                        conn.sock.sendall(raw_bytes(spec["send_after_continue"],
                                                    "request.send_after_continue"))
            if spec.get("stall_ms") and position == 0:
                time.sleep(spec["stall_ms"] / 1000.0)  # a client that stops reading
            try:
                response = conn.read_response("HEAD" if method == "HEAD" else method,
                                              on_interim, spec.get("discard_body", False))
            except socket.timeout:
                raise StepFailure("%s: no complete response within %dms"
                                  % (where, timeout * 1000),
                                  expected=describe_expect(one),
                                  got="timeout (%d bytes buffered)" % len(conn.buf))
            except ConnectionClosed as closed:
                raise StepFailure("%s: %s%s before a complete response" % (
                    where, closed, " (on a reused keep-alive connection)" if reused else ""),
                    expected=describe_expect(one), got="%d bytes" % len(conn.buf))
            check_response(where, one, response)
        if (expect or {}).get("connection") is not None:
            want = expect["connection"]
            closed = conn.closed_by_server(2.0 if want == "close" else 0.2)
            if want == "close" and not closed:
                raise StepFailure("%s: the server kept the connection open" % label,
                                  expected="connection closed", got="still open after 2s")
            if want == "close" and conn.buf:
                # Bytes after the last expected response: a response nobody asked for,
                # e.g. to a request smuggled inside the previous one's body.
                raise StepFailure("%s: more bytes came before the server closed" % label,
                                  expected="nothing after the expected response(s)",
                                  got=bytes(conn.buf[:300]).decode("latin-1"))
            if want == "keep-alive" and closed:
                raise StepFailure("%s: the server closed the connection" % label,
                                  expected="connection kept open", got="closed")
    finally:
        if not name:
            conn.close()
        elif conn.eof:
            conn.close()
            case.connections.pop(name, None)


@step_kind("request", takes_expect=True, may_background=True)
def request(case, step):
    spec = step["request"]
    expect = step.get("expect") or {}
    name = step.get("background")
    if not name:
        do_request(case, spec, expect)
        return
    if name in case.background:
        raise CaseError("background request %r already started" % name)
    result = {}

    def work():
        try:
            do_request(case, spec, expect)
        except StepFailure as failure:
            result["failure"] = failure
        except Exception as error:  # noqa: BLE001 - reported on await
            result["failure"] = StepFailure("runner error: %r" % error)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    case.background[name] = (thread, result)


def await_background(case, name):
    if name not in case.background:
        raise CaseError("no background request named %r" % name)
    thread, result = case.background.pop(name)
    thread.join(DEFAULT_REQUEST_TIMEOUT_MS / 1000.0 + 5)
    if thread.is_alive():
        raise StepFailure("background request %r did not finish" % name)
    if "failure" in result:
        raise result["failure"]


@step_kind("await")
def await_(case, step):
    await_background(case, step["await"])


@step_kind("requests_parallel")
def requests_parallel(case, step):
    items = step["requests_parallel"]
    results = [None] * len(items)

    def work(index, item):
        try:
            do_request(case, item["request"], item.get("expect") or {})
        except StepFailure as failure:
            results[index] = failure
        except Exception as error:  # noqa: BLE001
            results[index] = StepFailure("runner error: %r" % error)

    threads = [threading.Thread(target=work, args=(i, item), daemon=True)
               for i, item in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed = [(i, f) for i, f in enumerate(results) if f is not None]
    if failed:
        index, first = failed[0]
        raise StepFailure("%d of %d parallel requests failed; first is #%d: %s"
                          % (len(failed), len(items), index, first.message),
                          expected=first.expected, got=first.got)
