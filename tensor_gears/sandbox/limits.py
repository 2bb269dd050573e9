"""What one box may use: every limit of the sandbox in one place.

`BoxLimits` is the configurable (its traits, with their help, are set in a course's
`nbgrader_config.py`, e.g. `c.BoxLimits.memory = 2 << 30`); `Limits` is the same as plain
data, which `tensor-gears grade` hands to its workers with the rest of its settings. A process
uses one set (`use`), before it starts any box: the code that builds boxes reads `current()`.
"""

from dataclasses import asdict, dataclass

from traitlets import Integer
from traitlets.config import Configurable


@dataclass(frozen=True)
class Limits:
    """What one box may use (the defaults are BoxLimits'; see there what each means)."""

    memory: int = 4 << 30
    processes: int = 256
    cpu_seconds: int = 300
    file_size: int = 16 << 20
    work_size: int = 64 << 20
    tmp_size: int = 64 << 20

    def rlimits(self) -> dict[str, int]:
        """A check child's resource limits (prlimit's names)."""
        return {"data": self.memory, "fsize": self.file_size, "cpu": self.cpu_seconds, "core": 0}


DEFAULTS = Limits()


class BoxLimits(Configurable):
    """The limits of the box student code runs in: a notebook's kernel and a check child alike."""

    memory = Integer(DEFAULTS.memory, min=1 << 28, help=(
        "Bytes of memory for everything in one box (a memory cgroup); where the box gets no "
        "cgroup, each of its processes gets this much data (RLIMIT_DATA: RLIMIT_AS would break "
        "NumPy and TensorFlow).")).tag(config=True)
    processes = Integer(DEFAULTS.processes, min=32, help=(
        "Processes and threads in one box (a pids cgroup, or RLIMIT_NPROC counted in the box's "
        "own user namespace or user); TensorFlow starts a few dozen threads.")).tag(config=True)
    cpu_seconds = Integer(DEFAULTS.cpu_seconds, min=1, help=(
        "CPU seconds of one process in a box (RLIMIT_CPU): a backstop; the cell time limit and "
        "HiddenChecks.call_time_limit are what stop code first.")).tag(config=True)
    file_size = Integer(DEFAULTS.file_size, min=1 << 16, help=(
        "Bytes of one file a box's process may write (RLIMIT_FSIZE).")).tag(config=True)
    work_size = Integer(DEFAULTS.work_size, min=1 << 20, help=(
        "Bytes that may be written in the box's working folder, a tmpfs in memory (the host's "
        "disk cannot fill up).")).tag(config=True)
    tmp_size = Integer(DEFAULTS.tmp_size, min=1 << 20, help="Bytes of the box's /tmp, a tmpfs in memory.").tag(
        config=True)

    def limits(self) -> Limits:
        return Limits(**{name: getattr(self, name) for name in asdict(DEFAULTS)})


_current = DEFAULTS


def use(limits: Limits) -> None:
    """This process's limits from now on (set before any box starts: templates keep theirs)."""
    global _current
    _current = limits


def current() -> Limits:
    return _current
