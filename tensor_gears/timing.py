"""Timing thresholds that do not flake.

Ratios only, never absolute times. Every timed call gets new inputs: before each call the
child moves one element of each float input (the next element each time), so a function that
remembers earlier calls' results gains nothing: no call sees the contents of an earlier one,
and `timed_result` shows what it returns on the inputs as they were moved (a cache by object
returns an old result). The cost of moving them is measured in a dry batch and subtracted. The parent reads each child's CPU time from outside it
(a cgroup of its own, or schedstat: nanoseconds, every process the child starts included)
around a batch of calls, so nothing the student's code does can fake the clock or hide work
in another process. The grader's reference runs the same way in a clean child that never
loads student code. Only the work is measured: the child collects garbage and turns the
collector off before the batches, and the cost of an empty batch (the request itself) is
subtracted. Each round holds at least `ROUND_SECONDS` of that net work, after a warm-up
call; rounds are interleaved (reference, student, reference, ...) and the minimum of each
side is kept, as the least disturbed measurement.

The number of rounds follows a rule fixed in advance: at least `MIN_ROUNDS`, then stop as
soon as the measured ratio is `CERTAIN` times past its threshold either way (a disturbance
only makes a side look slower, and no disturbance seen here came near that factor), else
go on up to the full count. Most rounds decided nothing: correct answers measure ten times
the speed-up required, honest loops a twenty-fifth of the budget.
"""

import math
from dataclasses import dataclass

from .errors import CheckFailed, ChildError, ChildTimeout
from .student_code import StudentCode, decode_result, encode_input

SPEEDUP_REQUIRED = 20  # vectorized_add_relu vs the naive version (typically 150x to 400x)
SLOWDOWN_ALLOWED = 50  # naive_matrix_dot vs the reference naive version (honest loops: 1x to 3x)
ROUND_SECONDS = 0.1  # net CPU work in each timed round
ROUNDS = 5  # interleaved rounds per side for a speed-up; the best of each side counts
BUDGET_ROUNDS = 3  # single calls of the student's function within the budget
MIN_ROUNDS = 2  # rounds always measured, before a verdict may stop the timing early
CERTAIN = 3  # a ratio this many times past its threshold (either way) stops the rounds
CALIBRATION_SECONDS = 0.05  # net work a calibration batch must reach before it is scaled up
MAX_CALLS = 1 << 22
EMPTY_BATCHES = 3  # empty batches measured to know the cost of a request
BUDGET_SLACK = 0.01  # CPU seconds allowed on top of a budget for the request itself


@dataclass
class Side:
    """One side of a comparison: a child, the function to time in it, how to ask for it."""

    name: str
    function: str
    request: callable  # (header, blobs, timeout, cpu_limit) -> reply
    cpu_seconds: callable
    calls: int = 1
    overhead: float = 0.0  # CPU seconds of an empty batch
    moving: float = 0.0  # CPU seconds per call of moving the inputs (a dry batch)
    best: float = float("inf")  # net CPU seconds per call, best round

    def prepare(self, args, cpu_limit: float | None = None):
        """Send the inputs, make one warm-up call, and measure the cost of an empty batch."""
        blobs = []
        header = {"op": "prepare_timing", "function": self.function, "args": [encode_input(a, blobs) for a in args]}
        reply, _ = self.request(header, blobs, 60, cpu_limit)
        if reply.get("status") != "ready":
            raise CheckFailed(f"`{self.function}` could not be timed: it raised {reply.get('type', 'an error')}")
        self.overhead = min(self.batch(0) for _ in range(EMPTY_BATCHES))

    def batch(self, calls: int, cpu_limit: float | None = None, dry: bool = False) -> float:
        """CPU seconds of one batch of `calls` calls (dry: only the inputs move), request
        included, read from outside."""
        before = self.cpu_seconds()
        timeout = 30 + (cpu_limit or 0) * 3
        reply, _ = self.request({"op": "run_timing", "calls": calls, "dry": dry}, (), timeout, cpu_limit)
        if reply.get("status") != "done":
            raise CheckFailed(f"`{self.function}` raised {reply.get('type', 'an error')} while it was timed")
        return self.cpu_seconds() - before

    def run(self, calls: int, cpu_limit: float | None = None) -> float:
        """Net CPU seconds per call over a batch of `calls` calls."""
        return max(self.batch(calls, cpu_limit) - self.overhead - calls * self.moving, 0.0) / calls

    def timed_result(self) -> tuple:
        """(result, inputs) of one more call on the inputs as the timed calls left them."""
        reply, blobs = self.request({"op": "timed_result"}, (), 30, None)
        if reply.get("status") != "returned":
            raise CheckFailed(f"`{self.function}` raised {reply.get('type', 'an error')} after it was timed")
        try:
            return decode_result(reply.get("result"), blobs), [decode_result(spec, blobs) for spec in reply["inputs"]]
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise CheckFailed(f"`{self.function}` gave back a value the grader cannot read ({error})") from None

    def calibrate(self):
        """Grow the batch until its net work is measurable, then size it to a round."""
        calls = 1
        while True:
            net = self.run(calls) * calls
            if net >= CALIBRATION_SECONDS or calls >= MAX_CALLS:
                break
            calls = min(MAX_CALLS, calls * (4 if net < CALIBRATION_SECONDS / 16 else 2))
        self.calls = min(MAX_CALLS, max(1, math.ceil(calls * ROUND_SECONDS / max(net, 1e-6))))
        dry = min(self.batch(self.calls, dry=True) for _ in range(EMPTY_BATCHES))
        self.moving = max(dry - self.overhead, 0.0) / self.calls


def student_side(student: StudentCode, function: str) -> Side:
    def request(header, blobs, timeout, cpu_limit):
        reply = student.request(function, header, blobs, timeout=timeout, cpu_limit=cpu_limit)
        student.raise_if_unusable(function, reply[0])
        return reply

    return Side("yours", function, request, lambda: student.child(function).cpu_seconds())


def reference_side(child, function: str) -> Side:
    return Side("the grader's", function,
                lambda header, blobs, timeout, cpu_limit: child.request(header, blobs, timeout, cpu_limit),
                child.cpu_seconds)


def speed_ratio(student: Side, reference: Side, args, threshold: float, rounds: int = ROUNDS) -> tuple[float, int]:
    """How many times faster the student's function is than the reference (CPU per call), and
    the rounds it took to know how it compares with `threshold`."""
    try:
        for side in (reference, student):
            side.prepare(args)
            side.calibrate()
        for done in range(1, rounds + 1):
            for side in (reference, student):
                side.best = min(side.best, side.run(side.calls))
            ratio = reference.best / max(student.best, 1e-9)
            if done >= MIN_ROUNDS and not threshold / CERTAIN < ratio < threshold * CERTAIN:
                break
    except ChildError as error:
        raise CheckFailed(f"`{student.function}` could not be timed: {error or 'it was stopped'}") from None
    return ratio, done


def within_budget(student: Side, reference: Side, args, factor: float,
                  rounds: int = BUDGET_ROUNDS) -> tuple[bool, float]:
    """Whether each student call finishes within `factor` times the reference's CPU time (a
    call that passes the budget is stopped). Returns the verdict and the measured ratio."""
    try:
        reference.prepare(args)
        reference.calibrate()
        reference.best = reference.run(reference.calls)
        student.prepare(args, cpu_limit=factor * reference.best + BUDGET_SLACK)
        for done in range(1, rounds + 1):
            reference.best = min(reference.best, reference.run(reference.calls))
            limit = factor * reference.best + student.overhead + BUDGET_SLACK
            student.best = min(student.best, student.run(1, cpu_limit=limit))
            if done >= MIN_ROUNDS and student.best * CERTAIN <= factor * reference.best:
                break  # clearly within the budget (past it, the call is stopped)
    except ChildTimeout:
        return False, float("inf")
    except ChildError as error:
        raise CheckFailed(f"`{student.function}` could not be timed: {error or 'it was stopped'}") from None
    return student.best <= factor * reference.best + BUDGET_SLACK, student.best / max(reference.best, 1e-9)
