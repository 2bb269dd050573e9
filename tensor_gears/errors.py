"""The package's exceptions, one hierarchy: catch `TensorGearsError` for all of them."""


class TensorGearsError(Exception):
    """Base of every exception the package raises on purpose."""


class CheckFailed(TensorGearsError, AssertionError):
    """A check did not pass; the message is for the student (no hidden inputs or answers), and
    `details` say the same as data (grading.CheckResult's fields: the call that failed, what it
    returned instead, the rule broken, how the box stopped the code)."""

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.details = details


class NotJudged(CheckFailed):
    """A check could not judge its property: the function failed first on a plain input."""


class ChildError(TensorGearsError):
    """The child running student code could not answer: it crashed, hung, or broke the protocol."""


class ChildTimeout(ChildError):
    """The child ran past a wall-clock or CPU-time limit and was stopped."""


class TemporaryFolderTooDeep(TensorGearsError):
    """The temporary folder's path leaves no room for a kernel's sockets: grading refuses to start."""


class GraderError(TensorGearsError):
    """The grader itself failed on a notebook: its hidden cells score 0 and the instructor is told."""
