"""The exchange on a shared machine: the whole nbgrader cycle, with the real `nbgrader` CLI run
by the course's accounts from their own shells (hub/common/nbgrader_config.py on
JUPYTER_CONFIG_PATH, a scratch exchange made by hub/exchange.sh, a scratch course of the
instructor's), and what a student can and cannot do to other students' work there.

The same attacks are first made against plain nbgrader's exchange (only the course id and
the root configured): `test_plain_nbgrader_*` record what its defaults already prevent and
what they let through, which is what tensor_gears/exchange/ hardens.
"""

import contextlib
import datetime
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from tensor_gears import reference
from tensor_gears.contract import ASSIGNMENT, tasks_of
from tensor_gears.notebooks import cells_by_grade_id

from .accounts import INSTRUCTOR, account, as_account, give, login_environment, owned_folder, remove
from .conftest import REPO, grades

COURSE_ID = "tensor-gears"
ADA, BO, CY = "tg-ada", "tg-bo", "tg-cy"
NOTEBOOK = "01_elementwise"
SECRET = Path(account(INSTRUCTOR).pw_dir) / ".config" / "tensor-gears" / "secret"
PLAIN_CONFIG = f'c = get_config()\nc.CourseDirectory.course_id = "{COURSE_ID}"\n' \
               'import os\nc.Exchange.root = os.environ["TENSOR_GEARS_EXCHANGE"]\n'


def utc(hours: float = 0) -> str:
    """A timestamp as nbgrader writes it, `hours` from now."""
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


@dataclass
class Machine:
    """A scratch exchange, the instructor's course and each student's working folder."""

    scratch: Path
    config: Path
    course: Path | None = None
    work: dict = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.scratch / "exchange"

    @property
    def inbound(self) -> Path:
        return self.root / COURSE_ID / "inbound"

    @property
    def outbound(self) -> Path:
        return self.root / COURSE_ID / "outbound" / ASSIGNMENT

    def env(self, name: str, **extra: str) -> dict[str, str]:
        # The students' nbgrader cache goes in their scratch folder (not ~/.local/share).
        data = {"JUPYTER_DATA_DIR": str(self.work[name] / ".jupyter-data")} if name in self.work else {}
        return login_environment(name, JUPYTER_CONFIG_PATH=str(self.config),
                                 TENSOR_GEARS_EXCHANGE=str(self.root), **data, **extra)

    def nbgrader(self, name: str, *args: str, check: bool = True, **extra: str):
        """`nbgrader ARGS` from `name`'s shell: the instructor in the course, a student in their folder."""
        cwd = self.course if name == INSTRUCTOR else self.work[name]
        result = as_account(name, ["nbgrader", *args], env=self.env(name, **extra), cwd=cwd)
        if check:
            assert result.returncode == 0, f"{name}: nbgrader {' '.join(args)}\n{result.stderr[-3000:]}"
        return result

    def shell(self, name: str, script: str):
        """`sh -c SCRIPT` as `name`, in their own folder."""
        cwd = self.course if name == INSTRUCTOR else self.work[name]
        return as_account(name, ["sh", "-c", script], env=self.env(name), cwd=cwd)

    def submissions(self, student: str) -> list[Path]:
        """The folders `student` submitted to the inbound (as root sees them), oldest first."""
        uid = account(student).pw_uid
        folders = [path for path in self.inbound.glob(f"{student}+{ASSIGNMENT}+*")
                   if not path.is_symlink() and path.stat().st_uid == uid]
        return sorted(folders, key=lambda path: path.name.split("+")[2])


def denied(result) -> bool:
    return result.returncode != 0 and ("Permission denied" in result.stderr
                                       or "Operation not permitted" in result.stderr)


@contextlib.contextmanager
def new_machine(label: str, config: Path | None):
    """The exchange (hub/exchange.sh), a course of the instructor's with a released assignment,
    and each student's fetched copy, all removed afterwards. `config`: the folder for
    JUPYTER_CONFIG_PATH, or None for plain nbgrader's exchange."""
    scratch = Path(tempfile.mkdtemp(prefix=f"tg-tests-exchange-{label}-"))
    machine = Machine(scratch, config or scratch / "plain-config")
    try:
        scratch.chmod(0o755)
        if config is None:
            machine.config.mkdir()
            (machine.config / "nbgrader_config.py").write_text(PLAIN_CONFIG)
        subprocess.run(["sh", str(REPO / "hub" / "exchange.sh"), str(machine.root)], check=True)
        machine.course = owned_folder(INSTRUCTOR, f"course-{label}")
        shutil.copy(REPO / "nbgrader_config.py", machine.course)
        shutil.copytree(REPO / "source", machine.course / "source")
        give(INSTRUCTOR, machine.course)
        machine.nbgrader(INSTRUCTOR, "generate_assignment", ASSIGNMENT)
        machine.nbgrader(INSTRUCTOR, "release_assignment", ASSIGNMENT)
        for student in (ADA, BO, CY):
            machine.work[student] = owned_folder(student, f"work-{label}")
            machine.nbgrader(student, "fetch_assignment", ASSIGNMENT)
        yield machine
    finally:
        for folder in [machine.scratch, machine.course, *machine.work.values()]:
            if folder is not None:
                remove(folder)


def answer(machine: Machine, student: str) -> Path:
    """Write the reference answers into `student`'s copy of notebook 01 (their own work)."""
    path = machine.work[student] / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for task in tasks_of(NOTEBOOK):
        cells_by_grade_id(nb)[task.answer_id].source = reference.solution(task.name).strip("\n")
    nbformat.write(nb, str(path))
    return path


def plant(machine: Machine, student: str, name: str, script: str):
    """`student` makes the folder `name` in the inbound by hand, running `script` inside it."""
    folder = machine.inbound / name
    return machine.shell(student, f"mkdir '{folder}' && cd '{folder}' && {script}")


def attack(machine: Machine) -> dict:
    """The students' moves: ada submits twice (the second, her answers, counts); bo submits his
    own, then as ada, and plants a folder named after her with a later timestamp; cy plants a
    folder of links to the instructor's source notebook and secret, and a later one that is a
    link to the source folder. Then the instructor collects."""
    machine.nbgrader(ADA, "submit", ASSIGNMENT)
    answer(machine, ADA)
    machine.nbgrader(ADA, "submit", ASSIGNMENT)
    machine.nbgrader(BO, "submit", ASSIGNMENT)
    source = machine.course / "source" / ASSIGNMENT
    moves = {
        "bo submits as ada": machine.nbgrader(BO, "submit", ASSIGNMENT, "--student", ADA, check=False),
        "bo plants ada's name": plant(
            machine, BO, f"{ADA}+{ASSIGNMENT}+{utc(1)}+forged",
            f"cp {machine.work[BO]}/{ASSIGNMENT}/*.ipynb . && echo '{utc(1)}' > timestamp.txt"),
        "cy plants links": plant(
            machine, CY, f"{CY}+{ASSIGNMENT}+{utc()}+links",
            f"ln -s {source}/{NOTEBOOK}.ipynb {NOTEBOOK}.ipynb && ln -s {SECRET} secret.txt && "
            f"echo '{utc()}' > timestamp.txt"),
        "cy links the source": machine.shell(
            CY, f"ln -s {source} '{machine.inbound}/{CY}+{ASSIGNMENT}+{utc(2)}+link'"),
    }
    moves["collect"] = machine.nbgrader(INSTRUCTOR, "collect", ASSIGNMENT)
    return moves


def submitted(machine: Machine, student: str) -> Path:
    return machine.course / "submitted" / student / ASSIGNMENT


@pytest.fixture(scope="module")
def course_secret():
    """The instructor's course secret, ~/.config/tensor-gears/secret (0600), unless there is one;
    what this makes is removed afterwards."""
    made = [path for path in (SECRET, SECRET.parent, SECRET.parent.parent) if not path.exists()]
    if made:
        created = as_account(INSTRUCTOR, ["sh", "-c", f"umask 077 && mkdir -p {SECRET.parent} && "
                                          f"head -c 32 /dev/urandom | base64 > {SECRET}"])
        assert created.returncode == 0, created.stderr
    yield SECRET
    for path in made:
        if path == SECRET:
            path.unlink()
        else:
            path.rmdir()


@pytest.fixture(scope="module")
def plain(course_secret):
    """Plain nbgrader's exchange after the students' moves and a collect."""
    with new_machine("plain", None) as machine:
        yield machine, attack(machine)


@pytest.fixture(scope="module")
def hardened(course_secret):
    """The course's exchange (hub/common) after the students' moves, a collect, ada's grading
    (in the instructor's rootless box) and her feedback released and fetched."""
    with new_machine("hardened", REPO / "hub" / "common") as machine:
        moves = attack(machine)
        machine.nbgrader(INSTRUCTOR, "autograde", ASSIGNMENT, "--student", ADA)
        machine.nbgrader(INSTRUCTOR, "generate_feedback", ASSIGNMENT, "--student", ADA)
        machine.nbgrader(INSTRUCTOR, "release_feedback", ASSIGNMENT, "--student", ADA)
        machine.nbgrader(ADA, "fetch_feedback", ASSIGNMENT)
        yield machine, moves


# What plain nbgrader's exchange already prevents, and what it lets through.

def test_plain_nbgrader_hides_the_inbound_and_keeps_the_release_and_the_course_private(plain):
    machine, _ = plain
    assert denied(machine.shell(BO, f"ls '{machine.inbound}'"))
    assert denied(machine.shell(BO, f"echo x > '{machine.outbound}/{NOTEBOOK}.ipynb'"))
    assert denied(machine.shell(BO, f"touch '{machine.outbound}/extra.py'"))
    assert denied(machine.shell(BO, f"cat '{machine.course}/source/{ASSIGNMENT}/{NOTEBOOK}.ipynb'"))
    assert denied(machine.shell(BO, f"cat '{SECRET}'"))


def test_plain_nbgrader_lets_a_student_who_has_the_path_read_and_write_a_submission(plain):
    machine, _ = plain
    ada = machine.submissions(ADA)[0]
    assert machine.shell(BO, f"cat '{ada}/{NOTEBOOK}.ipynb' '{ada}/submission_secret.txt'").returncode == 0
    assert machine.shell(BO, f"echo x > '{ada}/extra.txt'").returncode == 0
    assert machine.shell(BO, f"mv '{ada}' '{ada}.moved' && mv '{ada}.moved' '{ada}'").returncode == 0


def test_plain_nbgrader_collects_a_submission_in_another_students_name(plain):
    machine, moves = plain
    assert moves["bo submits as ada"].returncode == 0
    assert "cheating attempt?" in moves["collect"].stderr
    bo = (machine.work[BO] / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_bytes()
    assert (submitted(machine, ADA) / f"{NOTEBOOK}.ipynb").read_bytes() == bo


def test_plain_nbgrader_collects_the_instructors_own_files_through_a_students_link(plain):
    machine, _ = plain
    source = machine.course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    assert (submitted(machine, CY) / f"{NOTEBOOK}.ipynb").read_bytes() == source.read_bytes()


# The course's exchange.

def test_the_cycle_runs_as_the_accounts(hardened):
    machine, _ = hardened
    ada = machine.work[ADA] / ASSIGNMENT
    assert (submitted(machine, ADA) / f"{NOTEBOOK}.ipynb").read_bytes() == (ada / f"{NOTEBOOK}.ipynb").read_bytes()
    assert (submitted(machine, ADA) / "timestamp.txt").read_text() == \
        machine.submissions(ADA)[1].joinpath("timestamp.txt").read_text()
    scores = grades(machine.course, ADA)
    assert sum(scores[cell.grade_id] for task in tasks_of(NOTEBOOK) for cell in task.hidden_cells) == 18
    feedback = list((ada / "feedback").glob(f"*/{NOTEBOOK}.html"))
    assert len(feedback) == 1 and "naive_relu" in feedback[0].read_text()


def test_a_submission_is_the_students_and_the_instructors_only(hardened):
    machine, _ = hardened
    for folder in machine.submissions(ADA)[:2]:
        info = folder.stat()
        assert (info.st_uid, info.st_gid) == (account(ADA).pw_uid, account(INSTRUCTOR).pw_gid)
        assert info.st_mode & 0o777 == 0o770
        assert {path.stat().st_mode & 0o777 for path in folder.iterdir()} == {0o640}


def test_a_student_cannot_list_read_or_guess_another_students_submission(hardened):
    machine, _ = hardened
    ada = machine.submissions(ADA)[-1]
    assert denied(machine.shell(BO, f"ls '{machine.inbound}'"))
    assert denied(machine.shell(BO, f"ls '{ada}'"))
    for path in (ada / f"{NOTEBOOK}.ipynb", ada / "submission_secret.txt"):
        assert denied(machine.shell(BO, f"cat '{path}'"))


def test_a_student_cannot_read_another_students_feedback(hardened):
    machine, _ = hardened
    feedback = machine.root / COURSE_ID / "feedback"
    assert denied(machine.shell(BO, f"ls '{feedback}'"))
    # Its name is a hash of ada's submission secret, which bo cannot read.
    secret = machine.submissions(ADA)[-1] / "submission_secret.txt"
    assert denied(machine.shell(BO, f"cat '{secret}'"))


def test_a_student_cannot_read_the_course_the_gradebook_or_the_secret(hardened):
    machine, _ = hardened
    for path in (machine.course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", machine.course / "gradebook.db",
                 submitted(machine, ADA) / f"{NOTEBOOK}.ipynb", SECRET):
        assert denied(machine.shell(BO, f"cat '{path}'")), path
    assert SECRET.stat().st_mode & 0o777 == 0o600


def test_a_student_cannot_submit_in_another_students_name(hardened):
    machine, moves = hardened
    assert moves["bo submits as ada"].returncode != 0
    assert f"You are {BO}: you cannot submit as {ADA}" in moves["bo submits as ada"].stderr
    forged = f"{ADA}+{ASSIGNMENT}+"
    assert f"Refused {forged}" in moves["collect"].stderr
    assert f"carries the name {ADA} but belongs to {BO}" in moves["collect"].stderr
    # ada's row holds her own work: her latest real submission, not bo's later forgery.
    for notebook in (machine.work[ADA] / ASSIGNMENT).glob("*.ipynb"):
        assert (submitted(machine, ADA) / notebook.name).read_bytes() == notebook.read_bytes()
    for notebook in (machine.work[BO] / ASSIGNMENT).glob("*.ipynb"):
        assert (submitted(machine, BO) / notebook.name).read_bytes() == notebook.read_bytes()
    assert sorted(path.name for path in (machine.course / "submitted").iterdir()) == [ADA, BO, CY]


def test_links_in_a_submission_are_left_out(hardened):
    machine, moves = hardened
    assert f"carries the name {CY} but belongs to nobody (it is not a folder)" in moves["collect"].stderr
    assert "Left out" in moves["collect"].stderr
    assert sorted(path.name for path in submitted(machine, CY).iterdir()) == ["timestamp.txt"]


def test_a_student_cannot_write_into_another_students_submission_or_the_release(hardened):
    machine, _ = hardened
    ada = machine.submissions(ADA)[-1]
    assert denied(machine.shell(BO, f"echo x > '{ada}/extra.txt'"))
    assert denied(machine.shell(BO, f"echo x > '{ada}/{NOTEBOOK}.ipynb'"))
    assert denied(machine.shell(BO, f"mv '{ada}' '{machine.inbound}/{BO}+{ASSIGNMENT}+{utc()}+taken'"))
    assert denied(machine.shell(BO, f"rm -rf '{ada}'"))
    assert denied(machine.shell(BO, f"echo x > '{machine.outbound}/{NOTEBOOK}.ipynb'"))
    assert denied(machine.shell(BO, f"touch '{machine.outbound}/extra.py'"))
    assert denied(machine.shell(BO, f"mv '{machine.root / COURSE_ID}' '{machine.root}/taken'"))
