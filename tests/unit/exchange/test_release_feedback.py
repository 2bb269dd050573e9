"""tensor_gears.exchange.release_feedback: each page the grader's, readable by its student's account alone."""

import logging
import stat

import pytest
from nbgrader.exchange import ExchangeError
from nbgrader.utils import notebook_hash

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.exchange import folders
from tensor_gears.exchange.acl import named_readers
from tensor_gears.exchange.release_feedback import ExchangeReleaseFeedback

from .conftest import COURSE, account, owned, step


def feedback(course, student: str, secret: str):
    folder = course / "feedback" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / "01_elementwise.html").write_text(f"<p>for {student}</p>")
    (folder / "submission_secret.txt").write_text(secret)
    (folder / "timestamp.txt").write_text("2024-05-17 13:04:05.000000 UTC")


def release(exchange, tmp_path, caplog, **coursedir):
    course = tmp_path / "course"
    course.mkdir()
    feedback(course, "tg-ada", "ada's secret")
    feedback(course, "tg-bo", "bo's secret")
    feedback(course, "no-such-account", "x")
    with caplog.at_level(logging.INFO):
        step(ExchangeReleaseFeedback, exchange, course, **coursedir).start()
    return exchange / COURSE / "feedback"


def page(released, secret):
    return released / f"{notebook_hash(secret=secret, notebook_id='01_elementwise')}.html"


def test_each_page_is_the_graders_0600_with_an_acl_naming_its_student_alone(exchange, tmp_path, caplog):
    released = release(exchange, tmp_path, caplog)
    for student, secret in (("tg-ada", "ada's secret"), ("tg-bo", "bo's secret")):
        info = page(released, secret).stat()
        assert page(released, secret).read_text() == f"<p>for {student}</p>"
        assert info.st_uid == 0 and stat.S_IMODE(info.st_mode) == 0o640  # 0600, the group bits the ACL's mask
        assert named_readers(str(page(released, secret))) == [account(student).pw_uid]
    assert stat.S_IMODE(released.stat().st_mode) == folders.FEEDBACK_MODE
    assert not list(released.glob("*-tmp.html"))


def test_a_student_without_an_account_gets_no_page_and_the_log_says_why(exchange, tmp_path, caplog):
    released = release(exchange, tmp_path, caplog)
    assert len(list(released.iterdir())) == 2
    assert "not released: no account is named no-such-account" in caplog.text


def test_excluded_students_get_no_page(exchange, tmp_path, caplog):
    released = release(exchange, tmp_path, caplog, student_id_exclude="tg-bo,no-such-account")
    assert [path.name for path in released.iterdir()] == [page(released, "ada's secret").name]


def test_a_page_released_again_replaces_the_old_one_and_stays_private(exchange, tmp_path, caplog):
    released = release(exchange, tmp_path, caplog)
    old = page(released, "ada's secret")
    old.chmod(0o644)  # as nbgrader's own release would have left it
    (tmp_path / "course" / "feedback" / "tg-ada" / ASSIGNMENT / "01_elementwise.html").write_text("<p>regraded</p>")
    step(ExchangeReleaseFeedback, exchange, tmp_path / "course").start()
    assert old.read_text() == "<p>regraded</p>" and stat.S_IMODE(old.stat().st_mode) == 0o640


def test_a_feedback_folder_that_is_not_the_graders_stops_the_release(exchange, tmp_path, caplog):
    owned(exchange / COURSE / "feedback", "tg-ada")
    with pytest.raises(ExchangeError, match="feedback belongs to tg-ada, not to root"):
        release(exchange, tmp_path, caplog)
