"""Where the boxes' groups go on a cgroup v2 machine (Ubuntu since 21.10, Debian since 11,
Fedora, RHEL 9), and how that place is made ready.

A process may create groups and move processes only in a subtree it may write, and a
controller (memory, pids) reaches a group only when its parent lists it in
`cgroup.subtree_control`, which a group with processes of its own cannot do (the root is
the exception). So the boxes go in `<base>/tensor-gears/<grader pid>-<random>`, where base is:
- the grader's own group, when it is delegated to the grader (systemd's `Delegate=yes`: the
  folder and its cgroup.procs and cgroup.subtree_control writable by the grader, as a user
  server started with it or `systemd-run --user --scope -p Delegate=yes` gets), or when it is
  the root of the hierarchy the grader sees (a machine without systemd, a container's own);
  the processes already in it first move to `<base>/tensor-gears-processes`, a leaf, so that
  the controllers can be enabled;
- as root otherwise, the hierarchy's root (a unit of systemd's that was not delegated: the
  controllers of its group are systemd's to change, so the boxes stay out of it).
Unprivileged without delegation, there is no place: the boxes get no group (see cgroups.py).
"""

import errno
import os
from functools import cache
from pathlib import Path

HIERARCHY = Path("/sys/fs/cgroup")
PARENT = "tensor-gears"  # the boxes' groups, below base
LEAF = "tensor-gears-processes"  # where the processes of base go, so that base may enable controllers
CONTROLLERS = ("memory", "pids")  # enabled for the boxes where base offers them (CPU time needs none)
MOVES = 50  # rounds of moving base's processes to the leaf (new ones may fork meanwhile)


def unified() -> bool:
    """Whether this machine has cgroup v2 only (no v1 hierarchies)."""
    return (HIERARCHY / "cgroup.controllers").exists()


def own_group() -> Path:
    """This process's group, as a folder (from /proc/self/cgroup's `0::` line)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        if line.startswith("0::"):
            return HIERARCHY / line[3:].lstrip("/").split(" (deleted)")[0]
    return HIERARCHY


def delegated(group: Path) -> bool:
    """Whether this process may make groups in `group` and move processes between them."""
    return all(os.access(path, os.W_OK) for path in (group, group / "cgroup.procs", group / "cgroup.subtree_control"))


def base_group() -> Path | None:
    """The group the boxes' parent goes in (see the module's text), or None when there is none."""
    own = own_group()
    if own.name == LEAF:  # moved there by an earlier grader of this subtree
        own = own.parent
    if os.geteuid() == 0:
        return own if own == HIERARCHY or systemd_delegated(own) else HIERARCHY
    return own if delegated(own) else None


def systemd_delegated(group: Path) -> bool:
    """Whether systemd marked `group` as delegated (the trusted.delegate or user.delegate attribute)."""
    for name in ("trusted.delegate", "user.delegate"):
        try:
            if os.getxattr(group, name) == b"1":
                return True
        except OSError:
            continue
    return False


@cache
def boxes_parent() -> tuple[Path | None, str]:
    """The folder the boxes' groups go in, with the controllers enabled for them, or None; and in
    words, where it is or why there is none (for the isolation report and `tensor-gears doctor`)."""
    if not unified():
        return None, "not a cgroup v2 machine"
    base = base_group()
    if base is None:
        return None, (f"this account's cgroup {own_group()} is not delegated to it (systemd: Delegate=yes on the "
                      "grading unit, or run the grader under `systemd-run --user --scope -p Delegate=yes`)")
    try:
        offered = set((base / "cgroup.controllers").read_text().split())
        wanted = [name for name in CONTROLLERS if name in offered]
        enable(base, wanted)
        parent = base / PARENT
        parent.mkdir(exist_ok=True)
        (parent / "cgroup.subtree_control").write_text(" ".join(f"+{name}" for name in wanted))
    except OSError as error:
        return None, f"the cgroup {base} cannot hold the boxes' groups ({error})"
    return parent, f"cgroup v2 groups in {parent}"


def enable(base: Path, controllers: list[str]) -> None:
    """Enable `controllers` for base's children, moving base's own processes to its leaf first
    where they are in the way (a group with processes cannot enable them, but the root)."""
    if not controllers:
        return
    setting = " ".join(f"+{name}" for name in controllers)
    for _ in range(MOVES):
        try:
            (base / "cgroup.subtree_control").write_text(setting)
            return
        except OSError as error:
            if error.errno != errno.EBUSY:
                raise
        leaf = base / LEAF
        leaf.mkdir(exist_ok=True)
        for pid in (base / "cgroup.procs").read_text().split():
            try:
                (leaf / "cgroup.procs").write_text(pid)
            except OSError as error:
                if error.errno != errno.ESRCH:  # it ended meanwhile
                    raise
    raise OSError(errno.EBUSY, f"processes keep arriving in {base}")
