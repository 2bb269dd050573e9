"""What the grader runs of a submission: definitions only, magics parsed, problems named."""

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

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


def test_only_assignments_to_plain_names_of_names_lambdas_partials_and_literals_are_kept():
    code = ("x[0] = 1\nobj.attr = 2\na, b = 1, 2\nc: int = 3\nd: int\np = partial(f, 1, k=lambda: 2)\n"
            "q = partial(f, g())\nr = functools.partial(np.add)\ns = f()\n")
    kept = [statement.code.strip() for statement in Submission.from_source(code).statements]
    assert kept == ["c: int = 3", "p = partial(f, 1, k=lambda: 2)", "r = functools.partial(np.add)"]


def test_magics_and_shell_lines_parse_and_are_left_out():
    submission = Submission.from_source("!ls\n%time y = 1\n%%capture\ndef f(x):\n    return x\n")
    assert submission.problems == [] and [s.node.name for s in submission.statements] == ["f"]


def test_a_cell_nested_too_deeply_to_parse_is_skipped_and_named():
    submission = Submission.from_cells([("cell 3", "x = " + "-" * 10_000 + "1"), ("cell 4", "import math")])
    assert submission.problems == ["cell 3 is nested too deeply to read, so it was skipped"]
    assert submission.imports("math")


def test_from_notebook_reads_the_students_code_cells_but_not_the_locked_ones():
    nb = new_notebook(cells=[
        new_markdown_cell("def not_code():\n    pass"),
        new_code_cell("import numpy as np"),
        new_code_cell("def hidden_check():\n    pass", metadata={"nbgrader": {"locked": True, "grade": True}}),
        new_code_cell("def f(x):\n    return x", metadata={"nbgrader": {"solution": True, "locked": False}}),
    ])
    submission = Submission.from_notebook(nb)
    assert [statement.where for statement in submission.statements] == ["cell 2, line 1", "cell 4, line 1"]
    assert submission.definition("hidden_check") is None and submission.definition("f").name == "f"


def test_imports_names_a_module_or_anything_in_it_but_no_prefix_of_a_name():
    code = "import numpy.linalg as la\nfrom tensorflow.keras import layers\nimport mathx\n"
    submission = Submission.from_source(code)
    assert submission.imports("numpy") and submission.imports("tensorflow") and submission.imports("tensorflow.keras")
    assert not submission.imports("math") and not submission.imports("keras")


def test_wire_sends_each_statement_with_where_it_comes_from():
    submission = Submission.from_cells([("cell 2", "import math\nprint(1)\nLIMIT = 3")])
    assert submission.wire() == [{"code": "import math", "where": "cell 2, line 1"},
                                 {"code": "\n\nLIMIT = 3", "where": "cell 2, line 3"}]
