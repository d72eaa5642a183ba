"""Step kinds: one function per kind, found through STEPS.

A step function is `def kind(case, step)`: `case` is the running Case (server,
connections, paths), `step` the whole step object from case.json, so a function reads
its own action value (`step["<kind>"]`) and, where it takes one, `step.get("expect")`.
It raises StepFailure when sbfn misbehaves and CaseError when case.json is wrong.

To add a step kind: write the function in the module of its subject, decorate it with
@step_kind("kind"), and describe it in case.schema.json and README.md.
"""

import collections

StepKind = collections.namedtuple("StepKind", "function takes_expect may_background")

STEPS = {}


def step_kind(kind, takes_expect=False, may_background=False):
    """Registers the decorated function as the handler of steps of this kind."""
    def register(function):
        STEPS[kind] = StepKind(function, takes_expect, may_background)
        return function
    return register


# Importing the modules fills STEPS.
from . import connection_steps, file_steps, http_steps, process_steps  # noqa: E402,F401
from . import registry_steps, server_steps, upstream_steps, websocket_steps  # noqa: E402,F401
