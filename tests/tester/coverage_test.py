#!/usr/bin/env python3
"""`sbfn test --coverage` on tests/tester/coverage_fixture/ (a TypeScript module with a branch
the tests never take and a function they never call, a JavaScript module, two test files that
both load math.ts): the lcov records name the right lines, Debian's lcov and genhtml read the
file without a warning, the summary table is Deno's, and the flag's bad values fail with their
message. With DENO given, the same fixture under real Deno 2.9 (the oracle) must report the
same lines as run and as never run, and the same functions as called and never called.

usage: coverage_test.py SBFN [DENO]"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "coverage_fixture")
failures = []


def check(ok, what):
    # `what` is one line, then what to show when the check fails.
    title, _, detail = what.partition("\n")
    print(("ok    " if ok else "FAIL  ") + title.rstrip(":"))
    if not ok:
        if detail:
            print(detail)
        failures.append(title)


def run(cmd, cwd, env=None, timeout=300):
    full_env = dict(os.environ, NO_COLOR="1")
    full_env.pop("DENO_COVERAGE_DIR", None)
    full_env.update(env or {})
    proc = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def project(scratch, name):
    path = os.path.join(scratch, name)
    shutil.copytree(FIXTURE, path)
    return path


def line_of(path, text):
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if text in line:
                return number
    raise AssertionError(f"{text!r} not in {path}")


def parse_lcov(path):
    """{source basename: {"lines": {n: count}, "fn": {name: (line, count)}, "brda": [...]}}"""
    records = {}
    current = None
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith("SF:"):
                current = {"path": line[3:], "lines": {}, "fn": {}, "fnda": {}, "brda": []}
                records[os.path.basename(line[3:])] = current
            elif line.startswith("DA:"):
                n, count = line[3:].split(",")[:2]
                current["lines"][int(n)] = int(count)
            elif line.startswith("FN:"):
                n, name = line[3:].split(",", 1)
                current["fn"][name] = int(n)
            elif line.startswith("FNDA:"):
                count, name = line[5:].split(",", 1)
                current["fnda"][name] = int(count)
            elif line.startswith("BRDA:"):
                current["brda"].append(line[5:].split(","))
    return records


def lcov_accepts(lcov_file, scratch):
    code, out, err = run(["lcov", "--summary", lcov_file, "--rc", "lcov_branch_coverage=1"],
                         scratch)
    text = out + err
    check(code == 0 and "WARNING" not in text.upper().replace("WARNINGS: 0", "")
          and "ERROR" not in text.upper(), f"lcov --summary reads it cleanly:\n{text}")
    check("lines......: " in text and "branches...: " in text and "functions..: " in text,
          "lcov --summary finds lines, functions and branches")
    html = os.path.join(scratch, "html")
    code, out, err = run(["genhtml", "--branch-coverage", "-o", html, lcov_file], scratch)
    text = out + err
    check(code == 0 and "WARNING" not in text.upper() and "ERROR" not in text.upper(),
          f"genhtml reads it cleanly:\n{text}")
    check(os.path.isfile(os.path.join(html, "index.html")), "genhtml wrote index.html")


def main():
    sbfn = os.path.abspath(sys.argv[1])
    deno = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
    scratch = tempfile.mkdtemp(prefix="sbfn-coverage-")
    try:
        cwd = project(scratch, "run")
        code, out, err = run([sbfn, "test", "--coverage=cov"], cwd)
        check(code == 0, f"a passing run with --coverage=cov exits 0 (got {code}):\n{out}\n{err}")
        lcov_file = os.path.join(cwd, "cov", "lcov.info")
        check(os.path.isfile(lcov_file), "cov/lcov.info is written")
        raw = [n for n in os.listdir(os.path.join(cwd, "cov")) if n.endswith(".json")]
        check(len(raw) == 7, f"V8's raw data is kept, one JSON file per file: script:\n{raw}")
        check(f"Lcov coverage report has been generated at file://{lcov_file}\n" in err,
              f"stderr names the report:\n{err}")
        table = ("| File       | Branch % | Function % | Line % |\n"
                 "| ---------- | -------- | ---------- | ------ |\n")
        check(table in out, f"Deno's table header follows the test report:\n{out}")
        check(re.search(r"\| 0 failed \(\d+m?s\)\n\n\| File ", out) is not None,
              "the table comes after the summary line and its blank line")
        rows = re.findall(r"^\| (\S+(?: files)?) +\| +([\d.]+) \| +([\d.]+) \| +([\d.]+) \|$",
                          out, re.M)
        check([r[0] for r in rows] == ["math.ts", "shapes.ts", "strings.js", "All files"],
              f"one row per covered file, then All files:\n{rows}")

        records = parse_lcov(lcov_file)
        check(sorted(records) == ["math.ts", "shapes.ts", "strings.js"],
              f"only the project's modules, no test files ({sorted(records)})")
        math = records.get("math.ts", {"lines": {}, "fn": {}, "fnda": {}, "brda": [], "path": ""})
        math_ts = os.path.join(cwd, "math.ts")
        check(math["path"] == math_ts, f"SF is the absolute path ({math['path']})")
        throw = line_of(math_ts, 'throw new Error("zero is not allowed")')
        check(math["lines"].get(throw) == 0, f"the untaken branch's line {throw} is DA:{throw},0")
        negative = line_of(math_ts, 'return "negative";')
        check(math["lines"].get(negative, 0) > 0, f"line {negative} (taken) has a count > 0")
        for text in ("const doubled = a * 2;", "return doubled + 1;"):
            n = line_of(math_ts, text)
            check(math["lines"].get(n) == 0, f"the never-called function's line {n} is 0")
        check(math["fnda"].get("unused") == 0, "FNDA:0,unused")
        check(math["fn"].get("unused") == line_of(math_ts, "export function unused"),
              "FN of unused is its TypeScript line")
        check(math["fnda"].get("classify") == 3,
              f"classify's calls are added up across both test modules (3: {math['fnda']})")
        for text in ("export interface Options", "strict: boolean;", "/** Never called"):
            n = line_of(math_ts, text)
            check(n not in math["lines"], f"line {n} ({text}) runs nothing and has no DA")
        check(any(b[3] == "0" for b in math["brda"]) and any(b[3] not in ("0", "-")
                                                            for b in math["brda"]),
              "BRDA has taken and untaken branches")
        strings = records.get("strings.js", {"lines": {}, "fnda": {}})
        strings_js = os.path.join(cwd, "strings.js")
        check(strings["lines"].get(line_of(strings_js, 'return "";')) == 0,
              "JavaScript: the untaken branch's line is 0")
        check(strings["lines"].get(line_of(strings_js, "return text.toUpperCase()"), 0) > 0,
              "JavaScript: the taken line counts")
        check(strings["fnda"].get("whisper") == 0 and strings["fnda"].get("shout") == 1,
              f"JavaScript: FNDA ({strings['fnda']})")
        check(1 not in strings["lines"], "JavaScript: a comment-only line has no DA")
        shapes = records.get("shapes.ts", {"lines": {}, "fnda": {}})
        shapes_ts = os.path.join(cwd, "shapes.ts")
        for text, ran in (('return "B";', 0), ("return null;", 0), ("sum += area.of(shape);", 2),
                          ('throw new Error("unknown shape");', 0), ("return v;", 1)):
            n = line_of(shapes_ts, text)
            check(shapes["lines"].get(n) == ran, f"shapes.ts:{n} ({text}) is DA:{n},{ran}")
        check(shapes["fnda"].get("reset") == 0 and shapes["fnda"].get("of") == 2,
              f"shapes.ts: methods as functions:\n{shapes['fnda']}")
        lcov_accepts(lcov_file, scratch)

        # No flag: nothing collected, no table.
        plain = project(scratch, "plain")
        code, out, _ = run([sbfn, "test"], plain)
        check(code == 0 and "Branch %" not in out and not os.path.exists(
            os.path.join(plain, "coverage")), "without --coverage nothing is collected")

        # --coverage alone: coverage/; $DENO_COVERAGE_DIR without the flag.
        alone = project(scratch, "alone")
        code, out, _ = run([sbfn, "test", "--coverage"], alone)
        check(code == 0 and os.path.isfile(os.path.join(alone, "coverage", "lcov.info")),
              "--coverage alone writes coverage/lcov.info")
        by_env = project(scratch, "env")
        code, out, _ = run([sbfn, "test"], by_env, {"DENO_COVERAGE_DIR": "from_env"})
        check(code == 0 and os.path.isfile(os.path.join(by_env, "from_env", "lcov.info")),
              "DENO_COVERAGE_DIR turns coverage on")

        # A failing run keeps the raw data only, as Deno's does.
        failing = project(scratch, "failing")
        with open(os.path.join(failing, "fails_test.ts"), "w") as f:
            f.write('import { unused } from "./math.ts";\n'
                    'Deno.test("fails", () => { if (unused(1) !== 0) throw new Error("no"); });\n')
        code, out, err = run([sbfn, "test", "--coverage=cov"], failing)
        check(code == 1 and not os.path.exists(os.path.join(failing, "cov", "lcov.info"))
              and "Branch %" not in out, "a failing run writes no report")

        # Bad values.
        bad = project(scratch, "bad")
        open(os.path.join(bad, "afile"), "w").close()
        code, out, err = run([sbfn, "test", "--coverage=afile"], bad)
        check(code == 1 and "error: Failed creating: " in err and "afile: it is a file, not a "
              "folder" in err and "running" not in out,
              f"--coverage=FILE: exit 1 before any test runs ({code}):\n{err}")

        if deno:
            compare_with_deno(deno, scratch, records)
    finally:
        if not failures:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            print(f"(kept {scratch})")
    print(f"coverage checks: {len(failures)} failed")
    return 1 if failures else 0


def compare_with_deno(deno, scratch, ours):
    cwd = project(scratch, "deno")
    code, out, err = run([deno, "test", "--no-check", "--no-lock", "--allow-all",
                          "--coverage=cov"], cwd)
    check(code == 0, f"Deno passes the fixture:\n{out}\n{err}")
    theirs = parse_lcov(os.path.join(cwd, "cov", "lcov.info"))
    check(sorted(theirs) == sorted(ours), f"the same files ({sorted(theirs)} / {sorted(ours)})")
    for name in sorted(theirs):
        d, s = theirs[name], ours.get(name, {"lines": {}, "fnda": {}, "fn": {}})
        both = set(d["lines"]) & set(s["lines"])
        d_hit = {n for n in both if d["lines"][n] > 0}
        s_hit = {n for n in both if s["lines"][n] > 0}
        check(d_hit == s_hit, f"{name}: the lines run are Deno's ({sorted(s_hit)} / "
              f"{sorted(d_hit)})")
        check(both - d_hit == both - s_hit, f"{name}: the lines never run are Deno's "
              f"({sorted(both - s_hit)} / {sorted(both - d_hit)})")
        only_deno = set(d["lines"]) - set(s["lines"])
        only_ours = set(s["lines"]) - set(d["lines"])
        # Deno keeps every line of a file it did not transpile (blank ones count 1); sbfn
        # leaves out what runs nothing. Lines only one side reports must hold no code.
        for n in sorted(only_deno | only_ours):
            with open(os.path.join(cwd, name)) as f:
                text = f.read().split("\n")[n - 1].strip()
            check(text == "" or text.startswith("//") or text.startswith("/*"),
                  f"{name}:{n} reported by one side only holds no code ({text!r})")
        check({k: v > 0 for k, v in d["fnda"].items()} == {k: v > 0 for k, v in s["fnda"].items()},
              f"{name}: the functions called and never called are Deno's ({s['fnda']} / "
              f"{d['fnda']})")
        # V8 10.2 starts a class's field initializer at the class body, V8 15 at the field.
        named = {k: v for k, v in s["fn"].items() if not k.startswith("<")}
        check(named == {k: v for k, v in d["fn"].items() if not k.startswith("<")},
              f"{name}: functions on the same lines:\n{s['fn']}\n{d['fn']}")


if __name__ == "__main__":
    sys.exit(main())
