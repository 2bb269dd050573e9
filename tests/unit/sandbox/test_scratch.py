"""The grader's scratch folders: private, named after their grader process, removed once it is gone;
a temporary folder too deep for a kernel's sockets is refused."""

import os
import tempfile

import pytest

from tensor_gears.errors import TemporaryFolderTooDeep
from tensor_gears.sandbox import scratch

DEAD = 99_999_999  # above the kernel's largest pid (4194304): no process has it


@pytest.fixture
def temporary(tmp_path, monkeypatch):
    """The temporary folder, for this test alone."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_a_scratch_folder_is_private_and_named_after_its_kind_and_process(temporary):
    folder = scratch.scratch_folder("child")
    assert folder.parent == temporary and folder.name.startswith(f"tensor-gears-child-{os.getpid()}-")
    assert folder.stat().st_mode & 0o777 == 0o700


def test_only_the_folders_of_grader_processes_that_are_gone_are_removed(temporary):
    gone = [temporary / f"tensor-gears-{kind}-{DEAD}-abc" for kind in scratch.KINDS]
    kept = [temporary / f"tensor-gears-kernel-{os.getpid()}-abc", temporary / f"tensor-gears-other-{DEAD}-abc",
            temporary / "tensor-gears-kernel-notapid-abc", temporary / f"unrelated-{DEAD}-abc"]
    for folder in gone + kept:
        folder.mkdir()
        (folder / "inside").write_text("x")
    assert scratch.remove_orphans() == len(gone)
    assert not any(folder.exists() for folder in gone) and all(folder.exists() for folder in kept)


def test_a_temporary_folder_too_deep_for_a_kernels_sockets_is_refused(monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", "/tmp")
    scratch.check_temporary_folder()
    room = scratch.SOCKET_PATH_BYTES - len(scratch.DEEPEST_SOCKET)
    monkeypatch.setattr(tempfile, "tempdir", "/" + "d" * (room - 1))
    scratch.check_temporary_folder()  # exactly at the limit
    monkeypatch.setattr(tempfile, "tempdir", "/" + "d" * room)
    with pytest.raises(TemporaryFolderTooDeep, match=f"set TMPDIR to a folder of at most {room} bytes"):
        scratch.check_temporary_folder()

