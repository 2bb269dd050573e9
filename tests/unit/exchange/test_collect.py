"""tensor_gears.exchange.collect: only genuine submissions are collected, only what their student owns is
copied, and their time is the one their files were written at."""

import logging
import os
from datetime import datetime, timedelta, timezone

import pytest
from nbgrader.utils import parse_utc

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.exchange.collect import CLAIMS, ExchangeCollect, genuine, owner_of

from .conftest import COURSE, owned, step

CLAIMED = "2020-01-01 00:00:00.000000 UTC"  # long before the files were written


def hand_in(exchange, owner: str, name: str, claimed: str = CLAIMED):
    """A submission folder carrying the name `name`, made by `owner`, claiming the time `claimed`."""
    folder = exchange / COURSE / "inbound" / f"{name}+{ASSIGNMENT}+{claimed}+r4nd0m"
    folder.mkdir()
    (folder / "01_elementwise.ipynb").write_text('{"mine": true}')
    (folder / "timestamp.txt").write_text(claimed)
    return owned(folder, owner)


def collect(exchange, tmp_path, caplog, **traits):
    collector = step(ExchangeCollect, exchange, tmp_path / "course")
    for name, value in traits.items():
        setattr(collector, name, value)
    with caplog.at_level(logging.INFO):
        collector.start()
    return tmp_path / "course" / "submitted"


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def test_a_submission_carrying_another_students_name_is_refused_and_the_genuine_one_collected(
        exchange, tmp_path, caplog):
    hand_in(exchange, "tg-ada", "tg-ada")
    hand_in(exchange, "tg-ada", "tg-bo")
    submitted = collect(exchange, tmp_path, caplog)
    assert sorted(path.name for path in submitted.iterdir()) == ["tg-ada"]
    assert (submitted / "tg-ada" / ASSIGNMENT / "01_elementwise.ipynb").read_text() == '{"mine": true}'
    refused = f"Refused tg-bo+{ASSIGNMENT}+{CLAIMED}+r4nd0m: it carries the name tg-bo but belongs to tg-ada"
    assert refused in caplog.text


def test_files_and_folders_the_student_does_not_own_and_links_are_left_out(exchange, tmp_path, caplog):
    folder = hand_in(exchange, "tg-ada", "tg-ada")
    (folder / "planted.ipynb").write_text("the grader's")  # root's, not the student's
    (folder / "graders_folder").mkdir()
    (folder / "link.ipynb").symlink_to("/etc/shadow")
    (folder / "linked_folder").symlink_to("/root")
    os.lchown(folder / "link.ipynb", 1003, 1003)
    copied = collect(exchange, tmp_path, caplog) / "tg-ada" / ASSIGNMENT
    assert sorted(path.name for path in copied.iterdir()) == ["01_elementwise.ipynb", "timestamp.txt", CLAIMS]
    for name, why in (("planted.ipynb", "not a plain file of the student's"), ("graders_folder", "not the student's"),
                      ("linked_folder", "a symbolic link"), ("link.ipynb", "not a plain file")):
        assert f"Left out {folder / name}: {why}" in caplog.text


def test_the_collected_time_is_when_the_files_were_written_and_false_claims_are_flagged_and_kept(
        exchange, tmp_path, caplog):
    before = now()
    hand_in(exchange, "tg-ada", "tg-ada")
    collected = collect(exchange, tmp_path, caplog) / "tg-ada" / ASSIGNMENT
    moment = parse_utc((collected / "timestamp.txt").read_text())
    assert before - timedelta(milliseconds=20) <= moment <= now()
    assert (collected / CLAIMS).read_text() == f"its folder's name: {CLAIMED}\nits timestamp.txt: {CLAIMED}\n"
    assert "tg-ada+tensor_ops+" in caplog.text and "claims a time its files were not written at" in caplog.text


def test_a_timestamp_txt_the_student_does_not_own_is_no_claim_of_theirs(exchange, tmp_path, caplog):
    folder = hand_in(exchange, "tg-ada", "tg-ada")
    os.chown(folder / "timestamp.txt", 0, 0)
    collected = collect(exchange, tmp_path, caplog) / "tg-ada" / ASSIGNMENT
    assert "its timestamp.txt: no time\n" in (collected / CLAIMS).read_text()


def test_claims_within_the_tolerance_are_not_flagged(exchange, tmp_path, caplog):
    honest = now().strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    hand_in(exchange, "tg-ada", "tg-ada", claimed=honest)
    collected = collect(exchange, tmp_path, caplog, claimed_time_tolerance=60.0) / "tg-ada" / ASSIGNMENT
    assert not (collected / CLAIMS).exists()


def test_the_latest_genuine_submission_is_chosen_by_when_it_was_written_not_by_its_claim(exchange, tmp_path, caplog):
    older = hand_in(exchange, "tg-ada", "tg-ada", claimed="2030-01-01 00:00:00.000000 UTC")
    newer = hand_in(exchange, "tg-ada", "tg-ada", claimed=CLAIMED)
    (newer / "01_elementwise.ipynb").write_text('{"newer": true}')
    os.utime(older, (0, 0))
    collected = collect(exchange, tmp_path, caplog) / "tg-ada" / ASSIGNMENT
    assert (collected / "01_elementwise.ipynb").read_text() == '{"newer": true}'


def test_an_owner_is_an_account_a_uid_or_nobody_for_what_is_not_a_folder(tmp_path):
    (tmp_path / "file").write_text("")
    (tmp_path / "orphan").mkdir()
    os.chown(tmp_path / "orphan", 4242424, -1)
    assert owner_of(str(tmp_path / "file")) == "nobody (it is not a folder)"
    assert owner_of(str(tmp_path / "orphan")) == "uid 4242424"
    assert owner_of(str(tmp_path)) == "root"
    assert genuine({"owner": "tg-ada", "username": "tg-ada"})
    assert not genuine({"owner": "tg-ada", "username": "tg-ada", "unreadable": "Permission denied"})


@pytest.fixture(autouse=True)
def _tolerance_default_is_documented():
    assert ExchangeCollect.class_traits()["claimed_time_tolerance"].help
