"""The run step: `sbfn <args>` as a command, its exit status and output checked."""

import json
import os
import subprocess

from ..errors import CaseError, StepFailure
from ..matchers import text_problems
from ..server import describe_exit, die_with_runner, spawn
from ..values import shorten, text_value
from . import step_kind

DEFAULT_RUN_TIMEOUT_MS = 30000
# Under a sanitizer our own code runs several times slower (an image's 250 MB runtime layer
# is gzipped and hashed by it): `make test-asan` and `make test-tsan` stretch a command's
# time limit by SBFN_SPECS_TIME_SCALE, and nothing else sets it.
TIME_SCALE = float(os.environ.get("SBFN_SPECS_TIME_SCALE", "1"))


@step_kind("run", takes_expect=True)
def run(case, step):
    spec = step["run"]
    expect = step.get("expect") or {}
    args = [str(a) for a in spec.get("args", [])]
    cwd = case.path_in_case(spec.get("cwd", "."))
    timeout = spec.get("timeout_ms", DEFAULT_RUN_TIMEOUT_MS) * TIME_SCALE / 1000.0
    stdin = spec.get("stdin")
    try:
        done = spawn(lambda: subprocess.run(
            [case.binary] + args, cwd=cwd, env=case.make_env(spec.get("env")),
            input=text_value(stdin).encode() if stdin is not None else b"",
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            timeout=timeout, preexec_fn=die_with_runner))
    except subprocess.TimeoutExpired as expired:
        raise StepFailure("`sbfn %s` did not exit within %dms (killed)" % (
            " ".join(args), timeout * 1000),
            expected="exit %s" % expect.get("exit", 0),
            got="stdout: %s\nstderr: %s" % (shorten(expired.stdout or b""),
                                            shorten(expired.stderr or b"")))
    out = done.stdout.decode("utf-8", "replace")
    err = done.stderr.decode("utf-8", "replace")
    problems = []
    want_exit = expect.get("exit", 0)
    if want_exit == "nonzero":
        if done.returncode == 0 or done.returncode < 0:
            problems.append("exit: expected a non-zero exit status, got %s"
                            % describe_exit(done.returncode))
    elif done.returncode != want_exit:
        problems.append("exit: expected %s, got %s"
                        % (want_exit, describe_exit(done.returncode)))
    for stream, text in (("stdout", out), ("stderr", err)):
        problems += text_problems(stream, text, expect)
    known = {"exit", "stdout", "stderr", "stdout_contains", "stderr_contains",
             "stdout_not_contains", "stderr_not_contains", "stdout_matches", "stderr_matches"}
    unknown = set(expect) - known
    if unknown:
        raise CaseError("unknown run expectation(s) %s" % sorted(unknown))
    if problems:
        raise StepFailure("`sbfn %s` does not match" % " ".join(args),
                          expected=json.dumps(expect, sort_keys=True),
                          got="%s\nstdout: %s\nstderr: %s\nproblems:\n  - %s" % (
                              describe_exit(done.returncode), shorten(out, 1500),
                              shorten(err, 1500), "\n  - ".join(problems)))
