"""A box's cgroups, in the parts that need no box: limits written into groups (plain folders here),
the groups of dead graders released, and the /proc readings the clock falls back on."""

import os
import subprocess
import sys
import time

from tensor_gears.sandbox import cgroup_v2, cgroups

DEAD = 99_999_999  # above the kernel's largest pid (4194304): no process has it


def test_limits_are_written_and_an_optional_one_may_be_missing(tmp_path):
    assert cgroups.set_limits(tmp_path, {"pids.max": 64}, {"missing/memory.swap.max": 0})
    assert (tmp_path / "pids.max").read_text() == "64"
    assert not cgroups.set_limits(tmp_path, {"missing/memory.max": 1})


def test_a_limited_group_is_made_below_tensor_gears_or_not_at_all(tmp_path):
    assert cgroups.limited(tmp_path / "absent", "box", {"pids.max": 8}) is None
    group = cgroups.limited(tmp_path, "box", {"pids.max": 8, "memory.memsw.limit_in_bytes": 1})
    assert group == tmp_path / "tensor-gears" / "box" and (group / "pids.max").read_text() == "8"
    assert cgroups.limited(tmp_path, "box", {"pids.max": 8}) is None  # it exists already
    assert cgroups.limited(tmp_path, "other", {"missing/pids.max": 8}) is None
    assert not (tmp_path / "tensor-gears" / "other").exists()


def test_removing_a_group_that_is_gone_is_harmless(tmp_path):
    cgroups.remove(tmp_path / "gone")
    (tmp_path / "empty").mkdir()
    cgroups.remove(tmp_path / "empty")
    assert not (tmp_path / "empty").exists()
    cgroups.kill_members(tmp_path / "gone")  # no cgroup.procs: nothing to kill


def test_only_the_groups_of_dead_graders_that_this_account_made_are_released(tmp_path, monkeypatch):
    monkeypatch.setattr(cgroups, "CGROUP_ROOTS", (tmp_path / "cpuacct",))
    monkeypatch.setattr(cgroups, "LIMIT_ROOTS", {"pids": tmp_path / "pids"})
    monkeypatch.setattr(cgroup_v2, "HIERARCHY", tmp_path / "not-v2")
    dead = [tmp_path / root / "tensor-gears" / f"{DEAD}-abc" for root in ("cpuacct", "pids")]
    alive = tmp_path / "cpuacct" / "tensor-gears" / f"{os.getpid()}-abc"
    unnamed = tmp_path / "pids" / "tensor-gears" / "manual"
    others = tmp_path / "pids" / "tensor-gears" / f"{DEAD}-theirs"
    for group in dead + [alive, unnamed, others]:
        group.mkdir(parents=True)
    os.chown(others, 65534, 65534)
    assert cgroups.release_orphans() == 1  # one box: its group in each hierarchy
    assert not any(group.exists() for group in dead)
    assert alive.exists() and unnamed.exists() and others.exists()


def test_a_group_is_owned_by_the_account_that_made_it(tmp_path):
    assert cgroups.owned(tmp_path) == (tmp_path.stat().st_uid == os.geteuid())
    assert not cgroups.owned(tmp_path / "gone")


def burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_the_fallback_clock_counts_this_processs_threads():
    before = cgroups.task_seconds(os.getpid())
    burn(0.05)
    assert cgroups.task_seconds(os.getpid()) - before >= 0.04
    assert "R" in cgroups.thread_states(os.getpid())


def test_the_fallback_clock_counts_reaped_children_and_descendants():
    before = cgroups.reaped_seconds(os.getpid())
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        assert sleeper.pid in cgroups.descendants(os.getpid())
    finally:
        sleeper.kill()
        sleeper.wait()
    subprocess.run([sys.executable, "-S", "-c", "import time\nend = time.process_time() + 0.2\n"
                    "while time.process_time() < end: pass"], check=True)
    assert cgroups.reaped_seconds(os.getpid()) - before >= 0.15
    assert cgroups.reaped_seconds(DEAD) == 0.0 and cgroups.task_seconds(DEAD) == 0.0



def test_processes_that_end_while_they_are_read_are_skipped():
    """A box's processes come and go while the clock reads /proc (a grandchild forked per call): a
    process gone between listing and reading counts for nothing, and never crashes the check."""
    churn = subprocess.Popen([sys.executable, "-S", "-c", "import os\nwhile True:\n    pid = os.fork()\n"
                              "    if pid == 0:\n        os._exit(0)\n    os.waitpid(pid, 0)"])
    try:
        end = time.monotonic() + 1
        while time.monotonic() < end:
            cgroups.thread_states(churn.pid)
            cgroups.task_seconds(churn.pid)
    finally:
        churn.kill()
        churn.wait()
    assert cgroups.task_files(DEAD, "stat") == []
