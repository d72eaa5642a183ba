#!/usr/bin/env python3
"""A worker that its wall clock ends leaves nothing behind (CTest serve.ended_workers):
with a short --wall-clock-limit, the workers of one function, then of four, are ended and
joined (sbfn_workers 0 on /metrics), and the server holds the same descriptors other than
sockets after four functions' workers ended as after one's (sockets come and go with the
/metrics requests themselves). An ended worker used to stay in its function's slot until
that function's next request, holding its io_context's three descriptors: four functions
not asked again kept twelve. Found by bench/load/run.sh. Usage: ended_workers_test.py <sbfn binary>."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ANON = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJ"
        "leHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0")
WAIT_S = 60.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, auth=True):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + ANON} if auth else {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read().decode()


def wait_for(what, check):
    """Polls `check` until it is true; the bound is only against a hang."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    sys.exit("FAIL: never " + what)


def main():
    sbfn = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as root:
        for i in range(1, 5):
            os.makedirs(os.path.join(root, "functions", f"f{i}"))
            with open(os.path.join(root, "functions", f"f{i}", "index.ts"), "w") as f:
                f.write(f'Deno.serve(() => new Response("f{i}"));\n')
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # Retired at 100 ms of age, ended at 200 ms.
        server = subprocess.Popen([sbfn, "serve", "--port", str(port), "--metrics", "--no-watch",
                                   "--wall-clock-limit", "200"], cwd=root,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def metric(name):
                _, text = get(base + "/metrics", auth=False)
                for line in text.splitlines():
                    if line.startswith(name + " "):
                        return float(line.split()[1])
                return None

            def idle():
                # No worker alive and the one connection open is the one asking.
                return metric("sbfn_workers") == 0 and metric("sbfn_connections") <= 1

            def fds():
                targets = []
                for fd in os.listdir(f"/proc/{server.pid}/fd"):
                    try:
                        targets.append(os.readlink(f"/proc/{server.pid}/fd/{fd}"))
                    except FileNotFoundError:  # closed meanwhile
                        pass
                return sorted(t for t in targets if not t.startswith("socket:"))

            wait_for("listening", lambda: _answers(base + "/health"))

            def ask(name):
                status, body = get(f"{base}/functions/v1/{name}")
                assert (status, body) == (200, name), (status, body)

            ask("f1")
            wait_for("f1's worker ended", idle)
            one = fds()
            for name in ("f1", "f2", "f3", "f4"):
                ask(name)
            wait_for("the four workers ended", idle)
            four = fds()
            if four != one:
                sys.exit(f"FAIL: descriptors after one function's worker ended: {one}; "
                         f"after four: {four}")
            print(f"ok - {len(one)} descriptors (not sockets) after one function's worker ended, "
                  "the same after four")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("1 passed, 0 failed")


def _answers(url):
    try:
        return get(url, auth=False)[0] == 200
    except OSError:
        return False


if __name__ == "__main__":
    main()
