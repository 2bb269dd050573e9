"""What runs inside a test VM (tests/vm.py) or container, as root: the course graded there by
each account, under attack, and what the machine says about the box; written as JSON for the
tests on this side (`python -m tests.vm_scenarios COURSE OUT ACCOUNT...`, from the checkout;
COURSE is made on this side by `prepare`, where nbgrader is fast).

For each account (`root`; `tg-instructor`, the unprivileged instructor; `tg-instructor:delegated`,
the instructor in a cgroup v2 subtree delegated to it as systemd's `Delegate=yes` does: the
folder and its cgroup.procs, cgroup.subtree_control and cgroup.threads handed to the account),
a copy of the course in the VM's own tmpfs: a clean student (the real notebook 04, graded with its
hidden checks) and an attacker with a correct 04 and, first in it, one cell per resource attack, in
this order (the memory bomb last: it may take the kernel with it); graded with plain `nbgrader autograde` by
that account. Then: each student's points
and the attack cell's output, the isolation results.json reports, what is left behind (the
outliving process, box cgroups, scratch folders), the kernel's OOM reports, and `tensor-gears
doctor`'s verdict with its exit status.
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
from pathlib import Path

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.notebooks import read
from tensor_gears.release import nbgrader

from .accounts import command_as, give, login_environment, owned_folder
from .attacks import NOTEBOOK
from .conftest import grades, make_course, submit

CELL_TIMEOUT = 60  # seconds per cell: the CPU hog's cell ends by it (emulated machines are slow)
DELEGATED = Path("/sys/fs/cgroup/tg-delegated")  # the delegated subtree of `tg-instructor:delegated`
OUTLIVER = "3607"  # the outliving process is `sleep 3607`
BOX_MARKERS = (b"bwrap", b"ipykernel", b"forkserver", b"tensor_gears_harness")  # a box's processes
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
    """A released course with a gradebook and the two students submitted (on this side)."""
    course = make_course(folder)
    for step in (["generate_assignment", ASSIGNMENT], ["db", "assignment", "add", ASSIGNMENT]):
        nbgrader(course, *step)
    correct = {name: "reference" for name in ("flatten_images", "naive_transpose", "make_batches")}
    submit(course, "a_clean", correct, (NOTEBOOK,))
    attacker = submit(course, "k_attacker", correct, (NOTEBOOK,)) / f"{NOTEBOOK}.ipynb"
    nb = read(attacker)
    # First in the notebook: under emulation the notebook's own cells may pass the time limit twice,
    # which stops the notebook's run (the hidden checks, which score, run apart from it).
    nb.cells[0:0] = [{"cell_type": "code", "id": f"attack-{name}", "metadata": {}, "source": code,
                      "outputs": [], "execution_count": None} for name, code in ATTACKS.items()]
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
    if how == "delegated":
        command = ["sh", "-c", f'echo $$ > {DELEGATED / "cgroup.procs"} && exec "$@"', "in-delegated", *command]
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


def cell_outputs(course: Path, student: str) -> dict[str, str]:
    """What each attack cell showed (its output and error), by attack."""
    path = course / "autograded" / student / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    if not path.exists():
        return {}
    said = {}
    for cell in read(path).cells:
        if cell.get("id", "").startswith("attack-"):
            said[cell["id"].removeprefix("attack-")] = "".join(
                output.get("text") or f"{output.get('ename', '')}: {output.get('evalue', '')}"
                for output in cell.get("outputs", []))[-2000:]
    return said


def left_behind() -> dict:
    """Boxes, box cgroups and scratch folders that outlived the run, and the outliving process."""
    processes = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if words[:2] == [b"sleep", OUTLIVER.encode()] or any(marker in b" ".join(words) for marker in BOX_MARKERS):
            processes.append(b" ".join(words).decode(errors="replace")[:200])
    groups = [str(path) for path in Path("/sys/fs/cgroup").rglob("*") if path.is_dir()
              and re.fullmatch(r"\d+-[0-9a-f]{32}", path.name)]
    scratch = [str(path) for path in Path(os.environ.get("TMPDIR", "/tmp")).glob("tensor-gears-*")]
    return {"processes": processes, "cgroups": groups, "scratch": scratch}


def oom_reports() -> list[str]:
    """The kernel's out-of-memory lines so far: a box's memory cgroup, or the whole machine."""
    said = subprocess.run(["dmesg"], capture_output=True, text=True).stdout
    return [line for line in said.splitlines() if "out of memory" in line.lower() or "oom-kill" in line.lower()]


def scenario(account: str, prepared: Path) -> dict:
    """The course graded by `account` under attack, and what it left."""
    found: dict = {}
    course = course_for(account, prepared)
    started = time.monotonic()
    graded = run_as(account, ["nbgrader", "autograde", ASSIGNMENT, f"--Execute.timeout={CELL_TIMEOUT}"], course)
    found["grading"] = {"returncode": graded.returncode, "seconds": round(time.monotonic() - started, 1),
                        "log": graded.stderr[-6000:]}
    time.sleep(1)
    found["left"] = left_behind()
    found["points"] = {}
    for student in ("a_clean", "k_attacker"):
        try:
            found["points"][student] = sum(grades(course, student).values())
        except Exception as error:
            found["points"][student] = f"not graded: {error}"
    found["attacks"] = cell_outputs(course, "k_attacker")
    results = course / "autograded" / "a_clean" / ASSIGNMENT / "results.json"
    found["isolation"] = json.loads(results.read_text())["extra_data"] if results.exists() else None
    started = time.monotonic()
    doctor = run_as(account, ["tensor-gears", "doctor"], course, timeout=300)
    found["doctor"] = {"returncode": doctor.returncode, "output": doctor.stdout + doctor.stderr,
                       "seconds": round(time.monotonic() - started, 1)}
    found["oom"] = oom_reports()
    return found


def main() -> None:
    prepared, out, accounts = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    report = {"kernel": os.uname().release, "cgroup2": Path("/sys/fs/cgroup/cgroup.controllers").exists(),
              "accounts": {}}
    for account in accounts:
        if account.endswith(":delegated"):
            delegate(account.split(":")[0])
        started = time.monotonic()
        try:
            report["accounts"][account] = scenario(account, prepared)
        except Exception as error:
            report["accounts"][account] = {"error": f"{type(error).__name__}: {error}"}
        report["accounts"][account]["seconds"] = round(time.monotonic() - started, 1)
        out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
