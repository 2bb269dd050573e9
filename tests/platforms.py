"""The box on the platforms courses grade on, proven in VMs (tests/vm.py) and a container: the
course is prepared here, graded there under attack by each account (tests/vm_scenarios.py), and
the test modules (`test_platform_*.py`) read the report with the checks below.

What a check expects of a box, by the limits its report says held: a fork bomb refused before 600
processes (a pids cgroup, or RLIMIT_NPROC for the box's own user or user namespace); a memory bomb
that never gets its 10 GB and never brings the machine's own OOM killer (a memory cgroup, or
RLIMIT_DATA per process); a CPU hog stopped by the cell's time limit; no process, box cgroup or
scratch folder left afterwards; the clean student and the attacker both get the 15 points of a
correct 04 (the hidden checks ran); results.json and `tensor-gears doctor` say which box held.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

from . import vm
from .vm_scenarios import prepare

REPO = Path(__file__).resolve().parents[1]
POINTS = 15  # a correct 04
SCENARIOS = f"cd {REPO} && PYTHONDONTWRITEBYTECODE=1 {sys.executable} -m tests.vm_scenarios"


def graded_in_vm(folder: Path, accounts: tuple[str, ...], **machine) -> dict:
    """Boot one VM (`machine`: vm.boot's keywords), grade the prepared course there as each of
    `accounts`, and return the report, with the VM's cost in it."""
    course = prepare(folder / "course")
    share = folder / "share"
    run = vm.boot(f"{SCENARIOS} {course} {share / 'report.json'} {' '.join(accounts)}\n", share, **machine)
    report_path = share / "report.json"
    if not report_path.exists():
        raise vm.MachineFailed(f"the VM wrote no report (exit {run.returncode}): {run.output[-3000:]}")
    report = json.loads(report_path.read_text())
    report["cost"] = {"seconds": round(run.seconds, 1), "cpu_seconds": round(run.cpu_seconds, 1)}
    print(f"VM cost: {report['cost']}; per account: "
          + ", ".join(f"{name} {found.get('seconds')} s" for name, found in report["accounts"].items()))
    return report


def graded_in_container(folder: Path, accounts: tuple[str, ...], options: tuple[str, ...] = ()) -> dict:
    """The same in a Podman container of this machine's own root filesystem (an overlay: nothing
    written reaches it), with runc and Podman's default seccomp profile, plus `options`."""
    course = prepare(folder / "course")
    share = folder / "share"
    share.mkdir()
    command = ["podman", "--runtime", "runc", "run", "--rm", "--network=none", "--ulimit", "nofile=1024:1024",
               "--ulimit", "nproc=4096:4096", "--tmpfs", "/tmp:mode=1777,notmpcopyup", "-v", f"{folder}:{folder}",
               *options, "--rootfs", "/:O", "sh", "-c", f"{SCENARIOS} {course} {share / 'report.json'} "
                                                        f"{' '.join(accounts)}"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=1200)
    report_path = share / "report.json"
    assert report_path.exists(), f"the container wrote no report (exit {run.returncode}): {run.stderr[-3000:]}"
    return json.loads(report_path.read_text())


def account_report(report: dict, account: str) -> dict:
    found = report["accounts"][account]
    assert "error" not in found, found["error"]
    return found


def check_graded(found: dict) -> None:
    """Grading finished, and both students got a correct 04's points from the hidden checks."""
    assert found["grading"]["returncode"] == 0, found["grading"]["log"]
    assert found["points"] == {"a_clean": POINTS, "k_attacker": POINTS}, found["points"]


def check_fork_bomb_refused(found: dict) -> int:
    said = found["attacks"]["forks"]
    refused = re.search(r"FORK REFUSED AFTER (\d+)", said)
    assert refused, said
    assert int(refused.group(1)) < 300, said  # 256 processes and threads per box, the kernel's among them
    return int(refused.group(1))


def check_memory_bomb_contained(found: dict) -> str:
    """Never granted its 10 GB; stopped by RLIMIT_DATA (MemoryError) or the box's memory cgroup, never the machine's."""
    said = found["attacks"].get("memory", "")
    assert "MEMORY GRANTED" not in said, said
    machine_wide = [line for line in found["oom"] if "Out of memory: Killed" in line and "cgroup" not in line.lower()]
    assert machine_wide == [], found["oom"]
    return said.strip() or "the kernel was killed (" + "; ".join(found["oom"][-1:]) + ")"


def check_cpu_hog_stopped(found: dict) -> None:
    said = found["attacks"].get("cpu_hog", "")
    assert "Timeout" in said or "timed out" in said or "KeyboardInterrupt" in said or "Interrupt" in said, said


def check_nothing_left(found: dict) -> None:
    assert found["left"] == {"processes": [], "cgroups": [], "scratch": []}, found["left"]


def check_isolation(found: dict, mode: str, *held: str) -> str:
    isolation = found["isolation"]
    assert isolation["isolation_mode"] == mode, isolation
    for words in held:
        assert words in isolation["isolation"], isolation["isolation"]
    return isolation["isolation"]


def check_doctor(found: dict, status: int, *said: str) -> None:
    doctor = found["doctor"]
    assert doctor["returncode"] == status, doctor["output"]
    for words in said:
        assert words in doctor["output"], doctor["output"]
