"""A user of its own per box: ids from a reserved range, each held by a lock for the box's life."""

import pytest

from tensor_gears.sandbox import box_users
from tensor_gears.sandbox.box_users import FIRST_ID, BoxUser, BoxUserUnavailable


@pytest.fixture
def locks(tmp_path, monkeypatch):
    """The lock files in a folder of the test's own (the real ones are in /run)."""
    folder = tmp_path / "box-users"
    monkeypatch.setattr(box_users, "LOCKS", folder)
    return folder


def test_boxes_alive_at_once_get_different_ids_from_the_range(locks):
    first, second = BoxUser(), BoxUser()
    try:
        assert first.ids != second.ids
        for user in (first, second):
            uid, gid = user.ids
            assert uid == gid and FIRST_ID <= uid < FIRST_ID + box_users.COUNT
            assert (locks / str(uid)).exists()
        assert locks.stat().st_mode & 0o777 == 0o700
    finally:
        first.release(), second.release()


def test_a_released_id_comes_free_again_and_a_full_range_is_refused(locks, monkeypatch):
    monkeypatch.setattr(box_users, "COUNT", 2)
    first, second = BoxUser(), BoxUser()
    with pytest.raises(BoxUserUnavailable, match="all 2 box users"):
        BoxUser()
    freed = first.ids
    first.release()
    first.release()  # twice is harmless
    third = BoxUser()
    assert third.ids == freed
    second.release(), third.release()


def test_ids_of_existing_accounts_are_never_taken():
    assert box_users.taken_by_an_account(0)
    assert not box_users.taken_by_an_account(FIRST_ID)
