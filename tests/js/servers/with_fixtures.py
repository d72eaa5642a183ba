#!/usr/bin/env python3
"""Runs a command with the servers of tests/js/servers/*_fixture.py started, each
fixture's JSON keys exported as SBFN_TEST_<KEY> (as tests/unit/support/fixture_servers.cpp
does for the runtime's own run), and stops them when the command ends. A fixture's "env"
object holds variables exported as they are (DENO_CERT, which Deno reads at start)."""
import glob
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
env = dict(os.environ)
fixtures = []
for script in sorted(glob.glob(os.path.join(here, "*_fixture.py"))):
    proc = subprocess.Popen([sys.executable, script], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    fixtures.append(proc)
    line = proc.stdout.readline()
    try:
        for key, value in json.loads(line).items():
            if key == "env" and isinstance(value, dict):
                env.update(value)
                continue
            env["SBFN_TEST_" + key.upper()] = value if isinstance(value, str) else json.dumps(value)
    except ValueError:
        print("fixture %s did not start" % script, file=sys.stderr)
try:
    code = subprocess.call(sys.argv[1:], env=env)
finally:
    for proc in fixtures:
        proc.stdin.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a fixture stuck on its way out never holds the run
            print("fixture pid %d did not stop on SIGTERM: killed" % proc.pid, file=sys.stderr)
            proc.kill()
            proc.wait()
sys.exit(code)
