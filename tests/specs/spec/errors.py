"""The two ways a step can go wrong: the case is wrong, or sbfn is."""


class CaseError(Exception):
    """case.json itself is wrong (not a failure of sbfn)."""


class StepFailure(Exception):
    """sbfn did not do what the step expects. `fatal` stops the case: later steps would
    only fail for the same reason (no server)."""

    def __init__(self, message, expected=None, got=None, fatal=False):
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.got = got
        self.fatal = fatal
