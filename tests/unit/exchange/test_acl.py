"""tensor_gears.exchange.acl: a page its owner reads and writes, one named account reads, nobody else."""

import os
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from tensor_gears.exchange.acl import AclUnsupported, named_readers, readable_by

from .conftest import account


def can_read(path: Path, name: str) -> bool:
    """Whether the account `name` can open `path` for reading (the kernel decides, with the ACL)."""
    who = account(name)
    command = ["setpriv", f"--reuid={who.pw_uid}", f"--regid={who.pw_gid}", "--init-groups", "--",
               "head", "-c", "1", str(path)]
    return subprocess.run(command, capture_output=True).returncode == 0


@pytest.fixture
def page():
    """A file in a folder every account may enter (but not list), as the exchange's feedback folder."""
    if os.geteuid() != 0:
        pytest.skip("reading as other accounts needs root")
    with tempfile.TemporaryDirectory(prefix="tg-unit-acl-") as folder:
        os.chmod(folder, 0o711)
        path = Path(folder) / "page.html"
        path.write_text("feedback")
        os.chmod(path, 0o600)
        yield path


def test_the_named_account_reads_the_page_and_another_does_not(page):
    with open(page, "rb+") as handle:
        readable_by(handle.fileno(), account("tg-ada").pw_uid)
    assert can_read(page, "tg-ada")
    assert not can_read(page, "tg-bo")


def test_the_acl_names_one_reader_and_the_mode_opens_nothing_to_group_or_others(page):
    with open(page, "rb+") as handle:
        readable_by(handle.fileno(), 4321)  # any uid: an account need not exist to be named
    assert named_readers(str(page)) == [4321]
    assert stat.S_IMODE(page.stat().st_mode) == 0o640  # the group bits are the ACL's mask: r for the named one
    assert not can_read(page, "tg-bo")


def test_a_file_without_an_acl_names_no_reader(tmp_path):
    (tmp_path / "plain").write_text("x")
    assert named_readers(str(tmp_path / "plain")) == []


def test_a_filesystem_without_acls_is_said_so():
    with open("/proc/self/status", "rb") as handle:
        with pytest.raises(AclUnsupported, match="keeps no POSIX ACLs"):
            readable_by(handle.fileno(), 1)
