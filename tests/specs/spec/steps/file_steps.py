"""Steps on the files of the case folder copy, and waiting."""

import base64
import os
import re
import subprocess
import shutil
import time

from ..errors import StepFailure
from ..values import as_list, shorten, text_value
from . import step_kind


@step_kind("write_file")
def write_file(case, step):
    spec = step["write_file"]
    path = case.path_in_case(spec["path"])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if "content_base64" in spec:
        data = base64.b64decode(spec["content_base64"])
    else:
        data = text_value(spec.get("content", ""), "write_file.content").encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


@step_kind("remove_file")
def remove_file(case, step):
    relative = step["remove_file"]
    path = case.path_in_case(relative)
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


@step_kind("move_file")
def move_file(case, step):
    spec = step["move_file"]
    # os.replace: an atomic rename over the target, the way editors save files.
    source = case.path_in_case(spec["from"])
    target = case.path_in_case(spec["to"])
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.replace(source, target)


@step_kind("expect_file")
def expect_file(case, step):
    spec = step["expect_file"]
    path = case.path_in_case(spec["path"])
    exists = os.path.lexists(path)
    if exists != spec.get("exists", True):
        raise StepFailure("file %s" % spec["path"],
                          expected="exists" if spec.get("exists", True) else "absent",
                          got="exists" if exists else "absent")
    if not exists or os.path.isdir(path):
        return
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")

    def expected(value):  # a file sbfn wrote may name the case's registry (its port)
        value = text_value(value)
        return value.replace("__REGISTRY__", case.registry.base) if case.registry else value

    if "content_file" in spec:  # byte for byte: artifacts are binary
        with open(case.path_in_case(spec["content_file"]), "rb") as f:
            want = f.read()
        with open(path, "rb") as f:
            got = f.read()
        if got != want:
            raise StepFailure("file %s: differs from %s" % (spec["path"], spec["content_file"]),
                              expected=shorten(want), got=shorten(got))
    if "content" in spec and text != expected(spec["content"]):
        raise StepFailure("file %s: content" % spec["path"],
                          expected=shorten(expected(spec["content"])), got=shorten(text))
    for needle in map(expected, as_list(spec.get("contains"))):
        if needle not in text:
            raise StepFailure("file %s: content" % spec["path"],
                              expected="contains %r" % needle, got=shorten(text))
    for pattern in as_list(spec.get("matches")):
        if not re.search(pattern, text, re.MULTILINE):
            raise StepFailure("file %s: content" % spec["path"],
                              expected="matches /%s/" % pattern, got=shorten(text))
    if "xml_schema" in spec:
        xml_schema_check(case, spec["path"], path, spec["xml_schema"])


def xml_schema_check(case, name, path, schema):
    """The file is valid XML for the XML Schema `schema` (a file of the case), as xmllint
    (Debian's libxml2-utils) validates it."""
    try:
        result = subprocess.run(["xmllint", "--noout", "--schema", case.path_in_case(schema), path],
                                capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise StepFailure("file %s: xmllint (Debian: libxml2-utils) is needed to validate it" % name)
    if result.returncode != 0:
        raise StepFailure("file %s: not valid for %s" % (name, schema), expected="valid",
                          got=shorten(result.stderr))


@step_kind("sleep_ms")
def sleep_ms(case, step):
    time.sleep(float(step["sleep_ms"]) / 1000.0)
