"""The box on a cgroup v2 machine (Debian's kernel in a VM, no systemd: the unified hierarchy only,
every controller in cgroup v2, none in v1), graded under attack with plain `nbgrader autograde` as
the unprivileged instructor, as the instructor in a cgroup subtree delegated to that account (as
systemd's Delegate=yes hands one to a unit), and as root. The VM is the one boot this test run shares
with test_platform_userns_restricted.py (tests/platforms.py): root grades there once, after
unprivileged user namespaces were refused, which its box does not use; checks in tests/platforms.py."""

import pytest

from .platforms import (account_report, check_cpu_hog_stopped, check_doctor, check_fork_bomb_refused, check_graded,
                        check_isolation, check_memory_bomb_contained, check_nothing_left, shared_vm_report)

PLATFORM = {"tg-instructor": "cgroup-v2", "tg-instructor:delegated": "cgroup-v2", "root": "userns-restricted"}


@pytest.fixture(scope="module")
def report(request):
    return shared_vm_report(request.config)


def found_for(report: dict, account: str) -> dict:
    return account_report(report["platforms"][PLATFORM[account]], account)


def test_the_machine_has_cgroup_v2_only(report):
    assert all(platform["cgroup2"] for platform in report["platforms"].values()), report["platforms"]


@pytest.mark.parametrize("account", PLATFORM)
def test_the_notebook_is_graded_with_its_hidden_checks(report, account):
    found = found_for(report, account)
    check_graded(found)
    print(f"cgroup v2, {account}: graded in {found['grading']['seconds']} s, the notebook's longest cell "
          f"{found['notebook']['longest_seconds']} s")


@pytest.mark.parametrize("account", PLATFORM)
def test_the_resource_attacks_are_contained_and_nothing_is_left(report, account):
    found = found_for(report, account)
    forks = check_fork_bomb_refused(found)
    memory = check_memory_bomb_contained(found)
    hog = check_cpu_hog_stopped(found)
    check_nothing_left(found)
    print(f"cgroup v2, {account}: fork bomb refused after {forks}; memory bomb: {memory}; CPU hog: {hog}")


def test_root_boxes_get_a_cgroup_v2_group_each_with_every_limit(report):
    found = found_for(report, "root")
    check_isolation(found, "root", "cgroups for CPU, memory, processes")
    check_doctor(found, 1, "cgroups: v2 (unified); each box gets groups for CPU, memory and processes",
                 "grading will use the root box")


def test_a_delegated_instructor_gets_the_same_groups_in_its_subtree(report):
    found = found_for(report, "tg-instructor:delegated")
    check_isolation(found, "rootless", "cgroups for CPU, memory, processes")
    check_doctor(found, 1, "cgroup v2 groups in /sys/fs/cgroup/tg-delegated/tensor-gears",
                 "grading will use the rootless box")


def test_an_instructor_without_delegation_is_capped_per_box_by_rlimits_and_told_how_to_fix_it(report):
    found = found_for(report, "tg-instructor")
    check_isolation(found, "rootless", "processes are capped at 256 per box by RLIMIT_NPROC",
                    "memory is capped per process", "Delegate=yes")
    check_doctor(found, 1, "weaker  cgroups: v2 (unified); a box's groups hold", "Delegate=yes",
                 "grading will use the rootless box")
