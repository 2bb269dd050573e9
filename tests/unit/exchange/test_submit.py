"""tensor_gears.exchange.submit: a submission readable by its student and the grader's group only, in the
name of the account that submits it."""

import grp
import os
import stat

import nbformat
import pytest
from nbformat.v4 import new_notebook
from nbgrader.exchange import ExchangeError

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.exchange.submit import ExchangeSubmit

from .conftest import COURSE, account, step


def released(exchange, home):
    """The assignment in the outbound and the student's copy of it, with an answer of theirs."""
    for folder in (exchange / COURSE / "outbound" / ASSIGNMENT, home / ASSIGNMENT / "data"):
        folder.mkdir(parents=True)
    nbformat.write(new_notebook(), exchange / COURSE / "outbound" / ASSIGNMENT / "01_elementwise.ipynb")
    nbformat.write(new_notebook(), home / ASSIGNMENT / "01_elementwise.ipynb")
    (home / ASSIGNMENT / "data" / "notes.txt").write_text("mine")


def submitter(exchange, tmp_path, **coursedir):
    home = tmp_path / "home"
    released(exchange, home)
    submit = step(ExchangeSubmit, exchange, tmp_path / "course", **coursedir)
    submit.assignment_dir = str(home)
    return submit


def test_the_submission_is_the_graders_groups_folders_0770_files_0640_nothing_for_others(exchange, tmp_path):
    submitter(exchange, tmp_path).start()
    [submission] = (exchange / COURSE / "inbound").iterdir()
    assert submission.name.startswith(f"root+{ASSIGNMENT}+")
    grader_group = grp.getgrnam(account("tg-grader").pw_name).gr_gid
    entries = [submission, *submission.rglob("*")]
    assert {entry.relative_to(submission).as_posix() for entry in entries} == {
        ".", "01_elementwise.ipynb", "data", "data/notes.txt", "timestamp.txt", "submission_secret.txt"}
    for entry in entries:
        info = entry.lstat()
        assert info.st_gid == grader_group, entry
        assert stat.S_IMODE(info.st_mode) == (0o770 if entry.is_dir() else 0o640), entry
    assert (submission / "data" / "notes.txt").read_text() == "mine"
    cached = tmp_path / "course" / "cache" / COURSE
    assert [path.name for path in cached.iterdir()] == [submission.name.rsplit("+", 1)[0]]


def test_submitting_in_another_accounts_name_is_refused_and_nothing_is_written(exchange, tmp_path):
    with pytest.raises(ExchangeError, match="You are root: you cannot submit as tg-ada."):
        submitter(exchange, tmp_path, student_id="tg-ada").start()
    assert not any((exchange / COURSE / "inbound").iterdir())


def test_an_inbound_not_setgid_to_the_graders_group_is_refused_before_anything_is_written(exchange, tmp_path):
    inbound = exchange / COURSE / "inbound"
    os.chmod(inbound, 0o1733)
    with pytest.raises(ExchangeError, match=f"The inbound folder is not setgid .*: {inbound}$"):
        submitter(exchange, tmp_path).start()
    assert not any(inbound.iterdir())
