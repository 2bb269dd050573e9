"""The box in a container: Podman (runc) running this machine's own root filesystem (an overlay:
no image is downloaded, nothing written reaches the machine) with the runtime's default seccomp
profile and its masked /proc, as a default Kubernetes pod has them. There the box cannot be built:
grading refuses, for root and for the instructor, saying what the container needs, and so does
`tensor-gears doctor`. With /proc unmasked (Podman's systempaths=unconfined; Kubernetes'
procMount: Unmasked) and the default seccomp profile kept, the instructor grades in the rootless
box under attack; checks in tests/platforms.py."""

import pytest

from .platforms import (account_report, check_cpu_hog_stopped, check_doctor, check_fork_bomb_refused, check_graded,
                        check_isolation, check_memory_bomb_contained, check_nothing_left, graded_in_container)

UNMASKED = ("--security-opt", "systempaths=unconfined")


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return graded_in_container(tmp_path_factory.mktemp("container"), ("root", "tg-instructor"))


@pytest.fixture(scope="module")
def unmasked(tmp_path_factory):
    return graded_in_container(tmp_path_factory.mktemp("container-unmasked"), ("tg-instructor",), UNMASKED)


@pytest.mark.parametrize("account", ("root", "tg-instructor"))
def test_a_default_container_refuses_to_grade_saying_what_it_needs(default, account):
    found = account_report(default, account)
    assert found["grading"]["returncode"] != 0
    assert "cannot run student code safely" in found["grading"]["log"], found["grading"]["log"]
    assert "in a container the box needs an unmasked /proc" in found["grading"]["log"], found["grading"]["log"]
    check_nothing_left(found)
    check_doctor(found, 2, "refused  box", "procMount: Unmasked", "grading refuses here")


def test_with_proc_unmasked_the_instructor_grades_in_the_rootless_box_under_attack(unmasked):
    found = account_report(unmasked, "tg-instructor")
    check_graded(found)
    forks = check_fork_bomb_refused(found)
    memory = check_memory_bomb_contained(found)
    check_cpu_hog_stopped(found)
    check_nothing_left(found)
    check_isolation(found, "rootless", "processes are capped at 256 per box by RLIMIT_NPROC",
                    "memory is capped per process")
    check_doctor(found, 1, "ok  box", "grading will use the rootless box")
    print(f"container, tg-instructor: fork bomb refused after {forks}; memory bomb: {memory}")
