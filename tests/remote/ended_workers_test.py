#!/usr/bin/env python3
"""A worker that its wall clock ends leaves nothing behind (CTest serve.ended_workers):
with a short --wall-clock-limit, the workers of one function, then of four, are ended and
joined (sbfn_workers 0 on /metrics), and the server holds the same descriptors other than
sockets after four functions' workers ended as after one's (sockets come and go with the
/metrics requests themselves). An ended worker used to stay in its function's slot until
that function's next request, holding its io_context's three descriptors: four functions
not asked again kept twelve. Found by bench/load/run.sh. Usage: ended_workers_test.py <sbfn binary>."""

import os
import sys
import tempfile

from serve_fixture import Served, get, wait_for


def main():
    sbfn = os.path.abspath(sys.argv[1])
    functions = {f"f{i}": f'Deno.serve(() => new Response("f{i}"));\n' for i in range(1, 5)}
    with tempfile.TemporaryDirectory() as root:
        # Retired at 100 ms of age, ended at 200 ms.
        with Served(sbfn, root, functions, "--wall-clock-limit", "200") as server:
            def idle():
                # No worker alive and the one connection open is the one asking.
                return (server.metric("sbfn_workers") == 0
                        and server.metric("sbfn_connections") <= 1)

            def fds():
                targets = []
                for fd in os.listdir(f"/proc/{server.pid}/fd"):
                    try:
                        targets.append(os.readlink(f"/proc/{server.pid}/fd/{fd}"))
                    except FileNotFoundError:  # closed meanwhile
                        pass
                return sorted(t for t in targets if not t.startswith("socket:"))

            def ask(name):
                status, body = get(f"{server.base}/functions/v1/{name}")
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
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
