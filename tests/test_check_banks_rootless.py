"""The hidden checks give the same verdicts in the rootless box: the check banks
(test_check_banks.py) run again as the unprivileged instructor account, where the box has no
cgroups of its own and times work another way. Every correct variant keeps full marks (every
function's checks, TensorFlow's included), and every buggy and adversarial variant of the two timed functions
fails exactly the checks it names. The other buggy variants fail on values, which no box
changes: they run as root only."""

import sys

from tensor_gears.contract import TASKS
from tensor_gears.secret import ALLOW_DEFAULT

from .accounts import INSTRUCTOR, as_account, login_environment, owned_folder, remove
from .conftest import REPO

TIMED = [task.name for task in TASKS if dict(task.aspects).get("timing")]  # the functions with a timing check


def test_the_check_banks_pass_in_the_rootless_box():
    folder = owned_folder(INSTRUCTOR, "banks")
    try:
        # The public default secret, as the root run has: the banks' random inputs are the same.
        environment = login_environment(INSTRUCTOR, PYTHONDONTWRITEBYTECODE="1", TENSOR_GEARS_SECRET_FILE=str(
            folder / "no-secret"), TENSOR_GEARS_BANK_STUDENTS="1", **{ALLOW_DEFAULT: "1"})
        isolation = as_account(INSTRUCTOR, [sys.executable, "-c", "from tensor_gears.sandbox.launch import "
                                            "isolation; print(isolation())"], env=environment)
        assert isolation.stdout.strip() == "rootless", isolation.stderr
        # Each variant as one student: that a mistake fails the same checks for every student is shown as root.
        run = as_account(INSTRUCTOR, [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist",
                                      f"--basetemp={folder}/tmp", "-k", f"correct_variant or {' or '.join(TIMED)}",
                                      "tests/test_check_banks.py"], cwd=REPO, env=environment)
        assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
        assert " passed" in run.stdout and " failed" not in run.stdout
    finally:
        remove(folder)
