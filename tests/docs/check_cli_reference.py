#!/usr/bin/env python3
"""Fails when README's command reference differs from the binary's own --help.

    check_cli_reference.py <sbfn> <README.md>

Each block between `<!-- BEGIN sbfn ... --help -->` and `<!-- END ... -->` must equal
the output of that command. Fix a failure by pasting the new output (or with --write).
"""
import re
import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    sbfn, readme = sys.argv[1], sys.argv[2]
    write = "--write" in sys.argv[3:]
    text = open(readme, encoding="utf-8").read()
    pattern = re.compile(r"(<!-- BEGIN sbfn(?P<args>[^>]*?) --help -->\n```\n)(?P<body>.*?)(```\n<!-- END)", re.S)
    failures = 0
    count = 0

    def replace(match):
        nonlocal failures, count
        count += 1
        args = match.group("args").split() + ["--help"]
        actual = subprocess.run([sbfn, *args], capture_output=True, text=True, env={"COLUMNS": "200"}).stdout
        if not actual.endswith("\n"):
            actual += "\n"
        if match.group("body") != actual:
            failures += 1
            print(f"README block for `sbfn {' '.join(args)}` differs from the binary's output:\n{actual}")
        return match.group(1) + actual + match.group(4)

    updated = pattern.sub(replace, text)
    if count == 0:
        print("no `<!-- BEGIN sbfn ... --help -->` blocks found in", readme)
        return 1
    if write:
        open(readme, "w", encoding="utf-8").write(updated)
        return 0
    print(f"{count} reference block(s) checked, {failures} out of date")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
