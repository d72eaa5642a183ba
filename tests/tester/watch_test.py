#!/usr/bin/env python3
"""`sbfn test --watch`, as deno test --watch: a first run of every module, then on each
change only the modules whose imports hold the changed file, and new test modules; Deno's
"Watcher" lines on stderr. Usage: watch_test.py <sbfn binary>."""

import os
import re
import subprocess
import sys
import tempfile
import threading
import time

WAIT_S = 30.0  # the longest to wait for an expected line (a limit, not a timing check)


class Output:
    def __init__(self, stream):
        self.text = ""
        self.lock = threading.Lock()
        threading.Thread(target=self.pump, args=(stream,), daemon=True).start()

    def pump(self, stream):
        for chunk in iter(lambda: stream.read1(4096), b""):
            with self.lock:
                self.text += chunk.decode("utf-8", "replace")

    def wait_for(self, needle, count):
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            with self.lock:
                if self.text.count(needle) >= count:
                    return
            time.sleep(0.05)
        raise AssertionError("waited %ds for %r (x%d); got:\n%s" % (WAIT_S, needle, count, self.text))


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="sbfn-watch-") as root:
        write(os.path.join(root, "lib.ts"), "export const x = 1;\n")
        write(os.path.join(root, "a_test.ts"),
              'import { x } from "./lib.ts";\n'
              'Deno.test("a", () => { if (x !== 1) throw new Error("x is " + x); });\n')
        write(os.path.join(root, "b_test.ts"), 'Deno.test("b", () => {});\n')
        env = dict(os.environ, NO_COLOR="1", HOME=root, SBFN_CACHE_DIR=os.path.join(root, ".cache"))
        proc = subprocess.Popen([binary, "test", "--watch"], cwd=root, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = Output(proc.stdout), Output(proc.stderr)
        try:
            err.wait_for("Watcher Test started.\n", 1)
            err.wait_for("Watcher Test finished. Restarting on file change...\n", 1)
            assert "ok | 2 passed | 0 failed" in out.text, out.text

            # A file a_test imports: only a_test runs again, and fails.
            write(os.path.join(root, "lib.ts"), "export const x = 2;\n")
            err.wait_for('Watcher Restarting! File change detected: "%s/lib.ts"\n' % root, 1)
            err.wait_for("Watcher Test failed. Restarting on file change...\n", 1)
            assert "error: Test failed\n" in err.text, err.text
            second = out.text.split("ok | 2 passed | 0 failed")[1]
            assert "running 1 test from ./a_test.ts" in second, second
            assert "b_test" not in second, second
            assert "error: Error: x is 2" in second, second

            # A new test module runs on its own.
            write(os.path.join(root, "c_test.ts"), 'Deno.test("c", () => {});\n')
            err.wait_for('File change detected: "%s/c_test.ts"\n' % root, 1)
            err.wait_for("Watcher Test finished. Restarting on file change...\n", 2)
            third = out.text.split("FAILED | 0 passed | 1 failed")[1]
            assert "running 1 test from ./c_test.ts" in third, third
            assert "a_test" not in third and "b_test" not in third, third

            # The fix: a_test passes again.
            write(os.path.join(root, "lib.ts"), "export const x = 1;\n")
            err.wait_for("Watcher Test finished. Restarting on file change...\n", 3)
            assert re.search(r"ok \| 1 passed \| 0 failed \(\d+\S*\)\s*\Z", out.text), out.text
            fourth = out.text.rsplit("running", 1)[1]
            assert fourth.startswith(" 1 test from ./a_test.ts"), fourth
            assert proc.poll() is None, "the watcher exited"
        finally:
            proc.kill()
            proc.wait()
    print("ok: sbfn test --watch")


if __name__ == "__main__":
    main()
