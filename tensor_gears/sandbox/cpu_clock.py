"""CPU time of a child and of everything it starts, read from outside it, in nanoseconds.

Where the machine lets us (root, a writable cgroup v1 `cpuacct` hierarchy, or a delegated
cgroup v2 subtree), each child gets a cgroup of its own: the kernel then adds up the CPU of
every process and thread in it, those that already exited included, and no fork, setsid or
double fork leaves it. Elsewhere the clock sums `/proc/<pid>/task/*/schedstat` over the
child and its live descendants, plus the CPU of the children it has reaped.
"""

import os
import signal
import uuid
from pathlib import Path

CGROUP_ROOTS = (Path("/sys/fs/cgroup/cpuacct"), Path("/sys/fs/cgroup/unified"), Path("/sys/fs/cgroup"))
GROUP_PARENT = "tensor-gears"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class ClockError(Exception):
    """The child's CPU time cannot be read: it has stopped."""


def cgroup_root() -> tuple[Path, str] | None:
    """The first writable hierarchy that accounts CPU, and the file that reports it."""
    for root in CGROUP_ROOTS:
        if (root / "cpuacct.usage").exists():
            usage = "cpuacct.usage"
        elif (root / "cgroup.controllers").exists():
            usage = "cpu.stat"  # cgroup v2 counts usage_usec in every group
        else:
            continue
        parent = root / GROUP_PARENT
        try:
            parent.mkdir(exist_ok=True)
            return parent, usage
        except OSError:
            continue
    return None


class CpuClock:
    """The CPU clock of one child. Create it before the child starts; call `join` in the child
    (preexec_fn), `start(pid)` in the parent, `seconds()` at will and `close()` at the end."""

    def __init__(self):
        found = cgroup_root()
        self.group: Path | None = None
        self.usage_file = None
        if found is not None:
            parent, self.usage_file = found
            group = parent / uuid.uuid4().hex
            try:
                group.mkdir()
                self.group = group
            except OSError:
                self.group = None
        self.pid: int | None = None

    @property
    def kind(self) -> str:
        return "cgroup" if self.group else "schedstat"

    def join(self) -> None:
        """Run in the child before exec: enter the child's cgroup."""
        if self.group is not None:
            (self.group / "cgroup.procs").write_text(str(os.getpid()))

    def start(self, pid: int) -> None:
        self.pid = pid

    def seconds(self) -> float:
        """CPU seconds used so far by the child and all it started."""
        if not self._alive():
            raise ClockError("the process running your code has stopped")
        if self.group is not None:
            text = (self.group / self.usage_file).read_text()
            if self.usage_file == "cpuacct.usage":
                return int(text) / 1e9
            return int(dict(line.split() for line in text.splitlines())["usage_usec"]) / 1e6
        return sum(task_seconds(pid) for pid in descendants(self.pid)) + reaped_seconds(self.pid)

    def _alive(self) -> bool:
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state not in ("Z", "X")

    def kill_all(self) -> None:
        """Kill every process left in the child's cgroup (those that left its session too)."""
        if self.group is None:
            return
        for _ in range(50):
            pids = [int(p) for p in (self.group / "cgroup.procs").read_text().split()]
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def close(self) -> None:
        if self.group is None:
            return
        self.kill_all()
        for _ in range(100):
            try:
                self.group.rmdir()
                break
            except OSError:
                os.sched_yield()
        self.group = None


def task_seconds(pid: int) -> float:
    """Run time of every thread of `pid`, in seconds (schedstat counts nanoseconds)."""
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[0])
        except (OSError, IndexError, ValueError):
            pass
    return total / 1e9


def reaped_seconds(pid: int) -> float:
    """CPU of the children that `pid` has waited for (cutime + cstime, in clock ticks)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / CLOCK_TICKS


def descendants(pid: int) -> list[int]:
    """`pid` and every live process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in children.read_text().split()]
            except OSError:
                pass
    return found
