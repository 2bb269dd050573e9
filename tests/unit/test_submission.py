"""What the grader runs of a submission: definitions only, magics parsed, problems named."""

from tensor_gears.submission import Submission

CELL = """%matplotlib inline
import numpy as xp
LIMIT = (3, 4)
print("demo output")
for i in range(10**9):
    pass

@staticmethod
def f(x):
    return x

g = lambda t: t
h = f
"""


def test_keeps_imports_definitions_and_simple_constants_only():
    submission = Submission.from_source(CELL)
    kept = [statement.code.strip().splitlines()[0] for statement in submission.statements]
    assert kept == ["import numpy as xp", "LIMIT = (3, 4)", "@staticmethod", "g = lambda t: t", "h = f"]
    assert submission.definition("h").name == "f"


def test_keeps_the_cells_line_numbers():
    (statement,) = [s for s in Submission.from_source(CELL).statements if "def f" in s.code]
    assert statement.code.splitlines().index("def f(x):") + 1 == 9 and statement.where == "cell 1, line 9"


def test_a_cell_with_a_syntax_error_is_skipped_and_named():
    submission = Submission.from_cells([("cell 1", "def f(:\n    pass"), ("cell 2", "def g():\n    return 1")])
    assert [s.node.name for s in submission.statements] == ["g"]
    assert submission.problems == ["cell 1 has a syntax error at line 1, so it was skipped"]


def test_alias_assignments_are_kept_in_the_submission():
    code = "import functools\n_flip = np.transpose\n_add = functools.partial(np.add)\n_x = np.zeros(3)\n"
    kept = [statement.code.strip() for statement in Submission.from_source(code).statements]
    assert "_flip = np.transpose" in kept and "_add = functools.partial(np.add)" in kept
    assert "_x = np.zeros(3)" not in kept
