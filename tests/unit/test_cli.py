"""tensor_gears.cli: the command's arguments, help and clear errors, without grading."""

import os

import pytest

from tensor_gears.cli import main, parser, report_problems


def fails(capsys, *argv) -> str:
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    assert stopped.value.code == 2
    return capsys.readouterr().err


def test_help_names_every_verb_and_exits_0(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    assert all(verb in shown for verb in ("grade", "report", "export", "doctor"))


def test_grade_defaults_to_this_folder_every_student_and_this_machines_cores():
    args = parser().parse_args(["grade"])
    assert (str(args.course), args.student, args.workers, args.scheduler, args.force) == (
        ".", [], os.cpu_count(), None, False)
    args = parser().parse_args(["grade", "course", "--student", "ada", "--student", "bo", "--workers", "3",
                                "--cell-timeout", "60", "--force"])
    assert (args.student, args.workers, args.cell_timeout, args.force) == (["ada", "bo"], 3, 60, True)


def test_no_verb_an_unknown_verb_or_a_bad_number_is_refused_with_the_usage(capsys):
    assert "the following arguments are required: verb" in fails(capsys)
    assert "invalid choice: 'mark'" in fails(capsys, "mark")
    assert "argument --workers: invalid int value: 'many'" in fails(capsys, "grade", "--workers", "many")
    assert "argument --id-column: invalid choice: 'email'" in fails(capsys, "export", "--id-column", "email")


def test_a_canvas_id_without_its_assignment_is_refused_saying_the_form_expected(capsys):
    said = fails(capsys, "export", "--canvas-id", "4711")
    assert "argument --canvas-id: expected ASSIGNMENT=ID (e.g. tensor_ops=4711), got '4711'" in said
    assert "got '=4711'" in fails(capsys, "export", "--canvas-id", "=4711")
    assert "got 'tensor_ops='" in fails(capsys, "export", "--canvas-id", "tensor_ops=")


def test_report_and_export_of_a_folder_never_graded_say_so_and_exit_2(capsys, tmp_path):
    assert main(["report", str(tmp_path)]) == 2
    assert f"tensor-gears report: no report written: no gradebook at {tmp_path.resolve() / 'gradebook.db'}" in \
        capsys.readouterr().err
    assert main(["export", str(tmp_path)]) == 2
    assert "tensor-gears export: export failed: no gradebook at" in capsys.readouterr().err
    assert not (tmp_path / "gradebook.db").exists()


def test_a_students_problems_are_the_workers_failure_or_each_notebooks_errors():
    assert report_problems({"failed": "grader failed: boom", "notebooks": {}}) == ["grader failed: boom"]
    assert report_problems({"notebooks": {"01_elementwise": {"errors": ["kernel: died"]},
                                          "02_broadcasting": {"errors": []}}}) == ["01_elementwise: kernel: died"]


def test_canvas_ids_are_read_as_assignment_and_id_pairs():
    args = parser().parse_args(["export", "--canvas-id", "tensor_ops=4711", "--canvas-id", "quiz=12"])
    assert dict(args.canvas_id) == {"tensor_ops": "4711", "quiz": "12"}
