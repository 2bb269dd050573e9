"""The box on a cgroup v2 machine (Debian's kernel in a VM, systemd's unified hierarchy only: every
controller in cgroup v2, none in v1), graded under attack with plain `nbgrader autograde` as root,
as the unprivileged instructor, and as the instructor in a cgroup subtree delegated to that
account (as systemd's Delegate=yes hands one to a unit); checks in tests/platforms.py."""

import pytest

from .platforms import (account_report, check_cpu_hog_stopped, check_doctor, check_fork_bomb_refused, check_graded,
                        check_isolation, check_memory_bomb_contained, check_nothing_left, graded_in_vm)

ACCOUNTS = ("root", "tg-instructor", "tg-instructor:delegated")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return graded_in_vm(tmp_path_factory.mktemp("cgroup-v2"), ACCOUNTS)


def test_the_machine_has_cgroup_v2_only(report):
    assert report["cgroup2"], report


@pytest.mark.parametrize("account", ACCOUNTS)
def test_the_clean_student_and_the_attacker_are_graded_with_the_hidden_checks(report, account):
    check_graded(account_report(report, account))


@pytest.mark.parametrize("account", ACCOUNTS)
def test_the_resource_attacks_are_contained_and_nothing_is_left(report, account):
    found = account_report(report, account)
    forks = check_fork_bomb_refused(found)
    memory = check_memory_bomb_contained(found)
    check_cpu_hog_stopped(found)
    check_nothing_left(found)
    print(f"{account}: fork bomb refused after {forks}; memory bomb: {memory}")


def test_root_boxes_get_a_cgroup_v2_group_each_with_every_limit(report):
    found = account_report(report, "root")
    check_isolation(found, "root", "cgroups for CPU, memory, processes")
    check_doctor(found, 1, "cgroups: v2 (unified); each box gets groups for CPU, memory and processes",
                 "grading will use the root box")


def test_a_delegated_instructor_gets_the_same_groups_in_its_subtree(report):
    found = account_report(report, "tg-instructor:delegated")
    check_isolation(found, "rootless", "cgroups for CPU, memory, processes")
    check_doctor(found, 1, "cgroup v2 groups in /sys/fs/cgroup/tg-delegated/tensor-gears",
                 "grading will use the rootless box")


def test_an_instructor_without_delegation_is_capped_per_box_by_rlimits_and_told_how_to_fix_it(report):
    found = account_report(report, "tg-instructor")
    check_isolation(found, "rootless", "processes are capped at 256 per box by RLIMIT_NPROC",
                    "memory is capped per process", "Delegate=yes")
    check_doctor(found, 1, "weaker  cgroups: v2 (unified); a box's groups hold nothing", "Delegate=yes",
                 "grading will use the rootless box")
