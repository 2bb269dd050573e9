"""tensor_gears.exchange.student_steps: a student lists and fetches from the set-up's exchange, whose root
they cannot write (nbgrader's own steps refuse it), and reaches no course whose folder they may not enter.

Each step runs in a child of this process that has become the student's account (fork, then setuid)."""

import json
import os
from pathlib import Path

from nbgrader.exchange.default.list import ExchangeList as DefaultList

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.exchange.student_steps import ExchangeFetchAssignment, ExchangeList

from .conftest import COURSE, account, step


def as_account(name: str, work):
    """`work()` run as the account `name` (its own groups); what it returns, or the error it raised."""
    who = account(name)
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the tests
        try:
            os.close(reading)
            os.setgroups(os.getgrouplist(name, who.pw_gid))
            os.setgid(who.pw_gid)
            os.setuid(who.pw_uid)
            try:
                said = {"result": work()}
            except Exception as error:
                said = {"error": f"{type(error).__name__}: {error}"}
            os.write(writing, json.dumps(said, default=str).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading) as answer:
        said = json.loads(answer.read() or '{"error": "the child died"}')
    os.waitpid(pid, 0)
    return said


def released(exchange, students_group: int):
    """The assignment in the outbound; the course folder's group is its students' (here tg-ada's own)."""
    (exchange / COURSE / "outbound" / ASSIGNMENT).mkdir()
    (exchange / COURSE / "outbound" / ASSIGNMENT / "01_elementwise.ipynb").write_text("{}")
    os.chown(exchange / COURSE, -1, students_group)


def test_a_student_of_the_course_lists_its_release_from_a_root_they_cannot_write(exchange, tmp_path):
    released(exchange, account("tg-ada").pw_gid)
    listed = as_account("tg-ada", step(ExchangeList, exchange, tmp_path / "course").start)
    assert [(entry["course_id"], entry["assignment_id"], entry["status"]) for entry in listed["result"]] == [
        (COURSE, ASSIGNMENT, "released")]
    refused = as_account("tg-ada", step(DefaultList, exchange, tmp_path / "course").start)
    assert refused["error"] == f"ExchangeError: Unwritable directory, please contact your instructor: {exchange}"


def test_a_student_of_another_course_lists_nothing_of_it(exchange, tmp_path):
    released(exchange, account("tg-ada").pw_gid)
    listed = as_account("tg-bo", step(ExchangeList, exchange, tmp_path / "course").start)
    assert listed == {"result": []}


def test_a_student_fetches_the_release_into_their_own_folder(exchange, tmp_path):
    released(exchange, account("tg-ada").pw_gid)
    home = exchange.parent / "home"  # where every account may enter, as /home
    home.mkdir()
    os.chown(home, account("tg-ada").pw_uid, -1)
    fetcher = step(ExchangeFetchAssignment, exchange, tmp_path / "course")
    fetcher.assignment_dir = str(home)

    def fetch():
        fetcher.start()
        return sorted(str(path.relative_to(home)) for path in Path(home).rglob("*"))

    assert as_account("tg-ada", fetch) == {"result": [ASSIGNMENT, f"{ASSIGNMENT}/01_elementwise.ipynb"]}
    assert (home / ASSIGNMENT / "01_elementwise.ipynb").stat().st_uid == account("tg-ada").pw_uid
