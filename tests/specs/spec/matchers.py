"""Expectations: does what sbfn produced (a response, output, text) match what the case
expects? Each check returns or collects problems; check_response raises StepFailure."""

import base64
import json
import re

from .errors import CaseError, StepFailure
from .values import as_list, first_difference, shorten, text_value


def subset_mismatch(expected, got, path="$"):
    """None when every key/element of `expected` is in `got` (objects: listed keys only)."""
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return "%s: expected an object, got %s" % (path, shorten(got, 120))
        for key, value in expected.items():
            if key not in got:
                return "%s: missing key %r" % (path, key)
            problem = subset_mismatch(value, got[key], "%s.%s" % (path, key))
            if problem:
                return problem
        return None
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            return "%s: expected a list of %d, got %s" % (path, len(expected), shorten(got, 120))
        for index, (e, g) in enumerate(zip(expected, got)):
            problem = subset_mismatch(e, g, "%s[%d]" % (path, index))
            if problem:
                return problem
        return None
    if expected != got or type(expected) is not type(got):
        if isinstance(expected, (int, float)) and isinstance(got, (int, float)) \
                and not isinstance(expected, bool) and not isinstance(got, bool) \
                and expected == got:
            return None
        return "%s: expected %s, got %s" % (path, json.dumps(expected), shorten(got, 200))
    return None


def match_string(spec, got, what):
    """Checks a string against an exact string, {"contains": s}, {"matches": re} or
    {"not_contains": s}. Returns a problem or None."""
    if isinstance(spec, str):
        return None if got == spec else "%s: expected %r, got %r" % (what, spec, got)
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "contains" and value not in got:
                return "%s: expected it to contain %r, got %r" % (what, value, got)
            if key == "not_contains" and value in got:
                return "%s: expected it not to contain %r, got %r" % (what, value, got)
            if key == "matches" and not re.search(value, got):
                return "%s: expected it to match /%s/, got %r" % (what, value, got)
            if key not in ("contains", "not_contains", "matches"):
                raise CaseError("unknown string matcher %r in %s" % (key, what))
        return None
    raise CaseError("%s: expected a string or a matcher object, got %r" % (what, spec))


def header_problems(expected, header_values):
    """Problems of headers (`header_values(name)` -> the values sent under that name, any
    case) against {name: expected}: a string (the values joined with ", " equal it), a
    list (exactly these values, in order), None (absent) or a string matcher object."""
    problems = []
    for name, want in (expected or {}).items():
        values = header_values(name)
        if want is None:
            if values:
                problems.append("header %s: expected none, got %r" % (name, values))
        elif isinstance(want, list):
            if values != want:
                problems.append("header %s: expected the values %r, got %r"
                                % (name, want, values))
        elif not values:
            problems.append("header %s: missing (expected %r)" % (name, want))
        else:
            problem = match_string(want, ", ".join(values), "header " + name)
            if problem:
                problems.append(problem)
    return problems


def describe_expect(expect):
    """An expectation as printed under "expected:" (nested responses left out)."""
    text = json.dumps({k: v for k, v in (expect or {}).items() if k != "responses"},
                      sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 1000 else text[:1000] + "..."


def check_response(where, expect, response):
    """Checks one HTTP response against a request's `expect`; raises StepFailure listing
    every problem at once."""
    known = {"status", "body", "body_base64", "json", "json_subset", "body_contains",
             "body_not_contains", "body_matches", "headers", "chunks_at_least",
             "connection", "responses", "reason", "interim", "truncated", "body_length"}
    unknown = set(expect) - known
    if unknown:
        raise CaseError("unknown expectation(s) %s" % sorted(unknown))
    problems = []
    if "status" in expect and response.status != expect["status"]:
        problems.append("status: expected %s, got %s" % (expect["status"], response.status))
    if "reason" in expect and response.reason != expect["reason"]:
        problems.append("reason phrase: expected %r, got %r" % (expect["reason"], response.reason))
    if "body_length" in expect:
        length = response.length if response.discard else len(response.body)
        if length != expect["body_length"]:
            problems.append("body length: expected %d bytes, got %d"
                            % (expect["body_length"], length))
    if "interim" in expect and response.interim != expect["interim"]:
        problems.append("interim responses: expected %s, got %s"
                        % (expect["interim"], response.interim))
    if expect.get("truncated", False) != (response.truncated is not None):
        problems.append("body: expected the connection to break before the body was complete"
                        if expect.get("truncated") else
                        "body incomplete: %s" % response.truncated)
    if "body" in expect:
        want = text_value(expect["body"], "expect.body").encode("utf-8")
        if response.body != want:
            at = first_difference(want, response.body)
            problems.append("body: expected %s, got %s (first difference at byte %d)"
                            % (shorten(want), shorten(response.body), at))
    if "body_base64" in expect:
        want = base64.b64decode(expect["body_base64"])
        if response.body != want:
            at = first_difference(want, response.body)
            problems.append("body bytes: %d expected, %d came; first difference at offset %d:"
                            " expected %r, got %r" % (len(want), len(response.body), at,
                                                      want[at:at + 16], response.body[at:at + 16]))
    text = response.body.decode("utf-8", "replace")
    if "json" in expect or "json_subset" in expect:
        try:
            document = json.loads(text)
        except ValueError:
            problems.append("body is not JSON: %s" % shorten(text))
        else:
            if "json" in expect and document != expect["json"]:
                problems.append("json: expected %s, got %s" % (
                    json.dumps(expect["json"], sort_keys=True), shorten(document)))
            if "json_subset" in expect:
                problem = subset_mismatch(expect["json_subset"], document)
                if problem:
                    problems.append("json_subset: " + problem)
    for needle in as_list(expect.get("body_contains")):
        if needle not in text:
            problems.append("body: expected it to contain %r, got %s" % (needle, shorten(text)))
    for needle in as_list(expect.get("body_not_contains")):
        if needle in text:
            problems.append("body: expected it not to contain %r, got %s"
                            % (needle, shorten(text)))
    for pattern in as_list(expect.get("body_matches")):
        if not re.search(pattern, text):
            problems.append("body: expected it to match /%s/, got %s" % (pattern, shorten(text)))
    problems += header_problems(expect.get("headers"), response.header_values)
    if "chunks_at_least" in expect:
        reads = response.read_count()
        if reads < expect["chunks_at_least"]:
            problems.append("body arrived in %d separate read(s), expected at least %d; "
                            "arrivals %s" % (reads, expect["chunks_at_least"],
                                             response.timeline()))
    if problems:
        raise StepFailure("%s: response does not match" % where,
                          expected=describe_expect(expect),
                          got=response.describe() + "\nproblems:\n  - "
                          + "\n  - ".join(problems))


def text_problems(stream, text, expect):
    """Problems of `text` (a command's stdout or stderr) against the `<stream>`,
    `<stream>_contains`, `<stream>_not_contains` and `<stream>_matches` fields of a run's
    expect."""
    problems = []
    if stream in expect:
        want = expect[stream]
        if not (isinstance(want, dict)
                and set(want) <= {"contains", "not_contains", "matches"}):
            want = text_value(want, "expect." + stream)
        problem = match_string(want, text, stream)
        if problem:
            problems.append(problem)
    for needle in as_list(expect.get(stream + "_contains")):
        if needle not in text:
            problems.append("%s: expected it to contain %r" % (stream, needle))
    for needle in as_list(expect.get(stream + "_not_contains")):
        if needle in text:
            problems.append("%s: expected it not to contain %r" % (stream, needle))
    for pattern in as_list(expect.get(stream + "_matches")):
        if not re.search(pattern, text, re.M):
            problems.append("%s: expected it to match /%s/" % (stream, pattern))
    return problems


def log_problems(text, spec):
    """Problems of the server output so far against an expect_log step."""
    problems = []
    for needle in as_list(spec.get("contains")):
        if needle not in text:
            problems.append("missing %r" % needle)
    for needle in as_list(spec.get("not_contains")):
        if needle in text:
            problems.append("unexpected %r" % needle)
    for pattern in as_list(spec.get("matches")):
        if not re.search(pattern, text, re.M):
            problems.append("nothing matches /%s/" % pattern)
    for pattern in as_list(spec.get("not_matches")):
        found = re.search(pattern, text, re.M)
        if found:
            problems.append("unexpected match of /%s/: %r" % (pattern, found.group(0)[:200]))
    if spec.get("json_lines"):
        for line in text.splitlines():
            try:
                if not isinstance(json.loads(line), dict):
                    raise ValueError
            except ValueError:
                problems.append("not a JSON object line: %r" % line)
                break
    return problems
