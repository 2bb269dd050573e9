"""The parts of the box that need no box: what it binds from the host, the folders it makes, how a
command joins its cgroups. (The box itself is tested for real in the integration tests.)"""

import os
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


# What stands in for bubblewrap here: it prints its own arguments, then the options it reads from
# the descriptor --args names.
FAKE_BWRAP = """#!/bin/sh
echo "argv: $*"
tr '\\0' '\\n' < /proc/self/fd/$2
"""


def test_bubblewrap_gets_its_options_from_a_file_and_only_the_command_is_shown(tmp_path, monkeypatch):
    """`ps` shows `bwrap --args N -- COMMAND`; the options (with spaces, quotes, newlines kept whole)
    are read from a descriptor the caller does not pass on, and the file is gone before bwrap runs."""
    (tmp_path / "bin").mkdir()
    fake = tmp_path / "bin" / "bwrap"
    fake.write_text(FAKE_BWRAP)
    fake.chmod(0o755)
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    options = ["--ro-bind", "/usr", "/usr", "--setenv", "A", "two words \"quoted\" $HOME", "--chdir", "/"]
    passed = os.pipe()
    try:
        ran = subprocess.run(box.bwrap(options, ["python", "-I", "run.py"]), capture_output=True, text=True,
                             pass_fds=passed, check=True)
    finally:
        for descriptor in passed:
            os.close(descriptor)
    argv, *read = ran.stdout.splitlines()
    descriptor = argv.split()[2]
    assert argv == f"argv: --args {descriptor} -- python -I run.py"
    assert int(descriptor) not in passed and int(descriptor) > 2
    assert read == options
    assert list((tmp_path / "tmp").iterdir()) == [], "the options file is left behind"
