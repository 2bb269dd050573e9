"""tensor_gears.exchange.times: a submission's time is the kernel's change time, which its student cannot set."""

import os
import time
from datetime import datetime, timedelta, timezone

from nbgrader.utils import parse_utc

from tensor_gears.exchange.times import as_text, written_at


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def test_a_file_written_deep_inside_makes_the_whole_submission_that_late(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "early.ipynb").write_text("{}")
    time.sleep(0.05)
    before = now()
    (tmp_path / "a" / "b" / "late.ipynb").write_text("{}")
    assert written_at(str(tmp_path)) >= before - timedelta(milliseconds=20)  # the kernel's clock is coarse
    assert written_at(str(tmp_path)) <= now()


def test_setting_a_files_times_into_the_past_does_not_make_the_submission_earlier(tmp_path):
    (tmp_path / "answer.ipynb").write_text("{}")
    os.utime(tmp_path, (0, 0))
    time.sleep(0.05)
    before = now()
    os.utime(tmp_path / "answer.ipynb", (0, 0))  # touch -d 1970-01-01: mtime and atime only
    assert written_at(str(tmp_path)) >= before - timedelta(milliseconds=20)


def test_a_link_counts_as_itself_not_as_what_it_points_to(tmp_path):
    submission, elsewhere = tmp_path / "submission", tmp_path / "elsewhere.txt"
    submission.mkdir()
    elsewhere.write_text("old")
    (submission / "link").symlink_to(elsewhere)
    time.sleep(0.05)
    elsewhere.write_text("rewritten later")
    assert written_at(str(submission)) < datetime.fromtimestamp(elsewhere.stat().st_ctime, timezone.utc).replace(
        tzinfo=None)


def test_a_time_is_written_as_nbgrader_writes_and_reads_it():
    moment = datetime(2024, 5, 17, 13, 4, 5, 123456)
    assert as_text(moment) == "2024-05-17 13:04:05.123456 UTC"
    assert parse_utc(as_text(moment)) == moment
