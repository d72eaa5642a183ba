"""The command line of run.py: one case or --all, and the summary line CI reads."""

import os
import sys
import time

from .case import Case
from .errors import CaseError
from .loading import require_jsonschema
from .server import SPAWN_RETRY_S

SKIP_EXIT = 77


def run_case(binary, case_dir, verbose, keep):
    try:
        return Case(binary, case_dir, verbose, keep).run()
    except CaseError as error:
        print("FAIL %s: case error: %s" % (
            "/".join(os.path.abspath(case_dir).split("/")[-2:]), error), flush=True)
        return "failed"


def usage():
    sys.stderr.write("usage: run.py [-v] [--keep] <sbfn binary> <case dir>\n"
                     "       run.py [-v] [--keep] <sbfn binary> --all <specs dir>\n")
    return 2


def main(argv):
    verbose = keep = False
    positional = []
    run_all = False
    for arg in argv:
        if arg in ("-v", "--verbose"):
            verbose = True
        elif arg == "--keep":
            keep = True
        elif arg == "--all":
            run_all = True
        elif arg in ("-h", "--help"):
            usage()
            return 0
        elif arg.startswith("-"):
            return usage()
        else:
            positional.append(arg)
    if len(positional) != 2:
        return usage()
    require_jsonschema()
    binary, target = positional
    deadline = time.monotonic() + SPAWN_RETRY_S  # a concurrent build may be relinking it
    while not os.access(binary, os.X_OK) and time.monotonic() < deadline:
        time.sleep(0.5)
    if not os.access(binary, os.X_OK):
        sys.stderr.write("run.py: %s is not an executable\n" % binary)
        return 2
    if not run_all:
        if not os.path.isfile(os.path.join(target, "case.json")):
            sys.stderr.write("run.py: %s has no case.json\n" % target)
            return 2
        outcome = run_case(binary, target, verbose, keep)
        return {"passed": 0, "skipped": SKIP_EXIT}.get(outcome, 1)
    # Cases live one folder per command (serve/, test/, ...); a case folder may also sit
    # directly in <specs dir>.
    cases = sorted(os.path.relpath(root, target) for root, _, files in os.walk(target)
                   if "case.json" in files)
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for name in cases:
        counts[run_case(binary, os.path.join(target, name), verbose, keep)] += 1
    summary = "%d passed, %d failed" % (counts["passed"], counts["failed"])
    if counts["skipped"]:
        summary += ", %d skipped" % counts["skipped"]
    print(summary, flush=True)
    return 1 if counts["failed"] else 0
