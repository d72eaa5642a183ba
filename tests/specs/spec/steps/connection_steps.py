"""Raw TCP connection steps: many connections held open, bytes sent on them, and
waiting for the server to close them."""

import resource
import select
import socket
import time

from ..errors import CaseError, StepFailure
from ..values import raw_bytes
from . import step_kind


@step_kind("open")
def open_(case, step):
    spec = step["open"]
    server = case.require_server()
    count = int(spec.get("count", 1))
    data = raw_bytes(spec.get("raw", ""), "open.raw")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = count + 1024
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (want if hard == resource.RLIM_INFINITY else min(hard, want), hard))
    group = case.groups.setdefault(spec["name"], [])
    for index in range(count):
        try:
            sock = socket.create_connection((server.host.strip("[]"), server.port), timeout=5)
            if data:
                sock.sendall(data)
        except OSError as error:
            raise StepFailure("open: connection %d of %d failed: %s" % (index + 1, count, error))
        group.append(sock)


def sockets_named(case, name):
    """The sockets of an "open" group, or the one of a named request connection."""
    if name in case.groups:
        return case.groups[name]
    if name in case.connections:
        return [case.connections[name].sock]
    raise CaseError("no connection or group named %r" % name)


@step_kind("send")
def send(case, step):
    spec = step["send"]
    data = raw_bytes(spec["raw"], "send.raw")
    for sock in sockets_named(case, spec["connection"]):
        try:
            sock.sendall(data)
        except OSError as error:
            raise StepFailure("send on %s: %s" % (spec["connection"], error))


@step_kind("expect_closed")
def expect_closed(case, step):
    """Every socket of the group (or the named connection) is closed by the server
    within the time: EOF or reset; any bytes it sends first are ignored."""
    spec = step["expect_closed"]
    name = spec["connection"]
    pending = set(sockets_named(case, name))
    poller = select.poll()
    for sock in pending:
        poller.register(sock, select.POLLIN)
    by_fd = {sock.fileno(): sock for sock in pending}
    deadline = time.monotonic() + spec.get("within_ms", 10000) / 1000.0
    while pending and time.monotonic() < deadline:
        for fd, _ in poller.poll(max(1, int((deadline - time.monotonic()) * 1000))):
            sock = by_fd[fd]
            try:
                sock.setblocking(False)
                data = sock.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                pending.discard(sock)
                poller.unregister(fd)
    if pending:
        raise StepFailure("%d of %d connection(s) of %s still open after %d ms"
                          % (len(pending), len(by_fd), name, spec.get("within_ms", 10000)),
                          expected="closed by the server", got="open")


@step_kind("close")
def close(case, step):
    name = step["close"]
    for sock in case.groups.pop(name, []):
        sock.close()
    if name in case.connections:
        case.connections.pop(name).close()
