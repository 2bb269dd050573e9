"""What runs inside a test VM (tests/vm.py) or container, as root: the course graded there by
each account, under attack, and what the machine says about the box; written as JSON for the
tests on this side (`python -m tests.vm_scenarios COURSE OUT PLATFORM=ACCOUNT,... ...`, from the
checkout; COURSE is made on this side by `prepare`, where nbgrader is fast). The platforms run in
turn in the one machine, each after its SETTINGS are made (`userns-restricted`:
`user.max_user_namespaces=0`), so one boot serves several.

For each account (`root`; `tg-instructor`, the unprivileged instructor; `tg-instructor:delegated`,
the instructor in a cgroup v2 subtree delegated to it as systemd's `Delegate=yes` does: the
folder and its cgroup.procs, cgroup.subtree_control and cgroup.threads handed to the account),
a copy of the course in the machine's own temporary folder: a clean student (the real notebook
04, graded with its hidden checks) and an attacker with a correct 04 and, first in it, one cell
per resource attack, in this order (the memory bomb last: it may take the kernel with it);
graded with plain `nbgrader autograde` by that account. Then: each student's points, how much of
each notebook ran, the attack cells' output, the isolation results.json reports, what is left
behind (the outliving process, the box's processes, box cgroups, scratch folders), the kernel's
OOM reports, `tensor-gears doctor`'s verdict with its exit status, and what each account took
(wall seconds, and the machine's CPU seconds from /proc/stat).
"""

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.notebooks import read
from tensor_gears.release import nbgrader
from tensor_gears.sandbox.cgroup_v2 import LEAF
from tensor_gears.sandbox.inside.protocol import TEMPLATE_NAME

from .accounts import command_as, give, login_environment, owned_folder
from .attacks import NOTEBOOK
from . import processes
from .conftest import grades, make_course, submit
from .processes import named, running_harnesses, running_kernels

STUDENT = "attacker"  # a correct 04, the resource attacks around it
# Seconds per cell: the CPU hog's cell ends by it. Emulated and beside the suite, the fork bomb's cell took
# 21 to 30 s, and a second cell past the limit stops a notebook's run (core/execution.py).
CELL_TIMEOUT = 60
IOPUB_TIMEOUT = 30  # seconds for an interrupted kernel's last output (nbclient waits 4, too few when emulated)
DELEGATED = Path("/sys/fs/cgroup/tg-delegated")  # the delegated subtree of `tg-instructor:delegated`
OUTLIVER = "3607"  # the outliving process is `sleep 3607`
# What a platform sets before its accounts grade (and keeps for the platforms after it in the same machine).
SETTINGS = {"userns-restricted": {"user.max_user_namespaces": "0"}}
ATTACKS = {
    "forks": """
import os, signal, time
children = []
try:
    for _ in range(600):
        child = os.fork()
        if child == 0:
            time.sleep(120)
            os._exit(0)
        children.append(child)
    print("FORKED", len(children))
except OSError as error:
    print("FORK REFUSED AFTER", len(children), error)
for child in children:
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
""",
    "cpu_hog": """
while True:
    pass
""",
    "outlives": f"""
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "{OUTLIVER}"])
    os._exit(0)
print("DAEMON STARTED")
""",
    "memory": """
hoard = []
try:
    while len(hoard) < 160:  # 10 GB, in 64 MB blocks written to (bytearray zero-fills them)
        hoard.append(bytearray(1 << 26))
    print("MEMORY GRANTED", len(hoard) * 64, "MB")
except MemoryError:
    print("MEMORY REFUSED AT", len(hoard) * 64, "MB")
""",
}


def prepare(folder: Path) -> Path:
    """A released course with a gradebook and the attacker's 04 submitted (on this side)."""
    course = make_course(folder)
    for step in (["generate_assignment", ASSIGNMENT], ["db", "assignment", "add", ASSIGNMENT]):
        nbgrader(course, *step)
    correct = {name: "reference" for name in ("flatten_images", "naive_transpose", "make_batches")}
    attacker = submit(course, STUDENT, correct, (NOTEBOOK,)) / f"{NOTEBOOK}.ipynb"
    nb = read(attacker)
    cells = {name: {"cell_type": "code", "id": f"attack-{name}", "metadata": {}, "source": code, "outputs": [],
                    "execution_count": None} for name, code in ATTACKS.items()}
    # The memory bomb last: it may take the kernel, and the notebook's own cells with it.
    nb.cells = [cells[name] for name in ATTACKS if name != "memory"] + nb.cells + [cells["memory"]]
    attacker.write_text(json.dumps(nb))
    return course


def course_for(account: str, prepared: Path) -> Path:
    """A copy of the prepared course, `account`'s own, in the VM's tmpfs."""
    user = account.split(":")[0]
    folder = owned_folder(user, "vm") if user != "root" else Path(tempfile.mkdtemp(prefix="root-vm-"))
    course = Path(shutil.copytree(prepared, folder / "course"))
    if user != "root":
        give(user, folder)
    return course


def run_as(account: str, argv: list[str], course: Path, timeout: float = 1200) -> subprocess.CompletedProcess:
    """`argv` in `course`, as `account` would run it from a shell (in the delegated subtree for `:delegated`)."""
    user, _, how = account.partition(":")
    extra = {"TMPDIR": os.environ.get("TMPDIR", "/tmp"), "TENSOR_GEARS_ALLOW_DEFAULT_SECRET": "1"}
    if user == "root":
        command = ["env", f"PATH={Path(sys.executable).parent}:{os.environ['PATH']}", *argv]
        environment = {**os.environ, **extra}
    else:
        command, environment = command_as(user, argv, login_environment(user, **extra)), None
    if how == "delegated":  # where the unit's processes are: its group, or the leaf a grader moved them to
        group = DELEGATED / LEAF if (DELEGATED / LEAF).is_dir() else DELEGATED
        command = ["sh", "-c", f'echo $$ > {group / "cgroup.procs"} && exec "$@"', "in-delegated", *command]
    return subprocess.run(command, cwd=course, capture_output=True, text=True, timeout=timeout, env=environment)


def delegate(user: str) -> None:
    """A cgroup v2 subtree handed to `user` the way systemd's Delegate=yes hands one to a unit."""
    root = Path("/sys/fs/cgroup")
    controllers = (root / "cgroup.controllers").read_text().split()
    (root / "cgroup.subtree_control").write_text(" ".join(f"+{name}" for name in controllers if name in
                                                          ("cpu", "memory", "pids")))
    DELEGATED.mkdir(exist_ok=True)
    entry = pwd.getpwnam(user)
    for path in (DELEGATED, DELEGATED / "cgroup.procs", DELEGATED / "cgroup.subtree_control",
                 DELEGATED / "cgroup.threads"):
        os.chown(path, entry.pw_uid, entry.pw_gid)


def attack_cells(course: Path) -> tuple[dict[str, str], dict[str, float | None]]:
    """What each attack cell showed (its output and error), and how long it ran, by attack."""
    path = course / "autograded" / STUDENT / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    cells = [cell for cell in read(path).cells if cell.get("id", "").startswith("attack-")] if path.exists() else []
    said = {cell["id"].removeprefix("attack-"): "".join(
        output.get("text") or f"{output.get('ename', '')}: {output.get('evalue', '')}"
        for output in cell.get("outputs", []))[-2000:] for cell in cells}
    return said, {cell["id"].removeprefix("attack-"): cell_seconds(cell) for cell in cells}


def left_behind() -> dict:
    """Boxes, box cgroups and scratch folders that outlived the run, and the outliving process: the
    box's processes by the names they give themselves (tests/processes.py), bubblewrap, `sleep 3607`."""
    pids = set(running_harnesses() + running_kernels() + named(TEMPLATE_NAME) + named("bwrap"))
    pids |= {int(path.parent.name) for path in Path("/proc").glob("[0-9]*/cmdline")
             if processes.read(path).split(b"\0")[:2] == [b"sleep", OUTLIVER.encode()]}
    described = [processes.read(Path(f"/proc/{pid}/comm")).strip() + b": "
                 + processes.read(Path(f"/proc/{pid}/cmdline")) for pid in sorted(pids)]
    processes_left = [text.replace(b"\0", b" ").decode(errors="replace")[:200] for text in described]
    groups = [str(path) for path in Path("/sys/fs/cgroup").rglob("*") if path.is_dir()
              and re.fullmatch(r"\d+-[0-9a-f]{32}", path.name)]
    scratch = [str(path) for path in Path(os.environ.get("TMPDIR", "/tmp")).glob("tensor-gears-*")]
    return {"processes": processes_left, "cgroups": groups, "scratch": scratch}


def oom_reports() -> list[str]:
    """The kernel's out-of-memory lines so far: a box's memory cgroup, or the whole machine."""
    said = subprocess.run(["dmesg"], capture_output=True, text=True).stdout
    return [line for line in said.splitlines() if "out of memory" in line.lower() or "oom-kill" in line.lower()]


def busy_seconds() -> float:
    """CPU seconds this machine has spent so far, all cores (/proc/stat: all but idle and iowait)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def notebook_run(course: Path) -> dict:
    """How much of the notebook's own code (its cells, not the attacks) ran in the kernel: cells, those
    executed, the errors shown, and the longest cell's seconds."""
    path = course / "autograded" / STUDENT / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    if not path.exists():
        return {"cells": 0, "executed": 0, "errors": ["no autograded notebook"], "longest_seconds": None}
    code = [cell for cell in read(path).cells
            if cell.cell_type == "code" and not cell.get("id", "").startswith("attack-")]
    seconds = [cell_seconds(cell) for cell in code]
    return {"cells": len(code), "executed": sum(cell.get("execution_count") is not None for cell in code),
            "errors": [f"{output.get('ename')}: {output.get('evalue', '')[:200]}" for cell in code
                       for output in cell.get("outputs", []) if output.get("output_type") == "error"],
            "longest_seconds": max((value for value in seconds if value is not None), default=None)}


def cell_seconds(cell) -> float | None:
    """How long the kernel took for `cell` (nbclient's timing in its metadata), if it ran."""
    timing = cell.get("metadata", {}).get("execution", {})
    if "iopub.execute_input" not in timing or "shell.execute_reply" not in timing:
        return None
    started, ended = (datetime.fromisoformat(timing[key].replace("Z", "+00:00"))
                      for key in ("iopub.execute_input", "shell.execute_reply"))
    return round((ended - started).total_seconds(), 1)


def scenario(account: str, prepared: Path) -> dict:
    """The course graded by `account` under attack, and what it left."""
    found: dict = {}
    course = course_for(account, prepared)
    earlier_oom = len(oom_reports())
    started = time.monotonic()
    graded = run_as(account, ["nbgrader", "autograde", ASSIGNMENT, f"--Execute.timeout={CELL_TIMEOUT}",
                              f"--Execute.iopub_timeout={IOPUB_TIMEOUT}"], course)
    found["grading"] = {"returncode": graded.returncode, "seconds": round(time.monotonic() - started, 1),
                        "log": graded.stderr[-6000:]}
    time.sleep(1)
    found["left"] = left_behind()
    try:
        found["points"] = sum(grades(course, STUDENT).values())
    except Exception as error:
        found["points"] = f"not graded: {error}"
    found["notebook"] = notebook_run(course)
    found["attacks"], found["attack_seconds"] = attack_cells(course)
    results = course / "autograded" / STUDENT / ASSIGNMENT / "results.json"
    found["isolation"] = json.loads(results.read_text())["extra_data"] if results.exists() else None
    started = time.monotonic()
    doctor = run_as(account, ["tensor-gears", "doctor"], course, timeout=300)
    found["doctor"] = {"returncode": doctor.returncode, "output": doctor.stdout + doctor.stderr,
                       "seconds": round(time.monotonic() - started, 1)}
    found["oom"] = oom_reports()[earlier_oom:]
    return found


def run_platform(name: str, accounts: list[str], prepared: Path, report: dict, out: Path) -> None:
    """The platform's settings (SETTINGS) made, then the course graded by each of `accounts`, into the report."""
    for key, value in SETTINGS.get(name, {}).items():
        (Path("/proc/sys") / key.replace(".", "/")).write_text(value)
    platform = report["platforms"][name] = {
        "cgroup2": Path("/sys/fs/cgroup/cgroup.controllers").exists(), "settings": SETTINGS.get(name, {}),
        "accounts": {}}
    for account in accounts:
        if account.endswith(":delegated"):
            delegate(account.split(":")[0])
        started, busy = time.monotonic(), busy_seconds()
        try:
            platform["accounts"][account] = scenario(account, prepared)
        except Exception as error:
            platform["accounts"][account] = {"error": f"{type(error).__name__}: {error}"}
        platform["accounts"][account].update(seconds=round(time.monotonic() - started, 1),
                                             cpu_seconds=round(busy_seconds() - busy, 1))
        out.write_text(json.dumps(report, indent=1))


def main() -> None:
    """`COURSE OUT PLATFORM=ACCOUNT,ACCOUNT... ...`: each platform in turn (its SETTINGS stay for those after it)."""
    prepared, out = Path(sys.argv[1]), Path(sys.argv[2])
    report = {"kernel": os.uname().release, "started_at_uptime": float(Path("/proc/uptime").read_text().split()[0]),
              "platforms": {}}
    for argument in sys.argv[3:]:
        name, _, accounts = argument.partition("=")
        run_platform(name, accounts.split(","), prepared, report, out)
    out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
