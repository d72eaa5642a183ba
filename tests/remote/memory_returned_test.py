#!/usr/bin/env python3
"""Memory that retired workers freed goes back to the system (CTest serve.memory_returned).

Workers of many functions boot side by side, each on a thread of its own (so glibc gives
each its own arena), fill their isolates with many small and mid-sized buffers, answer,
and end (a short --wall-clock-limit). Once no worker is alive, the server's resident
memory must come back near the baseline taken the same way after one small round. glibc
keeps what threads freed in their arenas unless someone asks for it back: without the
reaper's malloc_trim (src/server/functions.cpp) the server stayed ~700 MiB above; with it
but one arena per thread (glibc's default), 30 to 300 MiB, as malloc_trim cannot give back
the free top of an arena other than the main one.
The margin is wide; the wait only bounds a hang (no timing is asserted).
Usage: memory_returned_test.py <sbfn binary>."""

import concurrent.futures
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ANON = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJ"
        "leHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0")
WAIT_S = 90.0
FUNCTIONS = 16
ROUNDS = 3
MARGIN_MIB = 24

# Many allocations of mixed sizes, held together, so that the arena of the worker's
# thread grows and is left full of holes when they are freed.
SOURCE = """
Deno.serve(() => {
  const held = [];
  for (let i = 0; i < 1500; i++) held.push(new Uint8Array(1024 + (i * 7919) % 60000).fill(i));
  const text = held.map((b) => b.length).join(",");
  return new Response(String(text.length));
});
"""


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


def wait_for(what, check):
    """Polls `check` until it is true; the bound is only against a hang."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    sys.exit("FAIL: never " + what)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main():
    sbfn = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as root:
        for i in range(FUNCTIONS):
            os.makedirs(os.path.join(root, "functions", f"f{i}"))
            with open(os.path.join(root, "functions", f"f{i}", "index.ts"), "w") as f:
                f.write(SOURCE)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # Retired at 4 s of age, ended at 8 s (room for boots on a busy machine).
        server = subprocess.Popen([sbfn, "serve", "--port", str(port), "--metrics", "--no-watch",
                                   "--wall-clock-limit", "8000"], cwd=root,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def metric(name):
                _, text = get(base + "/metrics", auth=False)
                for line in text.splitlines():
                    if line.startswith(name + " "):
                        return float(line.split()[1])
                return None

            def ask(name):
                status, body = get(f"{base}/functions/v1/{name}")
                assert status == 200 and body.isdigit(), (status, body)

            def round_of(names):
                with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
                    list(pool.map(ask, names))
                wait_for("the workers ended", lambda: metric("sbfn_workers") == 0)

            def settled(limit):
                # Below `limit` once the reaper has been idle a moment (its trim).
                return lambda: rss_mib(server.pid) <= limit

            wait_for("listening", lambda: answers(base + "/health"))
            round_of(["f0", "f1"])
            # The baseline: warm (code paths, the caches, one arena or two), no worker.
            time.sleep(2)  # not a measured time: lets the server reach its resting state
            baseline = rss_mib(server.pid)
            names = [f"f{i}" for i in range(FUNCTIONS)]
            peak = baseline
            for _ in range(ROUNDS):
                with concurrent.futures.ThreadPoolExecutor(FUNCTIONS) as pool:
                    list(pool.map(ask, names))
                peak = max(peak, rss_mib(server.pid))
                wait_for("the workers ended", lambda: metric("sbfn_workers") == 0)
            limit = baseline + MARGIN_MIB
            deadline = time.monotonic() + WAIT_S
            while time.monotonic() < deadline and not settled(limit)():
                time.sleep(0.2)
            after = rss_mib(server.pid)
            figures = (f"baseline {baseline:.1f} MiB, peak seen {peak:.1f} MiB, after "
                       f"{after:.1f} MiB (limit {limit:.1f})")
            if after > limit:
                sys.exit(f"FAIL: memory freed by ended workers was not given back: {figures}")
            print(f"ok - {figures}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
