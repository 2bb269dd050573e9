"""Control groups of one box: its CPU clock, and its memory and process limits.

Where the machine lets us (root, writable cgroup v1 hierarchies, or a delegated cgroup v2
subtree), each box gets a cgroup of its own: the kernel then adds up the CPU of every
process and thread in it, those that already exited included, caps their memory and their
number, and no fork, setsid or double fork leaves it. Where it does not, the clock sums
`/proc/<pid>/task/*/schedstat` over the child and its live descendants, plus the CPU of the
children it has reaped, and memory is left to RLIMIT_DATA. On a cgroup v2 machine the boxes'
groups go where `cgroup_v2.py` finds room (one group per box holds every limit). Where no
cgroup caps a box's processes and the grader is root, the box gets a user of its own
(`box_users.py`), so that RLIMIT_NPROC caps that box alone.
"""

import os
import signal
import time
import uuid
from functools import cache
from pathlib import Path

from . import box_users, cgroup_v2, limits

CGROUP_ROOTS = (Path("/sys/fs/cgroup/cpuacct"), Path("/sys/fs/cgroup/unified"), Path("/sys/fs/cgroup"))
LIMIT_ROOTS = {"memory": Path("/sys/fs/cgroup/memory"), "pids": Path("/sys/fs/cgroup/pids")}  # cgroup v1
GROUP_PARENT = "tensor-gears"
RETRIES, RETRY_SECONDS = 200, 0.01  # how long to wait for killed processes to leave a group
SETTLE_SECONDS = 0.05  # how long a clock reading waits for the box's threads to stop running
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


class ControlGroups:
    """The cgroups of one box. Create them before the box starts, start the box inside
    `paths` (`box.in_cgroups`), then `start(pid)`, `seconds()` at will and `close()` at the end."""

    def __init__(self, memory: int | None = None, processes: int | None = None):
        memory = memory or limits.current().memory
        processes = processes or limits.current().processes
        name = f"{os.getpid()}-{uuid.uuid4().hex}"  # the grader process that made it, first
        self.group: Path | None = None
        self.usage_file = None
        if cgroup_v2.unified():
            self._unified(name, memory, processes)
        else:
            found = cgroup_root()
            if found is not None:
                parent, self.usage_file = found
                self.group = make_group(parent / name)
            self.memory = limited(LIMIT_ROOTS["memory"], name,
                                  {"memory.limit_in_bytes": memory, "memory.memsw.limit_in_bytes": memory})
            self.pids = limited(LIMIT_ROOTS["pids"], name, {"pids.max": processes})
        self.limits = [group for group in (self.memory, self.pids) if group is not None]
        self.pid: int | None = None
        # The box's own user where no cgroup caps its processes (root only: see box_users.py).
        self.box_user = box_users.BoxUser() if self.pids is None and os.geteuid() == 0 else None

    def _unified(self, name: str, memory: int, processes: int) -> None:
        """One cgroup v2 group for the box, in the place cgroup_v2.py found, with every limit it offers."""
        parent, _ = cgroup_v2.boxes_parent()
        self.group = make_group(parent / name) if parent is not None else None
        self.usage_file = "cpu.stat"
        self.memory = self.pids = None
        if self.group is not None:
            self.memory = self.group if set_limits(self.group, {"memory.max": memory}, {"memory.swap.max": 0}) else None
            self.pids = self.group if set_limits(self.group, {"pids.max": processes}) else None

    @property
    def user(self) -> tuple[int, int] | None:
        """The box's own (uid, gid), or None: it runs as the sandbox user (see box.py)."""
        return self.box_user.ids if self.box_user is not None else None

    @property
    def paths(self) -> list[Path]:
        return list(dict.fromkeys(group for group in [self.group] + self.limits if group is not None))

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

    def settled_seconds(self) -> float:
        """`seconds()` once no thread of the box is running (waiting at most SETTLE_SECONDS): the
        kernel adds a thread's last slice to its CPU time when it stops, so a reading taken while
        the child is still finishing a reply would miss most of a short request."""
        deadline = time.monotonic() + SETTLE_SECONDS
        while any(state == "R" for state in thread_states(self.pid)) and time.monotonic() < deadline:
            time.sleep(0.0001)
        return self.seconds()

    def _alive(self) -> bool:
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return state not in ("Z", "X")

    def kill_all(self) -> None:
        """Kill every process left in the box's cgroups (those that left its session too)."""
        group = next(iter(self.paths), None)
        if group is not None:
            kill_members(group)

    def close(self) -> None:
        self.kill_all()
        for group in self.paths:
            remove(group)
        self.group, self.limits = None, []
        if self.box_user is not None:
            self.box_user.release()
            self.box_user = None


@cache
def controls() -> list[str]:
    """What a box's cgroups control on this machine, for this grader: CPU, memory, processes."""
    probe = ControlGroups()
    try:
        return [name for name, group in (("CPU", probe.group), ("memory", probe.memory), ("processes", probe.pids))
                if group is not None]
    finally:
        probe.close()


def kill_members(group: Path) -> None:
    """Kill every process in `group`, until none is left (or the group is gone)."""
    for _ in range(RETRIES):
        try:
            pids = [int(p) for p in (group / "cgroup.procs").read_text().split()]
        except FileNotFoundError:
            return
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(RETRY_SECONDS)


def remove(group: Path) -> None:
    for _ in range(RETRIES):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:  # busy while its last processes finish exiting
            time.sleep(RETRY_SECONDS)


def release_orphans() -> int:
    """Kill what is left in the boxes of grader processes that died (a worker killed in the
    middle of a student leaves its kernels and children behind) and remove their groups.
    Returns how many boxes were released."""
    released = set()
    parents = [root / GROUP_PARENT for root in [*CGROUP_ROOTS, *LIMIT_ROOTS.values()]]
    for parent in parents + ([cgroup_v2.boxes_parent()[0]] if cgroup_v2.unified() else []):
        for group in sorted(parent.iterdir()) if parent is not None and parent.is_dir() else []:
            creator = group.name.split("-", 1)[0]
            if creator.isdigit() and not Path(f"/proc/{creator}").exists() and owned(group):
                kill_members(group)
                remove(group)
                released.add(group.name)
    return len(released)


def owned(group: Path) -> bool:
    """Whether this account made `group` (another account's boxes are not ours to release; a group
    another grader removed meanwhile is no one's)."""
    try:
        return group.stat().st_uid == os.geteuid()
    except FileNotFoundError:
        return False


def make_group(path: Path) -> Path | None:
    try:
        path.parent.mkdir(exist_ok=True)
        path.mkdir()
        return path
    except OSError:
        return None


def limited(root: Path, name: str, limits: dict[str, int]) -> Path | None:
    """A new group `name` under `root`/tensor-gears with `limits` set, or None where it cannot be."""
    if not root.is_dir():
        return None
    group = make_group(root / GROUP_PARENT / name)
    if group is None:
        return None
    for key, value in limits.items():
        try:
            (group / key).write_text(str(value))
        except OSError:
            if key != "memory.memsw.limit_in_bytes":  # swap accounting is optional
                group.rmdir()
                return None
    return group


def set_limits(group: Path, limits: dict[str, int], optional: dict[str, int] | None = None) -> bool:
    """Write `limits` (and those of `optional` that this kernel has) into `group`; False if one cannot be set."""
    try:
        for key, value in limits.items():
            (group / key).write_text(str(value))
    except OSError:
        return False
    for key, value in (optional or {}).items():
        try:
            (group / key).write_text(str(value))
        except OSError:  # swap accounting is optional
            pass
    return True


def task_seconds(pid: int) -> float:
    """Run time of every thread of `pid`, in seconds (schedstat counts nanoseconds)."""
    total = 0
    for stat in task_files(pid, "schedstat"):
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


def task_files(pid: int, name: str) -> list[Path]:
    """`/proc/PID/task/*/NAME`, a file per thread of `pid`; none once the process is gone (a box's
    processes end while they are read: globbing a folder that vanishes raises)."""
    try:
        return [Path(f"/proc/{pid}/task/{thread}/{name}") for thread in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return []


def thread_states(pid: int) -> list[str]:
    """The scheduler state (R running, S sleeping, ...) of every thread of `pid` and its descendants."""
    states = []
    for process in descendants(pid):
        for stat in task_files(process, "stat"):
            try:
                states.append(stat.read_text().rsplit(")", 1)[1].split()[0])
            except (OSError, IndexError):
                pass
    return states


def descendants(pid: int) -> list[int]:
    """`pid` and every live process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for children in task_files(current, "children"):
            try:
                todo += [int(child) for child in children.read_text().split()]
            except OSError:
                pass
    return found
