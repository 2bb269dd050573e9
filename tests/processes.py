"""How the tests find the box's processes: by the name each gives itself on purpose
(/proc/<pid>/comm: protocol.HARNESS_NAME, KERNEL_NAME), or, for a kernel started cold, by its
command. `test_templates.py` fails if these find nothing while a check child and a kernel run."""

from pathlib import Path

from tensor_gears.sandbox.inside.protocol import HARNESS_NAME, KERNEL_NAME


def read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def named(name: str, command: bytes | None = None) -> list[int]:
    """Every process called `name` (or, if given, whose command holds `command`)."""
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        if read(process / "comm").strip() == name.encode() or (command and command in read(process / "cmdline")):
            found.append(int(process.name))
    return found


def running_harnesses() -> list[int]:
    """The check children running now (cold or forked from a template)."""
    return named(HARNESS_NAME)


def running_kernels() -> list[int]:
    """The notebook kernels running now (forked from a template, or started cold)."""
    return named(KERNEL_NAME, b"ipykernel_launcher")


def attached_to_a_grader(pid: int) -> bool:
    """Whether `pid` descends from a live nbgrader, tensor-gears or pytest process (not from init)."""
    while pid > 1:
        stat = read(Path(f"/proc/{pid}/stat")).decode(errors="replace")
        if not stat:
            return True  # it ended meanwhile
        pid = int(stat.rsplit(")", 1)[1].split()[1])
        command = read(Path(f"/proc/{pid}/cmdline"))
        if any(word in command for word in (b"nbgrader", b"pytest", b"tensor-gears")):
            return True
    return False


def left_behind() -> list[int]:
    """Check children and kernels no grader is waiting for."""
    return [pid for pid in running_harnesses() + running_kernels() if not attached_to_a_grader(pid)]
