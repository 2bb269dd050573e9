"""The parts of the box that need no box: what it binds from the host, the folders it makes, how a
command joins its cgroups. (The box itself is tested for real in the integration tests.)"""

import subprocess
import sys
from pathlib import Path

from tensor_gears.sandbox import box


def test_the_code_folder_bound_into_the_box_holds_only_the_boxs_own_code():
    """Everything in inside/ is readable by student code: nothing secret may be added there."""
    files = {path.name for path in box.CODE_ON_HOST.iterdir() if path.name != "__pycache__"}
    assert files == {"__init__.py", "harness.py", "forkserver.py", "protocol.py"}


def test_parents_makes_each_missing_ancestor_but_not_the_systems_own():
    assert box.parents(Path("/sandbox/work")) == ["--perms", "0755", "--dir", "/sandbox"]
    assert box.parents(Path("/a/b/c")) == ["--perms", "0755", "--dir", "/a", "--perms", "0755", "--dir", "/a/b"]
    assert box.parents(Path("/usr/lib/python3/x")) == [] and box.parents(Path("/tmp/x")) == []


def test_the_box_reads_the_interpreter_and_the_environment():
    paths = box.readable_paths()
    assert Path(sys.base_prefix).resolve() in paths and Path(sys.prefix).absolute() in paths
    assert paths == sorted(paths)


def test_a_command_without_cgroups_is_left_as_it_is():
    assert box.in_cgroups([], ["true"]) == ["true"]


def test_a_command_joins_every_cgroup_before_it_runs(tmp_path):
    """The same process (its pid kept by exec) is written into each group, then runs the command."""
    groups = [tmp_path / "cpu", tmp_path / "memory"]
    for group in groups:
        group.mkdir()
    ran = subprocess.run(box.in_cgroups(groups, ["/bin/sh", "-c", "echo $$"]), capture_output=True, text=True,
                         check=True)
    assert [(group / "cgroup.procs").read_text() for group in groups] == [ran.stdout] * 2


def test_a_command_that_cannot_join_its_cgroup_does_not_run(tmp_path):
    ran = subprocess.run(box.in_cgroups([tmp_path / "missing"], ["/bin/echo", "ran"]), capture_output=True,
                         text=True)
    assert ran.returncode != 0 and "ran" not in ran.stdout
