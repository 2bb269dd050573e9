"""tensor_gears.exchange.release_assignment: nbgrader's release into the set-up's folders, which it keeps as they
are, and refuses when they are not the grader's."""

import stat

import pytest
from nbgrader.exchange import ExchangeError

from tensor_gears.contract import ASSIGNMENT
from tensor_gears.exchange import folders
from tensor_gears.exchange.release_assignment import ExchangeReleaseAssignment

from .conftest import COURSE, owned, step


def releaser(exchange, tmp_path):
    release = tmp_path / "course" / "release" / ASSIGNMENT
    release.mkdir(parents=True)
    (release / "01_elementwise.ipynb").write_text("{}")
    return step(ExchangeReleaseAssignment, exchange, tmp_path / "course")


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_release_lands_in_the_outbound_and_every_folder_keeps_the_set_ups_mode(exchange, tmp_path):
    releaser(exchange, tmp_path).start()
    assert (exchange / COURSE / "outbound" / ASSIGNMENT / "01_elementwise.ipynb").read_text() == "{}"
    assert mode(exchange) == folders.ROOT_MODE  # nbgrader's own release makes the root 0777
    assert mode(exchange / COURSE) == folders.COURSE_MODE
    assert {name: mode(exchange / COURSE / name) for name in folders.SUBFOLDERS} == folders.SUBFOLDERS


def test_a_course_folder_a_student_made_first_stops_the_release_before_anything_is_written(exchange, tmp_path):
    owned(exchange / COURSE, "tg-ada")
    with pytest.raises(ExchangeError, match=f"{exchange / COURSE} belongs to tg-ada, not to root"):
        releaser(exchange, tmp_path).start()
    assert not any((exchange / COURSE / "outbound").iterdir())
