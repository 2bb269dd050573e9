"""The task contract as data: notebooks, graded functions, grade ids and points.

This mirrors the course's public contract (notebook names, function names, points).
Tests, the grader and the sample-class report all read it from here.
"""

from dataclasses import dataclass

ASSIGNMENT = "tensor_ops"


@dataclass(frozen=True)
class HiddenCell:
    """A locked hidden-check cell: its grade id and the points it carries."""

    grade_id: str
    points: int


@dataclass(frozen=True)
class Task:
    """One graded function of the contract."""

    name: str
    notebook: str
    params: tuple[str, ...]
    points: int
    aspects: tuple[tuple[str, int], ...] = ()

    @property
    def answer_id(self) -> str:
        return self.name

    @property
    def test_id(self) -> str:
        return f"test_{self.name}"

    @property
    def hidden_cells(self) -> tuple[HiddenCell, ...]:
        """`hidden_F` (the points not given to aspects), then `hidden_F__<aspect>` cells."""
        main = self.points - sum(points for _, points in self.aspects)
        cells = [HiddenCell(f"hidden_{self.name}", main)]
        cells += [HiddenCell(f"hidden_{self.name}__{aspect}", points) for aspect, points in self.aspects]
        return tuple(cells)


TASKS: tuple[Task, ...] = (
    Task("naive_relu", "01_elementwise", ("x",), 6),
    Task("naive_add", "01_elementwise", ("x", "y"), 6),
    Task("vectorized_add_relu", "01_elementwise", ("x", "y"), 6, aspects=(("timing", 2),)),
    Task("repeat_along_new_axis", "02_broadcasting", ("y", "n"), 6),
    Task("naive_add_matrix_and_vector", "02_broadcasting", ("x", "y"), 6),
    Task("broadcast_shape", "02_broadcasting", ("shape_a", "shape_b"), 8),
    Task("naive_vector_dot", "03_tensor_product", ("x", "y"), 5),
    Task("naive_matrix_vector_dot", "03_tensor_product", ("x", "y"), 6),
    Task("naive_matrix_vector_dot_by_rows", "03_tensor_product", ("x", "y"), 5),
    Task("naive_matrix_dot", "03_tensor_product", ("x", "y"), 8, aspects=(("timing", 2),)),
    Task("flatten_images", "04_reshaping", ("images",), 5),
    Task("naive_transpose", "04_reshaping", ("x",), 5),
    Task("make_batches", "04_reshaping", ("x", "batch_size"), 5),
    Task("gradient_of", "05_gradient_tape", ("f", "x"), 8),
    Task("dense_gradients", "05_gradient_tape", ("x", "W", "b"), 7),
    Task("sgd_step", "05_gradient_tape", ("W", "b", "x", "y_true", "learning_rate"), 8),
)

NOTEBOOKS: tuple[str, ...] = tuple(dict.fromkeys(task.notebook for task in TASKS))

TOTAL_POINTS = 100


def tasks_of(notebook: str) -> tuple[Task, ...]:
    """The tasks of one notebook, in contract order."""
    return tuple(task for task in TASKS if task.notebook == notebook)


def task_named(name: str) -> Task:
    """The task whose function is `name` (KeyError, naming the tasks, for any other name)."""
    for task in TASKS:
        if task.name == name:
            return task
    raise KeyError(f"no task is named {name!r}: the tasks are {', '.join(task.name for task in TASKS)}")
