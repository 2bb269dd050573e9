"""tensor_gears.grade_class.progress: a line per student on a pipe, a bar redrawn in place on a terminal."""

import io
import os

from tensor_gears.grade_class.progress import Progress


def test_on_a_pipe_each_finished_student_is_one_line_with_its_count_and_nothing_is_redrawn():
    out = io.StringIO()
    progress = Progress(12, stream=out)
    progress.started("ada")
    progress.started("bo")
    progress.finished("ada", "100/100", ok=True)
    progress.retrying("bo", "a worker process died while grading it")
    progress.finished("bo", "0/100  (1 problem)", ok=False)
    progress.close()
    assert out.getvalue().splitlines() == [
        f"  [ 1/12] {'ada':<24} 100/100",
        "  retrying bo: a worker process died while grading it",
        f"  [ 2/12] {'bo':<24} 0/100  (1 problem)",
    ]
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()


def test_the_bar_counts_graded_and_failed_students_and_names_at_most_three_running():
    progress = Progress(4, stream=io.StringIO())
    for student in ("ada", "bo", "cy", "di", "ed"):
        progress.started(student)
    progress.finished("ada", "ok", ok=True)
    progress.finished("bo", "grader failed", ok=False)
    progress.finished("cy", "ok", ok=True)
    bar = progress.bar()
    assert bar.startswith("[" + "#" * 22 + "." * 8 + "] 3/4 graded, 1 with problems, ")
    assert "s left" in bar
    assert bar.endswith("grading: di, ed")
    progress.started("fu")
    progress.started("gu")
    assert progress.bar().endswith("grading: di, ed, fu ...")


def test_before_anyone_finishes_the_bar_guesses_no_time_left_and_names_nobody_when_idle():
    bar = Progress(0, stream=io.StringIO()).bar()
    assert bar == "[" + "." * 30 + "] 0/0 graded, 0 with problems, 0 s; grading: -"


def read_some(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # EIO: the terminal's other side is closed and everything was read
        return b""


def test_on_a_terminal_the_bar_is_redrawn_in_place_and_cleared_before_each_line():
    main, side = os.openpty()
    with open(side, "w") as terminal:
        progress = Progress(2, stream=terminal)
        assert progress.live
        progress.started("ada")
        progress.finished("ada", "100/100", ok=True)
        progress.close()
    shown = b""
    while chunk := read_some(main):  # a terminal hands over its output in pieces, until its other side is closed
        shown += chunk
    os.close(main)
    shown = shown.decode()
    assert shown.startswith("\r\x1b[2K[" + "." * 30 + "] 0/2 graded")
    assert "\r\x1b[2K  [1/2] ada" in shown.replace("\r\n", "\n")
    assert shown.endswith("\r\x1b[2K")
