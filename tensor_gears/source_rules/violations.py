"""What a rule finds, and what every rule shares.

A `Violation` is the sentence the student reads ("`x @ y` (line 4) uses `@`") and, as data,
the cell and line of the student's notebook it points at and the code it quotes: the feedback
shows that line of the student's own code without reading the sentence back.
"""

import ast
import functools
from dataclasses import dataclass

MAX_QUOTE = 60


@dataclass(frozen=True)
class Place:
    """Where a node of the submission stands: its notebook cell ("cell 4") and line in that cell."""

    cell: str | None
    line: int | None


class Violation(str):
    """A rule's finding: the sentence, with `place` and `quote` (the code it names) as data."""

    place: Place
    quote: str | None

    def __new__(cls, text: str, place: Place = Place(None, None), quote: str | None = None):
        found = super().__new__(cls, text)
        found.place, found.quote = place, quote
        return found

    def as_data(self) -> dict:
        return {"text": str(self), "cell": self.place.cell, "line": self.place.line, "quote": self.quote}


def quote(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= MAX_QUOTE else text[:MAX_QUOTE - 3] + "..."


def where(node: ast.AST) -> str:
    return f"line {node.lineno}" if hasattr(node, "lineno") else "here"


def rule(check):
    """A rule that fails, rather than crashes, on code nested too deeply to analyse."""
    @functools.wraps(check)
    def guarded(source, name: str, *args, **kwargs) -> list[Violation]:
        try:
            if source.readable:
                return check(source, name, *args, **kwargs)
        except RecursionError:
            pass
        return [Violation(f"the code of `{name}` is nested too deeply for the grader to read")]
    return guarded


def unique(items: list[Violation]) -> list[Violation]:
    return list(dict.fromkeys(items))
