"""Timing thresholds that do not flake, and that the timed code cannot fake.

What is guaranteed:
- Ratios only, never absolute times, of CPU time read from outside the children (a cgroup of
  each child's own, or schedstat: every process and thread the child starts counts), around a
  request; the grader's reference runs the same way in a clean child that never loads
  student code. Only the work counts: the cost of an empty batch (the request itself) and of a
  dry batch (moving the inputs and summing a result, without the call) is subtracted.
- Every timed call counts, and every one is checked. The grader draws the inputs of every
  timed call: before each call of a batch, the inputs are put back as they came and one element
  of each float input moves by a delta of the grader's (`Plan`), and the child returns a
  checksum of each result (its weighted sum, with weights drawn anew for each batch), which the
  grader compares with the checksum of the right result on those inputs. One wrong result in a
  batch fails the timing check.
- A timed call is called the way every check calls the function: through the same code in
  the child, with the garbage collector off, as always when student code runs. The speed-up
  must also hold for calls made one at a time, each in a request of its own, exactly like the
  other checks' calls (`isolated`): a function that is fast only when called many times in a
  row gains nothing. (A request costs about 0.2 ms of its own, and a call made alone runs with
  cold caches: on a machine oversubscribed several times over, an honest NumPy call measured
  alone came out only 5.2 times faster than the naive loops, while it is 100 to 900 times
  faster on a quieter one; a function at the naive loops' speed when alone measures 1.3 to
  1.4. `ALONE_SPEEDUP_REQUIRED` sits between: an eighth of the speed-up.) The time budget is
  measured on such calls only. The timing checks judge only a function that keeps nothing
  between calls and reads no clock (`source_rules.state`): without them, no call can tell
  a timed call from another.
- A measurement no honest code can produce is refused: a speed-up far beyond what the
  grader's own NumPy answer reaches in the same run, or a naive product far faster than the
  grader's naive loops (`FASTEST_VECTORIZED`, `FASTEST_NAIVE`), says the timing was
  interfered with.
What is not: the child runs the student's code and the harness in one interpreter, so code
that reaches the harness's objects could change what it reports; the source rules
(`source_rules.grader_access`) give such code 0 for its function, and what the child reports
is checked as above, but a harness subverted from inside could still report right results
computed some other way, within the limits above.

Rounds follow a rule fixed in advance: at least `MIN_ROUNDS`, then stop as soon as the ratio
is `CERTAIN` times past its threshold either way, else go on up to the full count. Each round
holds at least `ROUND_SECONDS` of net work after a warm-up call; rounds are interleaved and
the best of each side counts.
"""

import math
from dataclasses import dataclass

import numpy as np

from .errors import CheckFailed, ChildError, ChildTimeout
from .sandbox.inside.protocol import checksum, npy_bytes, npy_load
from .student_code import StudentCode, encode_input

SPEEDUP_REQUIRED = 20  # vectorized_add_relu vs the naive version (typically 150x to 400x)
ALONE_SPEEDUP_REQUIRED = 20 / 8  # the same, for calls made one at a time: their measurement is coarser
SLOWDOWN_ALLOWED = 50  # naive_matrix_dot vs the reference naive version (honest loops: 1x to 3x)
FASTEST_VECTORIZED = 5  # no honest vectorized_add_relu is this many times faster than NumPy's own answer
FASTEST_NAIVE = 20  # no honest naive_matrix_dot is this many times faster than the grader's naive loops
ROUND_SECONDS = 0.1  # net CPU work in each timed round
ROUNDS = 5  # interleaved rounds per side for a speed-up; the best of each side counts
BUDGET_ROUNDS = 3  # single calls of the student's function within the budget
MIN_ROUNDS = 2  # rounds always measured, before a verdict may stop the timing early
CERTAIN = 3  # a ratio this many times past its threshold (either way) stops the rounds
CALIBRATION_SECONDS = 0.05  # net work a calibration batch must reach before it is scaled up
MAX_CALLS = 1 << 20
EMPTY_BATCHES = 3  # empty (or dry) batches measured to know the cost of a request
ISOLATED_CALLS = 15  # calls made one at a time, each beside a dry one; the least of each counts
BUDGET_SLACK = 0.01  # CPU seconds allowed on top of a budget for the request itself
DELTAS = (0.25, 1.0)  # how far a timed call's input element moves, either way
RTOL, ATOL = 1e-6, 1e-9  # as the checks compare values (support.same_values)


@dataclass
class Plan:
    """The grader's inputs for a batch of `calls` timed calls: before call k, the element
    `index[k]` of each float input moves by `deltas[k]`; results are summed with `weights`."""

    calls: int
    index: np.ndarray
    deltas: np.ndarray  # (calls, float inputs)
    moved: list[int]  # the positions of the float inputs among the arguments
    weights: np.ndarray

    @classmethod
    def draw(cls, rng: np.random.Generator, args, calls: int, result_shape) -> "Plan":
        moved = [position for position, arg in enumerate(args)
                 if isinstance(arg, np.ndarray) and arg.dtype.kind == "f" and arg.size]
        size = args[moved[0]].size if moved else 1
        magnitudes = rng.uniform(*DELTAS, size=(calls, len(moved)))
        deltas = magnitudes * rng.choice([-1.0, 1.0], size=magnitudes.shape)
        weights = rng.uniform(1, 2, size=result_shape) * rng.choice([-1.0, 1.0], size=result_shape)
        return cls(calls, rng.integers(0, size, size=calls), deltas, moved, weights)

    @classmethod
    def single(cls, rng: np.random.Generator, result_shape) -> "Plan":
        """One call on inputs as they are (the grader made them new already)."""
        weights = rng.uniform(1, 2, size=result_shape) * rng.choice([-1.0, 1.0], size=result_shape)
        return cls(1, np.zeros(0, dtype=np.int64), np.zeros((0, 0)), [], weights)

    def request(self, blobs: list[bytes], dry: bool = False) -> dict:
        """The `repeat` part of the child's request."""
        repeat = {"calls": self.calls, "weights": len(blobs), "dry": dry}
        blobs.append(npy_bytes(self.weights))
        if self.moved and self.calls:
            repeat.update(index=len(blobs), deltas=len(blobs) + 1, moved=self.moved)
            blobs += [npy_bytes(self.index.astype(np.int64)), npy_bytes(self.deltas)]
        return repeat


def expected_sums(elementwise, args, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """The checksum of the right result of each call of `plan` (for a function that works
    element by element, `elementwise` being the right one), and the tolerance of each. Call k
    gets the inputs as they are, but for the element `index[k]` of each float input, moved by
    `deltas[k]`."""
    inputs = [np.asarray(arg, dtype=np.float64).ravel() for arg in args]
    base = np.asarray(elementwise(*inputs), dtype=np.float64)
    weights = plan.weights.ravel()
    before = [values[plan.index] for values in inputs]
    after = list(before)
    for column, position in enumerate(plan.moved):
        after[position] = before[position] + plan.deltas[:, column]
    change = weights[plan.index] * (np.asarray(elementwise(*after), dtype=np.float64)
                                    - np.asarray(elementwise(*before), dtype=np.float64))
    tolerance = np.abs(weights) @ (ATOL + RTOL * np.abs(base)) + RTOL * np.abs(change)
    return weights @ base + change, tolerance


@dataclass
class Side:
    """One side of a comparison: a child, the function to time in it, how to ask for it, and,
    for the student's side, what the right result is (`expected(*args)`, element by element
    for batches), to check every timed call."""

    name: str
    function: str
    request: callable  # (header, blobs, timeout, cpu_limit) -> (reply, blobs)
    cpu_seconds: callable
    collect: callable  # () -> None: the child collects its garbage (outside any measurement)
    rng: np.random.Generator
    expected: callable = None  # None: the grader's own code, not checked
    calls: int = 1
    overhead: float = 0.0  # CPU seconds of an empty batch
    moving: float = 0.0  # CPU seconds per call of moving the inputs and summing a result (a dry batch)
    best: float = float("inf")  # net CPU seconds per call, best round
    result_shape: tuple = ()

    def send(self, args, plan: Plan, dry: bool = False, cpu_limit: float | None = None) -> tuple[float, np.ndarray]:
        """CPU seconds of one request of `plan`'s calls (read from outside), and their checksums."""
        blobs: list[bytes] = []
        header = {"op": "call", "function": self.function, "args": [encode_input(a, blobs) for a in args]}
        header["repeat"] = plan.request(blobs, dry)
        timeout = 30 + (cpu_limit or 0) * 3
        before = self.cpu_seconds()
        reply, out = self.request(header, blobs, timeout, cpu_limit)
        spent = self.cpu_seconds() - before
        if reply.get("status") == "raised":
            call = f" (timed call {reply.get('call', 0) + 1} of {plan.calls})" if plan.calls > 1 else ""
            raise CheckFailed(f"`{self.function}` raised {reply.get('type', 'an error')} while it was timed{call}")
        if reply.get("status") != "done":
            raise CheckFailed(f"`{self.function}` could not be timed")
        try:
            sums = npy_load(out[0])
            if type(sums) is not np.ndarray or sums.shape != (plan.calls,) or sums.dtype != np.float64:
                raise ValueError("not the checksums asked for")
        except (ValueError, IndexError, OSError) as error:
            raise CheckFailed(f"`{self.function}` gave back timings the grader cannot read ({error})") from None
        return spent, sums

    def batch(self, args, calls: int, dry: bool = False, cpu_limit: float | None = None) -> float:
        """CPU seconds of a batch of `calls` calls on inputs moved before each, every result checked."""
        plan = Plan.draw(self.rng, args, calls, self.result_shape)
        spent, sums = self.send(args, plan, dry, cpu_limit)
        if self.expected is not None and calls and not dry:
            wanted, tolerance = expected_sums(self.expected, args, plan)
            self.verify(sums, wanted, tolerance, calls)
        return spent

    def single(self, args, dry: bool = False, cpu_limit: float | None = None) -> float:
        """CPU seconds of one call in a request of its own, like any check's call, its result checked."""
        plan = Plan.single(self.rng, self.result_shape)
        spent, sums = self.send(args, plan, dry, cpu_limit)
        if self.expected is not None and not dry:
            right = np.asarray(self.expected(*args), dtype=np.float64)
            tolerance = np.abs(plan.weights).ravel() @ (ATOL + RTOL * np.abs(right)).ravel()
            self.verify(sums, np.array([checksum(right, plan.weights)]), np.array([tolerance]), 1)
        return spent

    def verify(self, sums: np.ndarray, wanted: np.ndarray, tolerance: np.ndarray, calls: int):
        wrong = np.flatnonzero(~(np.abs(sums - wanted) <= tolerance))
        if wrong.size:
            where = f"timed call {wrong[0] + 1} of {calls}" if calls > 1 else "a call timed on its own"
            raise CheckFailed(f"while it was timed, `{self.function}` returned a wrong result ({where}; "
                              f"{wrong.size} of {calls} wrong): every timed call gets new inputs, and every result "
                              f"is checked")

    def prepare(self, args, result_shape, cpu_limit: float | None = None):
        """A warm-up call (checked), a garbage collection (outside any measurement), and the cost
        of an empty batch."""
        self.result_shape = tuple(result_shape)
        self.single(args, cpu_limit=cpu_limit)
        self.collect()
        self.overhead = min(self.batch(args, 0) for _ in range(EMPTY_BATCHES))

    def run(self, args, calls: int, cpu_limit: float | None = None) -> float:
        """Net CPU seconds per call over a batch of `calls` calls."""
        return max(self.batch(args, calls, cpu_limit=cpu_limit) - self.overhead - calls * self.moving, 0.0) / calls

    def calibrate(self, args):
        """Grow the batch until its net work is measurable, then size it to a round; measure a dry batch."""
        calls = 1
        while True:
            net = self.run(args, calls) * calls
            if net >= CALIBRATION_SECONDS or calls >= MAX_CALLS:
                break
            calls = min(MAX_CALLS, calls * (4 if net < CALIBRATION_SECONDS / 16 else 2))
        self.calls = min(MAX_CALLS, max(1, math.ceil(calls * ROUND_SECONDS / max(net, 1e-6))))
        dry = min(self.batch(args, self.calls, dry=True) for _ in range(EMPTY_BATCHES))
        self.moving = max(dry - self.overhead, 0.0) / self.calls

    def isolated(self, new_inputs: callable, cpu_limit: float | None = None) -> float:
        """Net CPU seconds of one call made alone, as the other checks make them: the least of
        `ISOLATED_CALLS` such calls (each on new inputs), less the least of as many dry ones."""
        calls, dries = [], []
        for _ in range(ISOLATED_CALLS):
            dries.append(self.single(new_inputs(), dry=True))
            calls.append(self.single(new_inputs(), cpu_limit=cpu_limit))
        return max(min(calls) - min(dries), 0.0)


def moved_inputs(rng: np.random.Generator, args) -> callable:
    """A maker of new inputs: `args` with one element of each float array moved, anew each time."""
    def new():
        fresh = [arg.copy() if isinstance(arg, np.ndarray) else arg for arg in args]
        for arg in fresh:
            if isinstance(arg, np.ndarray) and arg.dtype.kind == "f" and arg.size:
                arg.flat[rng.integers(arg.size)] += rng.choice([-1.0, 1.0]) * rng.uniform(*DELTAS)
        return fresh
    return new


def student_side(student: StudentCode, function: str, expected: callable, rng: np.random.Generator) -> Side:
    def request(header, blobs, timeout, cpu_limit):
        reply = student.request(function, header, blobs, timeout=timeout, cpu_limit=cpu_limit)
        student.raise_if_unusable(function, reply[0])
        return reply

    return Side("yours", function, request, lambda: student.child(function).settled_cpu_seconds(),
                lambda: student.collect(function), rng, expected)


def reference_side(child, function: str, rng: np.random.Generator) -> Side:
    """The grader's own `function` in a clean child (its results are not checked)."""
    return Side("the grader's", function,
                lambda header, blobs, timeout, cpu_limit: child.request(header, blobs, timeout, cpu_limit),
                child.settled_cpu_seconds, lambda: child.request({"op": "collect"}, timeout=60), rng)


@dataclass
class SpeedUp:
    """What a speed-up measurement found: the ratio in batches, the ratio of calls made one at a
    time (a lower bound), the rounds, and the grader's own NumPy answer's ratio (the plausible limit)."""

    ratio: float
    isolated: float
    rounds: int
    numpy_ratio: float

    @property
    def interfered(self) -> bool:
        return self.ratio > self.numpy_ratio * FASTEST_VECTORIZED


def speed_ratio(student: Side, reference: Side, numpy_own: Side, args, threshold: float,
                rounds: int = ROUNDS) -> SpeedUp:
    """How many times faster the student's function is than the reference (CPU per call), in
    batches and one call at a time, beside the grader's own vectorized answer."""
    sides = (reference, numpy_own, student)
    try:
        for side in sides:
            side.prepare(args, np.shape(student.expected(*args)))
        alone = student.isolated(moved_inputs(student.rng, args))  # first: before any batch
        for side in sides:
            side.calibrate(args)
        for done in range(1, rounds + 1):
            for side in sides:
                side.best = min(side.best, side.run(args, side.calls))
            ratio = reference.best / max(student.best, 1e-9)
            if done >= MIN_ROUNDS and not threshold / CERTAIN < ratio < threshold * CERTAIN:
                break
    except ChildError as error:
        raise CheckFailed(f"`{student.function}` could not be timed: {error or 'it was stopped'}") from None
    return SpeedUp(ratio, reference.best / max(alone, 1e-6), done, reference.best / max(numpy_own.best, 1e-9))


@dataclass
class Budget:
    """What a time-budget measurement found: within it or not, the ratio (inf: stopped at the
    limit), and whether the measurement is one no honest loop can produce."""

    within: bool
    ratio: float

    @property
    def interfered(self) -> bool:
        return self.ratio < 1 / FASTEST_NAIVE


def within_budget(student: Side, reference: Side, args, factor: float, rounds: int = BUDGET_ROUNDS) -> Budget:
    """Whether each call of the student's function, made alone like any check's call, finishes
    within `factor` times the reference's CPU time (a call past the budget is stopped)."""
    new_inputs = moved_inputs(student.rng, args)
    try:
        shape = np.shape(student.expected(*args))
        reference.prepare(args, shape)
        reference.calibrate(args)
        reference.best = reference.run(args, reference.calls)
        student.prepare(args, shape, cpu_limit=factor * reference.best + BUDGET_SLACK)
        dry = min(student.single(new_inputs(), dry=True) for _ in range(EMPTY_BATCHES))
        for done in range(1, rounds + 1):
            reference.best = min(reference.best, reference.run(args, reference.calls))
            limit = factor * reference.best + dry + BUDGET_SLACK
            student.best = min(student.best, max(student.single(new_inputs(), cpu_limit=limit) - dry, 0.0))
            if done >= MIN_ROUNDS and student.best * CERTAIN <= factor * reference.best:
                break  # clearly within the budget (past it, the call is stopped)
    except ChildTimeout:
        return Budget(False, float("inf"))
    except ChildError as error:
        raise CheckFailed(f"`{student.function}` could not be timed: {error or 'it was stopped'}") from None
    ratio = student.best / max(reference.best, 1e-9)
    return Budget(student.best <= factor * reference.best + BUDGET_SLACK, ratio)
