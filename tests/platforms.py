"""The box on the platforms courses grade on, proven in a VM (tests/vm.py) and a container: the
course is prepared here, graded there under attack by each account (tests/vm_scenarios.py), and
the test modules (`test_platform_*.py`) read the report with the checks below. The VM modules
share one boot per test run (`shared_vm_report`): cgroup v2 with user namespaces open for the
instructor's two cases, then with `user.max_user_namespaces=0` for root and the instructor.

What a check expects of a box, by the limits its report says held: a fork bomb refused before 600
processes (a pids cgroup, or RLIMIT_NPROC for the box's own user or user namespace); a memory bomb
that never gets its 10 GB and never brings the machine's own OOM killer (a memory cgroup, or
RLIMIT_DATA per process); a CPU hog stopped by the cell's time limit; no process, box cgroup or
scratch folder left afterwards; the notebook's own cells all run in its kernel, without an error,
and the attacker gets the 15 points of a correct 04 from the hidden checks; results.json and
`tensor-gears doctor` say which box held.
"""

import fcntl
import json
import re
import subprocess
import sys
from pathlib import Path

from . import vm
from .conftest import shared_folder
from .vm_scenarios import prepare

REPO = Path(__file__).resolve().parents[1]
POINTS = 15  # a correct 04
SCENARIOS = f"cd {REPO} && PYTHONDONTWRITEBYTECODE=1 {sys.executable} -m tests.vm_scenarios"
# The platforms of the one VM boot a test run shares, in order (the restriction stays once made). Root grades
# once, on cgroup v2 with user namespaces refused: its box makes none, so that run proves both platforms for it.
VM_PLATFORMS = {"cgroup-v2": ("tg-instructor", "tg-instructor:delegated"),
                "userns-restricted": ("root", "tg-instructor")}


def graded_in_vm(folder: Path, platforms: dict[str, tuple[str, ...]], **machine) -> dict:
    """Boot one VM (`machine`: vm.boot's keywords; the project's environment on a disk image), grade
    the prepared course there on each platform in turn (vm_scenarios.py) as each of its accounts,
    and return the report, with what the VM cost."""
    course = prepare(folder / "course")
    share = folder / "share"
    specs = " ".join(f"{name}={','.join(accounts)}" for name, accounts in platforms.items())
    run = vm.boot(f"{SCENARIOS} {course} {share / 'report.json'} {specs}\n", share, images=(REPO / ".venv",),
                  **machine)
    report_path = share / "report.json"
    if not report_path.exists():
        raise vm.MachineFailed(f"the VM wrote no report (exit {run.returncode}): {run.output[-3000:]}")
    report = json.loads(report_path.read_text())
    report["cost"] = {"seconds": round(run.seconds, 1), "cpu_seconds": round(run.cpu_seconds, 1),
                      "image_seconds": round(run.image_seconds, 1), "boot_seconds": report["started_at_uptime"]}
    return report


def shared_vm_report(config) -> dict:
    """The report of the one VM of this test run (VM_PLATFORMS, in that order): the first module
    that asks boots it, under a lock in the run's shared folder; the others read its report, or
    fail with its reason. It prints what the VM and each account cost."""
    shared = shared_folder(config)
    done, failed = shared / "vm-report.json", shared / "vm-failed.txt"
    with open(shared / "vm.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists() and not failed.exists():
            try:
                done.write_text(json.dumps(graded_in_vm(shared / "vm", VM_PLATFORMS)))
            except vm.MachineFailed as error:
                failed.write_text(str(error))
    if failed.exists():
        raise vm.MachineFailed(failed.read_text())
    report = json.loads(done.read_text())
    print(f"VM (kernel {report['kernel']}): {report['cost']}; "
          + "; ".join(f"{platform} {name}: {found.get('seconds')} s, {found.get('cpu_seconds')} CPU-s"
                      for platform, said in report["platforms"].items() for name, found in said["accounts"].items()))
    return report


def graded_in_container(folder: Path, accounts: tuple[str, ...], options: tuple[str, ...] = ()) -> dict:
    """The same in a Podman container of this machine's own root filesystem (an overlay: nothing
    written reaches it), with runc and Podman's default seccomp profile, plus `options`."""
    course = prepare(folder / "course")
    share = folder / "share"
    share.mkdir()
    command = ["podman", "--runtime", "runc", "run", "--rm", "--network=none", "--ulimit", "nofile=1024:1024",
               "--ulimit", "nproc=4096:4096", "--tmpfs", "/tmp:mode=1777,notmpcopyup", "-v", f"{folder}:{folder}",
               "-v", f"{REPO}:{REPO}:ro",  # the checkout, also where the container's own /tmp would hide it
               *options, "--rootfs", "/:O", "sh", "-c", f"{SCENARIOS} {course} {share / 'report.json'} "
                                                        f"container={','.join(accounts)}"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=1200)
    report_path = share / "report.json"
    assert report_path.exists(), f"the container wrote no report (exit {run.returncode}): {run.stderr[-3000:]}"
    return json.loads(report_path.read_text())["platforms"]["container"]


def account_report(report: dict, account: str) -> dict:
    found = report["accounts"][account]
    assert "error" not in found, found["error"]
    return found


def check_graded(found: dict) -> None:
    """Grading finished, the notebook's own cells all ran in its kernel without an error, and the
    attacker got a correct 04's points from the hidden checks."""
    assert found["grading"]["returncode"] == 0, found["grading"]["log"]
    ran = found["notebook"]
    assert ran["executed"] == ran["cells"] > 0 and ran["errors"] == [], (ran, found["grading"]["log"])
    assert found["points"] == POINTS, found["points"]


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


def check_cpu_hog_stopped(found: dict) -> str:
    said = found["attacks"].get("cpu_hog", "")
    assert "Timeout" in said or "timed out" in said or "KeyboardInterrupt" in said or "Interrupt" in said, said
    return said.strip().splitlines()[-1][:120]


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
