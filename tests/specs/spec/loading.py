"""Reading a case.json: parse it, validate it against case.schema.json, and expand the
shorthand forms so that steps see one shape only."""

import json
import os
import sys

from .errors import CaseError

SCHEMA_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "case.schema.json")
# At most this many schema errors are listed for one case.
MAX_SCHEMA_ERRORS = 5

try:
    import jsonschema
except ImportError:  # reported by require_jsonschema(), which run.py calls first
    jsonschema = None

_validator = None


def require_jsonschema():
    """Exits 1 when the jsonschema library is missing: validation is never skipped."""
    if jsonschema is None:
        sys.stderr.write("run.py: the Python module 'jsonschema' is missing; it validates "
                         "case.json against case.schema.json. Install it: "
                         "apt-get install python3-jsonschema (scripts/bootstrap.sh does)\n")
        sys.exit(1)


def schema_validator():
    global _validator
    if _validator is None:
        with open(SCHEMA_PATH, encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        _validator = jsonschema.Draft202012Validator(schema)
    return _validator


def schema_errors(document):
    """The schema violations of a parsed case.json, as "$.path: message" lines."""
    lines = []
    for error in schema_validator().iter_errors(document):
        # An error under oneOf/anyOf (a request is a string or an object) is reported
        # by the alternative that came closest, which names the misspelled field.
        error = jsonschema.exceptions.best_match([error])
        message = error.message
        if error.validator in ("oneOf", "anyOf") and "description" in error.schema:
            message += " (%s)" % error.schema["description"]
        lines.append("%s: %s" % (error.json_path, message))
    return sorted(set(lines))


def load_case(case_dir):
    """The case.json of `case_dir`, validated and with its shorthand expanded."""
    with open(os.path.join(case_dir, "case.json"), encoding="utf-8") as f:
        try:
            document = json.load(f)
        except json.JSONDecodeError as error:
            raise CaseError("case.json: %s" % error)
    problems = schema_errors(document)
    if problems:
        shown = problems[:MAX_SCHEMA_ERRORS]
        if len(problems) > len(shown):
            shown.append("(%d more)" % (len(problems) - len(shown)))
        raise CaseError("case.json does not match case.schema.json:\n  " + "\n  ".join(shown))
    return expand_shorthand(document)


def expand_request(request):
    """"GET /path" or "/path" for a request with only a method and a path."""
    if isinstance(request, str):
        method, _, path = request.rpartition(" ")
        return {"method": method or "GET", "path": path}
    return request


def expand_shorthand(document):
    for step in document.get("steps") or []:
        if "request" in step:
            step["request"] = expand_request(step["request"])
        for item in step.get("requests_parallel") or []:
            item["request"] = expand_request(item["request"])
    return document
