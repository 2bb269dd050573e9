"""Where the boxes' groups go on a cgroup v2 machine, tried on a hierarchy of plain folders: which
controllers are enabled for them, and why there is no place when there is none."""

import os

import pytest

from tensor_gears.sandbox import cgroup_v2


@pytest.fixture
def hierarchy(tmp_path, monkeypatch):
    """A cgroup v2 hierarchy's root as plain files (the machine's own is not touched)."""
    monkeypatch.setattr(cgroup_v2, "HIERARCHY", tmp_path)
    cgroup_v2.boxes_parent.cache_clear()
    yield tmp_path
    cgroup_v2.boxes_parent.cache_clear()


def test_a_hierarchy_is_unified_when_its_root_lists_controllers(hierarchy):
    assert not cgroup_v2.unified()
    assert cgroup_v2.boxes_parent() == (None, "not a cgroup v2 machine")
    (hierarchy / "cgroup.controllers").write_text("cpu memory pids\n")
    assert cgroup_v2.unified()


def test_the_boxes_go_below_the_root_with_the_controllers_it_offers(hierarchy):
    (hierarchy / "cgroup.controllers").write_text("cpuset cpu io memory hugetlb\n")
    parent, words = cgroup_v2.boxes_parent()
    assert parent == hierarchy / "tensor-gears" and words == f"cgroup v2 groups in {parent}"
    assert (hierarchy / "cgroup.subtree_control").read_text() == "+memory"
    assert (parent / "cgroup.subtree_control").read_text() == "+memory"


def test_a_root_that_cannot_hold_the_boxes_groups_says_why(hierarchy):
    (hierarchy / "cgroup.controllers").write_text("memory pids\n")
    (hierarchy / "tensor-gears").write_text("not a folder")
    parent, words = cgroup_v2.boxes_parent()
    assert parent is None and words.startswith(f"the cgroup {hierarchy} cannot hold the boxes' groups (")


def test_no_controller_wanted_changes_nothing(tmp_path):
    cgroup_v2.enable(tmp_path, [])
    assert not (tmp_path / "cgroup.subtree_control").exists()


def test_a_group_is_delegated_when_it_and_its_control_files_are_writable(tmp_path):
    (tmp_path / "cgroup.procs").write_text("")
    assert not cgroup_v2.delegated(tmp_path)
    (tmp_path / "cgroup.subtree_control").write_text("")
    assert cgroup_v2.delegated(tmp_path) == os.access(tmp_path / "cgroup.subtree_control", os.W_OK)


@pytest.mark.parametrize("attribute", ["trusted.delegate", "user.delegate"])
def test_systemds_delegation_mark_is_read_from_the_groups_attributes(tmp_path, attribute):
    assert not cgroup_v2.systemd_delegated(tmp_path)
    os.setxattr(tmp_path, attribute, b"1")
    assert cgroup_v2.systemd_delegated(tmp_path)


def test_this_processs_group_is_below_the_hierarchy():
    group = cgroup_v2.own_group()
    assert group == cgroup_v2.HIERARCHY or cgroup_v2.HIERARCHY in group.parents
