"""tensor_gears.nbgrader_glue.special_files: a submission holds plain files and folders only; links, devices,
pipes and sockets are removed (a notebook among them becomes an unreadable file) before nbgrader copies it."""

import contextlib
import logging
import os
import socket
import stat
from pathlib import Path

import pytest

from tensor_gears.nbgrader_glue.special_files import REFUSED, refuse_in, refuse_special_files, special_kind


@pytest.fixture
def submission(tmp_path):
    folder = tmp_path / "submitted" / "ada" / "tensor_ops"
    (folder / "data").mkdir(parents=True)
    (folder / "02_broadcasting.ipynb").write_text("{}")
    (folder / "01_elementwise.ipynb").symlink_to("/etc/shadow")
    (folder / "data" / "link").symlink_to(folder / "02_broadcasting.ipynb")
    os.mkfifo(folder / "03_tensor_product.ipynb")
    with socket.socket(socket.AF_UNIX) as listening, contextlib.chdir(folder / "data"):
        listening.bind("socket")  # by name: the whole path may pass AF_UNIX's 107 bytes (pytest-xdist's folders)
    if os.geteuid() == 0:
        os.mknod(folder / "04_reshaping.ipynb", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    return folder


def test_each_kind_of_special_file_is_named():
    assert special_kind(Path("/dev/null")) == "device"
    assert special_kind(Path("/")) is None


def test_special_files_are_removed_and_special_notebooks_become_a_file_saying_why(submission, caplog):
    with caplog.at_level(logging.ERROR, logger="tensor_gears"):
        refuse_special_files("tensor_ops", "ada", [str(submission / "02_broadcasting.ipynb")])
    assert (submission / "01_elementwise.ipynb").read_text() == REFUSED.format("symbolic link")
    assert (submission / "03_tensor_product.ipynb").read_text() == REFUSED.format("pipe")
    assert not (submission / "data" / "link").exists() and not (submission / "data" / "link").is_symlink()
    assert not (submission / "data" / "socket").exists()
    assert (submission / "02_broadcasting.ipynb").read_text() == "{}"
    if os.geteuid() == 0:
        assert (submission / "04_reshaping.ipynb").read_text() == REFUSED.format("device")
    assert all(special_kind(path) is None for path in submission.rglob("*"))
    assert "ada: the submitted 01_elementwise.ipynb is a symbolic link; it was refused, not followed" in caplog.text
    assert "ada: the submitted data/socket is a socket" in caplog.text


def test_the_target_of_a_refused_link_is_untouched(submission, tmp_path):
    target = tmp_path / "graders_file"
    target.write_text("keep me")
    (submission / "05_gradient_tape.ipynb").symlink_to(target)
    refuse_in(submission)
    assert target.read_text() == "keep me"
    assert (submission / "05_gradient_tape.ipynb").read_text() == REFUSED.format("symbolic link")
