"""Reading the banks of alternative implementations in tests/bank/ (see their README)."""

import re
from dataclasses import dataclass
from pathlib import Path

BANK = Path(__file__).resolve().parent / "bank"
HEADER = re.compile(r"^# %% (\w+): (.+)$", re.M)
PRELUDES = {
    "05_gradient_tape": 'import os\nos.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"\nimport numpy as np\nimport tensorflow as tf\n',
}
DEFAULT_PRELUDE = "import numpy as np\n"


@dataclass(frozen=True)
class Variant:
    notebook: str
    function: str
    label: str
    code: str

    @property
    def source(self) -> str:
        """The variant as a submission: the notebook's setup imports, then its code."""
        return PRELUDES.get(self.notebook, DEFAULT_PRELUDE) + self.code


def variants(kind: str) -> list[Variant]:
    """All sections of tests/bank/<kind>_<notebook>.py, in file order."""
    found = []
    for path in sorted(BANK.glob(f"{kind}_*.py")):
        notebook = path.stem.removeprefix(f"{kind}_")
        text = path.read_text()
        headers = list(HEADER.finditer(text))
        for header, following in zip(headers, headers[1:] + [None]):
            code = text[header.end():following.start() if following else len(text)]
            found.append(Variant(notebook, header.group(1), header.group(2).strip(), code))
    return found
