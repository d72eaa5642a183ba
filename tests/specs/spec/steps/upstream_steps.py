"""Steps on the case's upstream servers (case.json "upstreams"): check the requests a
function sent them."""

import json

from ..errors import CaseError, StepFailure
from ..matchers import header_problems, match_string, subset_mismatch
from ..values import shorten, text_value
from . import step_kind


def request_problems(index, expect, request):
    """Problems of one recorded request against {"method", "path", "query", "headers",
    "body", "body_contains", "json", "json_subset"}."""
    where = "request %d" % index
    problems = []
    for field in ("method", "path", "query"):
        if field in expect:
            problem = match_string(expect[field], getattr(request, field),
                                   "%s %s" % (where, field))
            if problem:
                problems.append(problem)
    problems += ["%s %s" % (where, p)
                 for p in header_problems(expect.get("headers"), request.header_values)]
    if "body" in expect:
        want = text_value(expect["body"], "expect.body").encode("utf-8")
        if request.body != want:
            problems.append("%s body: expected %s, got %s"
                            % (where, shorten(want), shorten(request.body)))
    for part in expect.get("body_contains", []):
        if text_value(part, "expect.body_contains").encode("utf-8") not in request.body:
            problems.append("%s body does not contain %s: %s"
                            % (where, shorten(part), shorten(request.body)))
    if "json" in expect or "json_subset" in expect:
        try:
            document = json.loads(request.body.decode("utf-8"))
        except ValueError:
            problems.append("%s body is not JSON: %s" % (where, shorten(request.body)))
        else:
            if "json" in expect and document != expect["json"]:
                problems.append("%s json: expected %s, got %s" % (
                    where, json.dumps(expect["json"], sort_keys=True), shorten(document)))
            if "json_subset" in expect:
                problem = subset_mismatch(expect["json_subset"], document)
                if problem:
                    problems.append("%s json_subset: %s" % (where, problem))
    return problems


@step_kind("upstream_log")
def upstream_log(case, step):
    """{"upstream": name, "count": N, "requests": [...], "clear": true}: the requests the
    upstream received since the case began (or the last clear). `requests` lists one
    expectation per request, in the order they came, and implies their number."""
    spec = step["upstream_log"]
    upstream = case.upstreams.get(spec["upstream"])
    if upstream is None:
        raise CaseError("upstream_log: no upstream %r in case.json \"upstreams\""
                        % spec["upstream"])
    with upstream.lock:
        seen = list(upstream.requests)
        if spec.get("clear"):
            upstream.requests.clear()
    problems = []
    expected = spec.get("requests")
    count = spec.get("count", len(expected) if expected is not None else None)
    if count is not None and len(seen) != count:
        problems.append("expected %d request(s), got %d" % (count, len(seen)))
    for index, (want, request) in enumerate(zip(expected or [], seen)):
        problems += request_problems(index, want, request)
    if problems:
        raise StepFailure("the requests upstream %r received do not match" % upstream.name,
                          expected=json.dumps(spec, sort_keys=True),
                          got=("\n".join(r.describe() for r in seen) or "(no requests)")
                          + "\nproblems:\n  - " + "\n  - ".join(problems))
