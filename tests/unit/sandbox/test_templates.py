"""Templates, in the parts that need no template: their kinds, and finding a forked child's pid.
(`template_argv` asks the probe whether the box can be built, which runs bubblewrap: templates'
command lines are tested where templates start, tests/test_templates.py.)"""

import os

import pytest

from tensor_gears.sandbox import templates


def test_a_kind_says_whether_its_template_imported_tensorflow():
    assert templates.kind_of("checks", False) == "checks"
    assert templates.kind_of("kernel", True) == "kernel+tensorflow"
    assert set(templates.Pool().idle) == {"kernel", "kernel+tensorflow", "checks", "checks+tensorflow"}


def test_a_forked_child_outside_any_template_is_not_found():
    with pytest.raises(templates.TemplateUnavailable, match="is not to be found"):
        templates.host_pid(os.getpid(), 1)
    with pytest.raises(templates.TemplateUnavailable):  # this process is in no template's pid namespace
        templates.host_pid(os.getpid(), os.getpid())
