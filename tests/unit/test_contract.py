"""The task contract as data: 16 functions in 5 notebooks, 100 points, each function's points carried
by its hidden cells."""

import pytest

from tensor_gears.contract import NOTEBOOKS, TASKS, TOTAL_POINTS, task_named, tasks_of


def test_the_points_add_up_to_the_total():
    assert sum(task.points for task in TASKS) == TOTAL_POINTS == 100


@pytest.mark.parametrize("task", TASKS, ids=[task.name for task in TASKS])
def test_a_functions_hidden_cells_carry_all_its_points(task):
    cells = task.hidden_cells
    assert sum(cell.points for cell in cells) == task.points and all(cell.points > 0 for cell in cells)
    assert cells[0].grade_id == f"hidden_{task.name}"
    assert [cell.grade_id for cell in cells[1:]] == [f"hidden_{task.name}__{aspect}" for aspect, _ in task.aspects]
    assert (task.answer_id, task.test_id) == (task.name, f"test_{task.name}")


def test_grade_ids_are_unique():
    ids = [cell.grade_id for task in TASKS for cell in task.hidden_cells]
    ids += [task.answer_id for task in TASKS] + [task.test_id for task in TASKS]
    assert len(ids) == len(set(ids))


def test_notebooks_in_contract_order_with_their_tasks():
    assert NOTEBOOKS == ("01_elementwise", "02_broadcasting", "03_tensor_product", "04_reshaping", "05_gradient_tape")
    assert [task.name for task in tasks_of("04_reshaping")] == ["flatten_images", "naive_transpose", "make_batches"]
    assert sum(len(tasks_of(notebook)) for notebook in NOTEBOOKS) == len(TASKS) == 16
    assert task_named("sgd_step").params == ("W", "b", "x", "y_true", "learning_rate")


def test_the_timed_functions_have_a_timing_cell():
    timed = {task.name for task in TASKS if ("timing", 2) in task.aspects}
    assert timed == {"vectorized_add_relu", "naive_matrix_dot"}


def test_an_unknown_task_name_is_a_key_error_that_names_the_tasks():
    with pytest.raises(KeyError, match="no task is named 'sgd'.*sgd_step"):
        task_named("sgd")
