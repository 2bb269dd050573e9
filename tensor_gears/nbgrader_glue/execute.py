"""nbgrader's `Execute`, with the kernel in the sandbox and a breakdown contained."""

from nbgrader.preprocessors import Execute

from ..core.execution import Containment


class ContainedExecute(Containment, Execute):
    """A dead or stuck kernel stops this notebook's run, nothing more (see core.execution)."""
