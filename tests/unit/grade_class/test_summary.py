"""tensor_gears.grade_class.summary: the points per student and notebook, read from results.json."""

import json

from tensor_gears.contract import ASSIGNMENT, NOTEBOOKS, TOTAL_POINTS
from tensor_gears.grade_class.summary import notebook_points, results_table


def results(*tests: tuple[str, float]) -> dict:
    return {"score": sum(score for _, score in tests),
            "tests": [{"name": name, "score": score, "max_score": 8} for name, score in tests]}


def write_results(course, student, data):
    folder = course / "autograded" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(data))


def test_each_grade_cell_counts_in_its_functions_notebook_aspects_and_visible_tests_included():
    points = notebook_points(results(("test_naive_relu", 0), ("hidden_naive_relu", 6),
                                     ("hidden_vectorized_add_relu__timing", 2), ("hidden_broadcast_shape", 5),
                                     ("hidden_sgd_step", 8)))
    assert points == {"01_elementwise": 8, "02_broadcasting": 5, "03_tensor_product": 0, "04_reshaping": 0,
                      "05_gradient_tape": 8}
    assert list(points) == list(NOTEBOOKS)


def test_the_table_has_a_row_per_student_in_the_order_given_and_says_who_was_not_graded(tmp_path):
    write_results(tmp_path, "bo", results(("hidden_naive_relu", 6), ("hidden_naive_matrix_dot__timing", 2)))
    write_results(tmp_path, "ada", results(("hidden_make_batches", 5)))
    lines = results_table(tmp_path, ["bo", "cy", "ada"]).splitlines()
    assert lines[0].split() == ["student", "01", "02", "03", "04", "05", "total"]
    assert set(lines[1]) == {"-"} and len(lines[1]) == len(lines[0])
    assert lines[2].split() == ["bo", "6", "0", "2", "0", "0", f"8/{TOTAL_POINTS}"]
    assert lines[3].split() == ["cy", "not", "graded"]
    assert lines[4].split() == ["ada", "0", "0", "0", "5", "0", f"5/{TOTAL_POINTS}"]
    notebook_columns = len(f"{'student':<18}") + 6 * len(NOTEBOOKS)
    assert all(line[notebook_columns - 1] != " " for line in (lines[0], lines[2], lines[4]))  # right-aligned
    assert len({len(line) for line in lines}) == 1  # the totals and "not graded" end where "total" ends


def test_the_total_is_the_score_results_json_states_not_the_sum_of_its_tests(tmp_path):
    late = results(("hidden_naive_relu", 6))
    late["score"] = 4.5  # e.g. after a late penalty: the table shows what results.json says
    write_results(tmp_path, "ada", late)
    assert results_table(tmp_path, ["ada"]).splitlines()[2].split() == ["ada", "6", "0", "0", "0", "0",
                                                                        f"4.5/{TOTAL_POINTS}"]
