"""What a rule finds: a sentence that is also data (the cell, the line, the quoted code)."""

import ast

from tensor_gears.source_rules import Source, no_loops
from tensor_gears.source_rules.violations import MAX_QUOTE, Place, Violation, quote, unique, where
from tensor_gears.submission import Submission


def test_a_violation_is_its_sentence_and_carries_its_place_and_quote():
    found = Violation("a `for` loop (line 3)", Place("cell 4", 3), "for")
    assert found == "a `for` loop (line 3)" and isinstance(found, str)
    assert found.as_data() == {"text": "a `for` loop (line 3)", "cell": "cell 4", "line": 3, "quote": "for"}


def test_a_violation_without_a_place_says_none():
    assert Violation("nested too deeply").as_data() == {"text": "nested too deeply", "cell": None, "line": None,
                                                         "quote": None}


def test_a_quote_is_the_code_cut_to_its_limit():
    short = ast.parse("np.maximum(x, 0)").body[0].value
    assert quote(short) == "np.maximum(x, 0)"
    long = ast.parse("f(" + ", ".join(f"argument_{i}" for i in range(20)) + ")").body[0].value
    assert len(quote(long)) == MAX_QUOTE and quote(long).endswith("...")
    assert quote(long)[:-3] == ast.unparse(long)[:MAX_QUOTE - 3]


def test_where_names_the_line_or_says_here():
    assert where(ast.parse("\n\nx = 1").body[0]) == "line 3"
    assert where(ast.arguments()) == "here"


def test_unique_drops_repeats_and_keeps_the_order():
    first, second = Violation("b"), Violation("a")
    assert unique([first, second, Violation("b")]) == ["b", "a"]


def test_a_violation_points_at_the_students_cell_and_line():
    submission = Submission.from_cells([("cell 2", "import numpy as np"),
                                        ("cell 5", "def v(x):\n    for i in x:\n        pass\n    return x")])
    (found,) = no_loops(Source(submission.statements), "v")
    assert found.place == Place("cell 5", 2) and found.quote == "for"
    assert found == "a `for` loop (line 2)"


def test_code_nested_too_deeply_fails_the_rule_instead_of_crashing_it():
    deep = Source(Submission.from_source("def f(x):\n    return " + "-" * 2000 + "x").statements)
    assert not deep.readable
    assert no_loops(deep, "f") == ["the code of `f` is nested too deeply for the grader to read"]
