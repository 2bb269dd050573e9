"""Answer files: several answers in one Python file, each after a `# %% <function>: <label>` line.

The sample class's students and the test banks are written this way, so that a reviewer
reads plain Python rather than notebook JSON.
"""

import re
from dataclasses import dataclass

HEADER = re.compile(r"^# %% (\w+): (.+)$", re.M)


@dataclass(frozen=True)
class Section:
    function: str
    label: str
    code: str


def read_sections(text: str) -> list[Section]:
    """The sections of `text`, in order."""
    headers = list(HEADER.finditer(text))
    ends = [header.start() for header in headers[1:]] + [len(text)]
    return [Section(h.group(1), h.group(2).strip(), text[h.end():end].strip("\n") + "\n")
            for h, end in zip(headers, ends)]
