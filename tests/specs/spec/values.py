"""Values written in case.json (strings that may be built, raw bytes) and how the runner
prints values in failure messages."""

import json

from .errors import CaseError


def text_value(value, where="value"):
    """A string in case.json: a plain string, {"repeat": s, "times": n} or {"concat": [...]}."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "repeat" in value:
        return text_value(value["repeat"], where) * int(value.get("times", 1))
    if isinstance(value, dict) and "concat" in value:
        return "".join(text_value(v, where) for v in value["concat"])
    raise CaseError("%s must be a string, {\"repeat\":..., \"times\":...} or {\"concat\": [...]}, "
                    "got %r" % (where, value))


def raw_bytes(value, where="raw"):
    """Raw bytes written as a string: characters U+0000..U+00FF are the bytes."""
    text = text_value(value, where)
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        raise CaseError("%s may only hold characters U+0000..U+00FF (one per byte)" % where)


def shorten(data, limit=600):
    """A one-line, quoted rendering of text, bytes or JSON values, cut at `limit`."""
    size = None
    if isinstance(data, (bytes, bytearray)):
        size = len(data)
        try:
            data = json.dumps(bytes(data).decode("utf-8"), ensure_ascii=False)
        except UnicodeDecodeError:
            data = repr(bytes(data))
    elif isinstance(data, str):
        size = len(data)
        data = json.dumps(data, ensure_ascii=False)
    else:
        data = json.dumps(data, sort_keys=True, ensure_ascii=False)
    if len(data) > limit:
        return data[:limit] + "... (%s)" % ("%d bytes" % size if size is not None
                                            else "%d chars" % len(data))
    return data


def first_difference(want, got):
    """The index of the first element where two sequences differ (or the shorter length)."""
    for index, (a, b) in enumerate(zip(want, got)):
        if a != b:
            return index
    return min(len(want), len(got))


def as_list(value):
    """case.json takes one item or a list of them in many places."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
