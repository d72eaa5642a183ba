#!/usr/bin/env python3
"""The oracle of `sbfn test`: the same test files under real Deno and under sbfn must give
the same passed/failed/ignored counts (tests and steps, and what --filter or only left
out) and the same exit code. The suites are the spec cases of tests/specs/test/ (each with
the arguments its case.json runs, and the flags that make Deno 2.9 behave as sbfn's
defaults: sanitizers on, as in Deno 2.1) and the Web API suite tests/js/.

usage: deno_oracle.py DENO SBFN"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "specs"))
from spec.registry import Registry  # noqa: E402

SUMMARY = re.compile(
    r"^(ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?"
    r"(?: \| (\d+) ignored(?: \((\d+) steps?\))?)?(?: \| (\d+) filtered out)? \(", re.M)
# What Deno 2.9 needs to run these files as sbfn does: sanitizers on (Deno 2.1's default,
# sbfn's), imports from the fixture registry, no type check, no lockfile left behind.
DENO_FLAGS = ["--no-check", "--sanitize-ops", "--sanitize-resources", "--allow-all", "--no-lock"]
# Cases whose runs differ on purpose: parallel (timing only), no_modules (no summary),
# supabase_project's discovery step (Deno has no Supabase convention).
SKIP_CASES = {"parallel", "no_modules"}


def counts(stdout):
    match = SUMMARY.search(stdout)
    if not match:
        return None
    return tuple(int(g) if g and g.isdigit() else (g or 0) for g in match.groups())


def deno_args(args):
    # Deno's --env-file takes its value after "=", and needs no other translation.
    out = []
    it = iter(args)
    for arg in it:
        if arg == "--env-file":
            out.append("--env-file=" + next(it))
        else:
            out.append(arg)
    return out


def run(cmd, cwd, env):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


def compare(name, deno, sbfn, cwd, env, sbfn_args, extra_deno=()):
    dcode, dout, derr = run([deno, "test", *DENO_FLAGS, *extra_deno, *deno_args(sbfn_args)], cwd, env)
    scode, sout, serr = run([sbfn, "test", *sbfn_args], cwd, env)
    dcounts, scounts = counts(dout), counts(sout)
    same = dcode == scode and dcounts == scounts
    status = "same" if same else "DIFFERENT"
    print(f"{status:9} {name} {' '.join(sbfn_args)}: deno exit {dcode} {dcounts}, sbfn exit {scode} {scounts}")
    if not same:
        print("--- deno stdout (tail) ---\n" + dout[-1500:] + derr[-500:])
        print("--- sbfn stdout (tail) ---\n" + sout[-1500:] + serr[-500:])
    return same


def base_env(scratch):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SUPABASE_", "SBFN_", "DENO_", "NPM_CONFIG_", "JSR_"))}
    env.update(NO_COLOR="1", DENO_DIR=os.path.join(scratch, "deno"),
               SBFN_CACHE_DIR=os.path.join(scratch, "sbfn"), HOME=scratch)
    return env


def spec_suites(deno, sbfn, scratch):
    ok = True
    cases_dir = os.path.join(ROOT, "tests", "specs", "test")
    for name in sorted(os.listdir(cases_dir)):
        case_json = os.path.join(cases_dir, name, "case.json")
        if name in SKIP_CASES or not os.path.exists(case_json):
            continue
        with open(case_json, encoding="utf-8") as f:
            case = json.load(f)
        work = os.path.join(scratch, "cases", name)
        shutil.copytree(os.path.join(cases_dir, name), work, ignore=shutil.ignore_patterns("case.json"))
        env = base_env(scratch)
        registry = None
        if "registry" in case:
            shutil.copytree(os.path.join(ROOT, "tests", "specs", "fixtures", "registry"),
                            os.path.join(work, case["registry"]))
            registry = Registry(os.path.join(work, case["registry"]))
            registry.bind()
            registry.build()
            registry.serve()
            env.update(registry.env())
        try:
            for step in case.get("steps", []):
                args = step.get("run", {}).get("args")
                if not args or args[0] != "test":
                    continue
                if "--serve" in args:
                    continue  # ours: deno test has nothing like it
                if name == "supabase_project" and not any(a.endswith("-test.ts") for a in args):
                    continue  # found by Supabase's convention: Deno has none
                ok = compare(f"tests/specs/test/{name}", deno, sbfn, work, env, args[1:]) and ok
        finally:
            if registry is not None:
                registry.stop()
    return ok


def web_api_suite(deno, sbfn, scratch):
    here = os.path.join(ROOT, "tests", "js")
    env = base_env(scratch)
    wrapper = [sys.executable, os.path.join(here, "servers", "with_fixtures.py")]
    # The Web API tests need the fixture servers; with_fixtures.py runs a command with them.
    dcode, dout, _ = run(wrapper + [deno, "test", "--no-check", "--allow-all"], here, env)
    scode, sout, _ = run(wrapper + [sbfn, "test"], here, env)
    same = dcode == scode and counts(dout) == counts(sout)
    print(f"{'same' if same else 'DIFFERENT':9} tests/js: deno exit {dcode} {counts(dout)}, "
          f"sbfn exit {scode} {counts(sout)}")
    if not same:
        print("--- deno ---\n" + dout[-3000:] + "\n--- sbfn ---\n" + sout[-3000:])
    return same


def main():
    deno, sbfn = sys.argv[1], os.path.abspath(sys.argv[2])
    scratch = tempfile.mkdtemp(prefix="sbfn-test-oracle-")
    try:
        ok = spec_suites(deno, sbfn, scratch)
        ok = web_api_suite(deno, sbfn, scratch) and ok
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("the same counts and exit codes as deno test" if ok else "sbfn test and deno test disagree")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
