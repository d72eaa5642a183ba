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
import sys
import tempfile
import time

from serve_fixture import Served, get, wait_for

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


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main():
    sbfn = os.path.abspath(sys.argv[1])
    functions = {f"f{i}": SOURCE for i in range(FUNCTIONS)}
    with tempfile.TemporaryDirectory() as root:
        # Retired at 4 s of age, ended at 8 s (room for boots on a busy machine).
        with Served(sbfn, root, functions, "--wall-clock-limit", "8000") as server:
            def ask(name):
                status, body = get(f"{server.base}/functions/v1/{name}")
                assert status == 200 and body.isdigit(), (status, body)

            def ended():
                wait_for("the workers ended", lambda: server.metric("sbfn_workers") == 0, WAIT_S)

            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                list(pool.map(ask, ["f0", "f1"]))
            ended()
            # The baseline: warm (code paths, the caches, one arena or two), no worker.
            time.sleep(2)  # not a measured time: lets the server reach its resting state
            baseline = rss_mib(server.pid)
            names = [f"f{i}" for i in range(FUNCTIONS)]
            peak = baseline
            for _ in range(ROUNDS):
                with concurrent.futures.ThreadPoolExecutor(FUNCTIONS) as pool:
                    list(pool.map(ask, names))
                peak = max(peak, rss_mib(server.pid))
                ended()
            limit = baseline + MARGIN_MIB
            deadline = time.monotonic() + WAIT_S
            while time.monotonic() < deadline and rss_mib(server.pid) > limit:
                time.sleep(0.2)  # the reaper trims once it has been idle a moment
            after = rss_mib(server.pid)
            figures = (f"baseline {baseline:.1f} MiB, peak seen {peak:.1f} MiB, after "
                       f"{after:.1f} MiB (limit {limit:.1f})")
            if after > limit:
                sys.exit(f"FAIL: memory freed by ended workers was not given back: {figures}")
            print(f"ok - {figures}")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
