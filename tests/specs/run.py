#!/usr/bin/env python3
"""End-to-end spec runner for sbfn.

    run.py [-v] [--keep] <sbfn binary> <case dir>          run one case
    run.py [-v] [--keep] <sbfn binary> --all <specs dir>   every case below (<command>/<case>/)

A case is a folder holding case.json plus the files it uses (functions, config, ...).
The folder is copied to a temporary directory and everything runs there. The case
format is documented in README.md next to this file and in case.schema.json; the
runner lives in the package spec/ (see spec/__init__.py).

Exit status: 0 when everything passed (skipped cases do not count as failures),
1 when something failed (or the jsonschema module is missing), 2 on bad usage.
A single case marked "pending" exits 77, which CTest reports as skipped
(SKIP_RETURN_CODE).

Python 3 standard library plus jsonschema (Debian: python3-jsonschema).
"""

import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from spec.cli import main  # noqa: E402


def _terminated(signum, _frame):
    raise SystemExit(128 + signum)  # unwinds through the cleanup of the running case


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminated)
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
