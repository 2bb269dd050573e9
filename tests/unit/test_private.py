"""Folders only the course staff can read: made private from the start, closed where they were open."""

import grp
import os
import stat

import pytest

from tensor_gears import private
from tensor_gears.private import STAFF_GROUP, is_private, private_folder


def staff() -> int | None:
    try:
        return grp.getgrnam(STAFF_GROUP).gr_gid
    except KeyError:
        return None


def test_a_new_folder_and_its_missing_parents_are_the_staffs_alone(tmp_path):
    folder = private_folder(tmp_path / "build" / "sample_class")
    for made in (folder, folder.parent):
        info = made.stat()
        if staff() is not None:  # root, or a member of the group: the staff group may read
            assert stat.S_IMODE(info.st_mode) == 0o2750 and info.st_gid == staff()
        else:
            assert stat.S_IMODE(info.st_mode) == 0o700
        assert is_private(made)


def test_an_open_folder_is_closed_and_keeps_what_is_in_it(tmp_path):
    folder = tmp_path / "open"
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)
    (folder / "gradebook.db").write_text("grades")
    assert not is_private(folder)
    private_folder(folder)
    assert is_private(folder) and (folder / "gradebook.db").read_text() == "grades"


@pytest.mark.parametrize("mode, group_is_staff, closed", [
    (0o700, False, True), (0o750, True, True), (0o750, False, False), (0o701, False, False), (0o704, True, False),
])
def test_a_folder_is_private_when_only_its_owner_and_the_staff_can_enter(tmp_path, mode, group_is_staff, closed):
    if group_is_staff and staff() is None:
        pytest.fail(f"the group {STAFF_GROUP} is missing: `make setup` creates it")
    os.chown(tmp_path, -1, staff() if group_is_staff else 65534)
    os.chmod(tmp_path, mode)
    assert is_private(tmp_path) == closed


def test_the_staff_group_is_given_only_where_this_account_may(monkeypatch):
    if staff() is None:
        assert private.staff_gid() is None
    else:
        assert private.staff_gid() == staff()  # root may give files to any group
    monkeypatch.setattr(private, "STAFF_GROUP", "tensor-gears-no-such-group")
    assert private.staff_gid() is None
