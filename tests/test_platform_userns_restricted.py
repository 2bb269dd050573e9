"""The box where unprivileged user namespaces are refused: Debian's kernel in a VM with
`user.max_user_namespaces=0` (Debian's kernel lacks Ubuntu's AppArmor restriction of them,
`kernel.apparmor_restrict_unprivileged_userns`, so the restriction's effect is reproduced by the
setting that refuses them outright), after the cgroup v2 platform in the same boot (this test
run's one VM, tests/platforms.py). Root grades in its box under attack (it needs no user
namespace); the unprivileged instructor's grading refuses, naming the setting, and
`tensor-gears doctor` says so for both; checks in tests/platforms.py."""

import pytest

from .platforms import (account_report, check_cpu_hog_stopped, check_doctor, check_fork_bomb_refused, check_graded,
                        check_isolation, check_memory_bomb_contained, check_nothing_left, shared_vm_report)


@pytest.fixture(scope="module")
def report(request):
    return shared_vm_report(request.config)["platforms"]["userns-restricted"]


def test_the_machine_refuses_user_namespaces(report):
    assert report["settings"] == {"user.max_user_namespaces": "0"}, report["settings"]


def test_root_grades_in_its_box_and_the_attacks_are_contained(report):
    found = account_report(report, "root")
    check_graded(found)
    forks = check_fork_bomb_refused(found)
    memory = check_memory_bomb_contained(found)
    hog = check_cpu_hog_stopped(found)
    check_nothing_left(found)
    check_isolation(found, "root", "cgroups for CPU, memory, processes")
    print(f"user namespaces refused, root: graded in {found['grading']['seconds']} s; fork bomb refused after {forks}; "
          f"memory bomb: {memory}; CPU hog: {hog}")


def test_root_doctor_says_unprivileged_graders_are_refused_and_why(report):
    check_doctor(account_report(report, "root"), 1, "weaker  unprivileged graders",
                 "user.max_user_namespaces=0", "grading will use the root box")


def test_the_instructor_is_refused_with_the_setting_to_change_and_nothing_is_left(report):
    found = account_report(report, "tg-instructor")
    assert found["grading"]["returncode"] != 0
    assert "the grader is not root and this machine refuses unprivileged user namespaces" in found["grading"]["log"]
    assert "user.max_user_namespaces=0" in found["grading"]["log"]
    assert found["points"] == 0 or "not graded" in str(found["points"]), found["points"]
    check_nothing_left(found)
    check_doctor(found, 2, "refused  box", "user.max_user_namespaces=0", "grading refuses here")
