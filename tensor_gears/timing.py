"""Timing thresholds that do not flake.

Ratios only, never absolute times. The parent reads each child's CPU time from outside it
(/proc) around a batch of calls, so nothing the student's code does can fake the clock.
The grader's reference runs the same way in a clean child that never loads student code.
Rounds are interleaved (reference, student, reference, ...), each long enough (about
0.2 s of CPU), after a warm-up call, with the garbage collector off and one BLAS thread;
the minimum of each side is kept, as the least disturbed measurement.
"""

from dataclasses import dataclass

from .sandbox.process import Child, ChildError, ChildTimeout
from .student_code import CheckFailed, StudentCode, encode_input

SPEEDUP_REQUIRED = 20  # vectorized_add_relu vs the naive version (typically 150x to 400x)
SLOWDOWN_ALLOWED = 50  # naive_matrix_dot vs the reference naive version (honest loops: 1x to 3x)
ROUND_SECONDS = 0.2
ROUNDS = 5
CALIBRATION_SECONDS = 0.05
TICK_SLACK = 0.03  # CPU time is read in 10 ms ticks


@dataclass
class Side:
    """One side of a comparison: a child, the function to time in it, how to ask for it."""

    name: str
    function: str
    request: callable  # (header, blobs, timeout, cpu_limit) -> reply
    cpu_seconds: callable
    calls: int = 1
    best: float = float("inf")

    def prepare(self, args, cpu_limit: float | None = None):
        """Send the inputs and make one warm-up call."""
        blobs = []
        header = {"op": "prepare_timing", "function": self.function, "args": [encode_input(a, blobs) for a in args]}
        reply, _ = self.request(header, blobs, 60, cpu_limit)
        if reply.get("status") != "ready":
            raise CheckFailed(f"`{self.function}` could not be timed: it raised {reply.get('type', 'an error')}")

    def run(self, calls: int, cpu_limit: float | None = None) -> float:
        """CPU seconds per call over a batch of `calls` calls, read from outside the child."""
        before = self.cpu_seconds()
        timeout = 30 + (cpu_limit or 0) * 3
        self.request({"op": "run_timing", "calls": calls}, (), timeout, cpu_limit)
        return (self.cpu_seconds() - before) / calls

    def calibrate(self):
        """Double the batch until it takes measurable time, then size it to a round."""
        calls = 1
        while True:
            seconds = self.run(calls) * calls
            if seconds >= CALIBRATION_SECONDS or calls >= 1 << 20:
                break
            calls *= 4
        self.calls = max(1, round(calls * ROUND_SECONDS / max(seconds, 1e-3)))


def student_side(student: StudentCode, function: str) -> Side:
    def request(header, blobs, timeout, cpu_limit):
        reply = student.request(function, header, blobs, timeout=timeout, cpu_limit=cpu_limit)
        student.raise_if_unusable(function, reply[0])
        return reply

    return Side("yours", function, request, lambda: student.child(function).cpu_seconds())


def reference_side(child: Child, function: str) -> Side:
    return Side("the grader's", function,
                lambda header, blobs, timeout, cpu_limit: child.request(header, blobs, timeout, cpu_limit),
                child.cpu_seconds)


def speed_ratio(student: Side, reference: Side, args, rounds: int = ROUNDS) -> float:
    """How many times faster the student's function is than the reference (CPU per call)."""
    try:
        for side in (reference, student):
            side.prepare(args)
            side.calibrate()
        for _ in range(rounds):
            for side in (reference, student):
                side.best = min(side.best, side.run(side.calls))
    except ChildError as error:
        raise CheckFailed(f"`{student.function}` could not be timed: {error or 'it was stopped'}") from None
    return reference.best / max(student.best, 1e-9)


def within_budget(student: Side, reference: Side, args, factor: float, rounds: int = 3) -> tuple[bool, float]:
    """Whether each student call finishes within `factor` times the reference's CPU time (a
    call that passes the budget is stopped). Returns the verdict and the measured ratio."""
    try:
        reference.prepare(args)
        reference.calibrate()
        reference.best = reference.run(reference.calls)
        student.prepare(args, cpu_limit=factor * reference.best + TICK_SLACK)
        for _ in range(rounds):
            reference.best = min(reference.best, reference.run(reference.calls))
            student.best = min(student.best, student.run(1, cpu_limit=factor * reference.best + TICK_SLACK))
    except ChildTimeout:
        return False, float("inf")
    except ChildError as error:
        raise CheckFailed(f"`{student.function}` could not be timed: {error or 'it was stopped'}") from None
    return student.best <= factor * reference.best + TICK_SLACK, student.best / max(reference.best, 1e-9)
