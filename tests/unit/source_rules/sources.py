"""A submission's code as the rules read it, for the tests of source_rules/."""

from tensor_gears.source_rules import Source
from tensor_gears.submission import Submission


def rules_source(code: str) -> Source:
    """`code` after `import numpy as np`, kept and resolved as the grader does."""
    return Source(Submission.from_source("import numpy as np\n" + code).statements)
