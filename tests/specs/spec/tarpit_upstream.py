"""A tarpit upstream: accepts every TCP connection on 127.0.0.1, reads and drops what
arrives, and never answers, so each connection a function opens stays open until the
function (or the server) closes it. It stands in for a slow or hostile host in cases
about how many connections a function may hold; `upstream_log` counts the connections
accepted so far (each recorded as a request with method "CONNECT")."""

import resource
import selectors
import socket
import threading

from .upstream import RecordingServer, Request


class TarpitUpstream(RecordingServer):
    def __init__(self, name, spec):
        super().__init__(name)
        self.listener = None
        self.stopping = threading.Event()

    def start(self):
        # thousands of held connections: the runner's own soft open-file limit goes up
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(4096)
        listener.setblocking(False)
        self.listener = listener
        self.port = listener.getsockname()[1]
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        selector = selectors.DefaultSelector()
        selector.register(self.listener, selectors.EVENT_READ)
        while not self.stopping.is_set():
            for key, _ in selector.select(0.2):
                if key.fileobj is self.listener:
                    try:
                        conn, _ = self.listener.accept()
                    except OSError:
                        continue  # out of descriptors, or the peer left already
                    conn.setblocking(False)
                    selector.register(conn, selectors.EVENT_READ)
                    with self.lock:
                        self.requests.append(Request("CONNECT", "/", [], b""))
                    continue
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()

    def stop(self):
        self.stopping.set()
