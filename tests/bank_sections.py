"""The banks of alternative implementations in tests/bank/: <kind>_<notebook>.py files.

A buggy section names the checks its mistake must fail on a `# fails: check_a, check_b`
line right under its header; every other check of its function must pass.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from tensor_gears.sections import read_sections

BANK = Path(__file__).resolve().parent / "bank"
PRELUDES = {
    "05_gradient_tape": 'import os\nos.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"\nimport numpy as np\n'
                        'import tensorflow as tf\n',
}
DEFAULT_PRELUDE = "import numpy as np\n"
FAILS = re.compile(r"^# fails: (.+)$", re.M)


@dataclass(frozen=True)
class Variant:
    notebook: str
    function: str
    label: str
    code: str

    @property
    def fails(self) -> set[str]:
        """The checks a buggy variant must fail, from its `# fails:` line."""
        return {name.strip() for line in FAILS.findall(self.code) for name in line.split(",")}

    @property
    def source(self) -> str:
        """The variant as a submission: the notebook's setup imports, then its code."""
        return PRELUDES.get(self.notebook, DEFAULT_PRELUDE) + self.code


def variants(kind: str) -> list[Variant]:
    """All sections of tests/bank/<kind>_<notebook>.py, in file order."""
    return [
        Variant(path.stem.removeprefix(f"{kind}_"), section.function, section.label, section.code)
        for path in sorted(BANK.glob(f"{kind}_*.py"))
        for section in read_sections(path.read_text())
    ]
