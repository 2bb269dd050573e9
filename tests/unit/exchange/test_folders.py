"""tensor_gears.exchange.folders: every step finds the set-up's exchange, and the grader's steps refuse course
folders that are not the grader's, saying what to remove."""

import os
import shutil

import pytest
from nbgrader.exchange import ExchangeError

from tensor_gears.exchange.folders import SUBFOLDERS, owner_name
from tensor_gears.exchange.student_steps import ExchangeList

from .conftest import COURSE, account, owned, step


def test_the_set_ups_folders_owned_by_the_grader_pass(exchange, tmp_path):
    checked = step(ExchangeList, exchange, tmp_path / "course")
    checked.ensure_root()
    checked.ensure_course_folders()


def test_a_missing_exchange_is_refused_naming_the_set_up(tmp_path):
    with pytest.raises(ExchangeError, match=r"There is no exchange at .*/nowhere: the administrator's set-up makes it"):
        step(ExchangeList, tmp_path / "nowhere", tmp_path / "course").ensure_root()


@pytest.mark.parametrize("name", sorted(SUBFOLDERS))
def test_a_missing_course_folder_is_refused_naming_it_and_the_set_up(exchange, tmp_path, name):
    os.rmdir(exchange / COURSE / name)
    with pytest.raises(ExchangeError, match=rf"The exchange has no folder {exchange / COURSE / name}: .*make courses"):
        step(ExchangeList, exchange, tmp_path / "course").ensure_course_folders()


def test_a_course_folder_a_student_made_is_refused_naming_its_owner_and_the_command_that_removes_it(exchange,
                                                                                                   tmp_path):
    owned(exchange / COURSE / "inbound", "tg-ada")
    with pytest.raises(ExchangeError) as refused:
        step(ExchangeList, exchange, tmp_path / "course").ensure_course_folders()
    inbound = exchange / COURSE / "inbound"
    assert str(refused.value) == (
        f"{inbound} belongs to tg-ada, not to root, who grades the course {COURSE}: an administrator must remove "
        f"it (as root: rm -r {inbound}), then run the set-up again (make courses).")


def test_a_link_in_place_of_a_course_folder_is_refused_as_a_link_even_when_it_points_to_the_graders_folder(
        exchange, tmp_path):
    feedback = exchange / COURSE / "feedback"
    shutil.move(feedback, tmp_path / "real-feedback")
    feedback.symlink_to(tmp_path / "real-feedback")
    with pytest.raises(ExchangeError) as refused:
        step(ExchangeList, exchange, tmp_path / "course").ensure_course_folders()
    assert str(refused.value) == (
        f"{feedback} is a symbolic link, not a folder of root, who grades the course {COURSE}: an administrator must "
        f"remove it (as root: rm -r {feedback}), then run the set-up again (make courses).")


def test_an_owner_without_an_account_is_named_by_uid(tmp_path):
    account("tg-ada")  # accounts exist here, so uid 4242424 (never given by `make accounts`) has none
    (tmp_path / "f").mkdir()
    os.chown(tmp_path / "f", 4242424, -1)
    assert owner_name(os.lstat(tmp_path / "f")) == "uid 4242424"
