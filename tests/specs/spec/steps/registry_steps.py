"""Steps on the case's fixture registry (case.json "registry"): stop and start it, and
check which requests sbfn sent it."""

from ..errors import CaseError, StepFailure
from . import step_kind


def require_registry(case):
    if case.registry is None:
        raise CaseError("this step needs a \"registry\" folder in case.json")
    return case.registry


@step_kind("registry")
def registry(case, step):
    """"stop": the registry refuses connections from now on; "start": it serves again."""
    action = step["registry"]
    fixture = require_registry(case)
    if action == "stop":
        fixture.stop()
    elif action == "start":
        fixture.start()
    else:
        raise CaseError("registry: expected \"stop\" or \"start\", got %r" % (action,))


@step_kind("registry_log")
def registry_log(case, step):
    """{"count": N, "contains": [...], "not_contains": [...], "clear": true}: the requests
    since the case began (or the last clear), as "GET /path" lines."""
    spec = step["registry_log"]
    fixture = require_registry(case)
    with fixture.lock:
        seen = list(fixture.requests)
        if spec.get("clear"):
            fixture.requests.clear()
    problems = []
    if "count" in spec and len(seen) != spec["count"]:
        problems.append("expected %d request(s), got %d" % (spec["count"], len(seen)))
    for text in spec.get("contains", []):
        if not any(text in line for line in seen):
            problems.append("no request contains %r" % text)
    for text in spec.get("not_contains", []):
        if any(text in line for line in seen):
            problems.append("a request contains %r" % text)
    if problems:
        raise StepFailure("the registry's requests do not match: " + "; ".join(problems),
                          got="\n".join(seen) or "(no requests)")
