"""Answer files: several answers in one Python file, each after a `# %% <function>: <label>` line."""

from tensor_gears.sections import Section, read_sections

TEXT = '''"""A bank of answers."""
import numpy as np

# %% naive_relu:   loops
def naive_relu(x):
    return x


# %% naive_add: broadcast, with a comment
# not a header: # %% naive_add: inside
def naive_add(x, y):
    return x + y
'''


def test_each_section_is_its_function_label_and_code_after_its_header():
    assert read_sections(TEXT) == [
        Section("naive_relu", "loops", "def naive_relu(x):\n    return x\n"),
        Section("naive_add", "broadcast, with a comment",
                "# not a header: # %% naive_add: inside\ndef naive_add(x, y):\n    return x + y\n"),
    ]


def test_text_without_headers_has_no_sections():
    assert read_sections("def f():\n    pass\n# %%no: header\n") == []
