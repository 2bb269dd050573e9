"""Rules decided from the submitted source: loops only, no loops, no NumPy, uses the tape,
graded code does not look at the grader, timed code keeps no state.

They are read from the code with `ast`, never measured while it runs: timings and counters
inside the student's process can be faked, and timing alone cannot tell a row loop from
full vectorization. Every rule resolves names with one resolver (`names`), which follows
imports, aliases, helpers, lambdas and `functools.partial`, and returns its violations as
messages that quote the student's code.
"""

from .grader_access import inspects_grader
from .loops_only import loops_only
from .names import Source
from .rules import no_loops, no_numpy
from .state import keeps_state
from .tape import uses_gradient_tape

__all__ = ["Source", "inspects_grader", "keeps_state", "loops_only", "no_loops", "no_numpy", "uses_gradient_tape"]
