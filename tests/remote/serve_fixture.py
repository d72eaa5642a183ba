"""What the tests of a running `sbfn serve` share: functions written into a project folder,
the server started there on a free port with /metrics on, its figures, and polling."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

ANON = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJ"
        "leHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, auth=True):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + ANON} if auth else {})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.read().decode()


def answers(url):
    try:
        return get(url, auth=False)[0] == 200
    except OSError:
        return False


def wait_for(what, check, wait_s=60.0):
    """Polls `check` until it is true; the bound is only against a hang."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    sys.exit("FAIL: never " + what)


class Served:
    """`sbfn serve --metrics --no-watch ARGS` over `functions` ({name: source}) in `root`,
    listening once the constructor returns; a context manager that stops it."""

    def __init__(self, sbfn, root, functions, *args):
        for name, source in functions.items():
            os.makedirs(os.path.join(root, "functions", name))
            with open(os.path.join(root, "functions", name, "index.ts"), "w") as f:
                f.write(source)
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sbfn, "serve", "--port", str(port), "--metrics", "--no-watch", *args], cwd=root,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for("listening", lambda: answers(self.base + "/health"))

    @property
    def pid(self):
        return self.process.pid

    def metric(self, name):
        """A figure of /metrics without labels, or None."""
        _, text = get(self.base + "/metrics", auth=False)
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return None

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.process.terminate()
        self.process.wait(timeout=30)
