"""tensor_gears.class_report.canvas: a CSV in the layout Canvas imports."""

from tensor_gears.class_report.canvas import POINTS_POSSIBLE, STUDENT_COLUMNS, canvas_rows, write_canvas_csv
from tensor_gears.contract import ASSIGNMENT

from ..gradebooks import class_of_three


def test_the_header_the_points_possible_row_then_a_row_per_student_by_last_name(tmp_path):
    rows = canvas_rows(class_of_three(tmp_path / "gradebook.db"))
    assert rows[0] == [*STUDENT_COLUMNS, ASSIGNMENT]
    assert rows[1] == [POINTS_POSSIBLE, "", "", "", "", "100"]
    assert rows[2:] == [["bo", "", "", "bo", "", ""],  # no submission: a blank score changes nothing in Canvas
                        ["Lovelace, Ada", "1001", "", "ada", "", "97"],
                        ["Young", "", "", "cy", "", "12"]]


def test_the_student_id_goes_in_the_chosen_column_and_a_known_assignment_is_titled_with_its_canvas_id(tmp_path):
    rows = canvas_rows(class_of_three(tmp_path / "gradebook.db"), "sis_user_id", {ASSIGNMENT: "4711"})
    assert rows[0][-1] == f"{ASSIGNMENT} (4711)"
    assert rows[3][:4] == ["Lovelace, Ada", "1001", "ada", ""]


def test_the_csv_file_holds_the_rows(tmp_path):
    url = class_of_three(tmp_path / "gradebook.db")
    path = write_canvas_csv(url, tmp_path / "exports" / "canvas.csv")
    assert path.read_text().splitlines()[1] == f"{POINTS_POSSIBLE},,,,,100"
