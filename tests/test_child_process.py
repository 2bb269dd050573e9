"""The child that runs student code: limits hold, failures are contained, results are plain data."""

import socket

import numpy as np
import pytest

from tensor_gears.errors import CheckFailed, ChildError, ChildTimeout
from tensor_gears.sandbox import box
from tensor_gears.sandbox.process import Child
from tensor_gears.student_code import Other, StudentCode, View, decode_result
from tensor_gears.submission import Submission

from .conftest import REPO

CODE = """
import numpy as np
def relu(x):
    return np.maximum(x, 0)
def spin(x):
    while True:
        pass
def leave(x):
    import os
    os._exit(3)
def hoard(x):
    return np.ones((10**6, 10**6))
class Liar(np.ndarray):
    def __eq__(self, other):
        return True
def lie(x):
    return np.zeros(3).view(Liar)
def objects(x):
    return np.array([object()])
def cwd(x):
    import os
    return os.getcwd()
def probe(path, port):
    import os, socket, sys
    def fails(action):
        try:
            action()
        except OSError:
            return True
        return False
    connect = lambda: socket.create_connection(("127.0.0.1", port), timeout=2)
    pth = os.path.join(sys.path[-1], "evil.pth")
    return (os.getuid(), os.getcwd(), fails(lambda: open(path).read()), fails(lambda: open(pth, "w")),
            fails(connect), os.getppid(), sorted(os.environ))
"""


@pytest.fixture
def student():
    code = StudentCode(Submission.from_source(CODE))
    yield code
    code.close()


def test_a_call_returns_validated_plain_data(student):
    x = np.arange(-3.0, 3.0).reshape(2, 3)
    outcome = student.call("relu", View(x, ["T"]))
    assert type(outcome.value) is np.ndarray and outcome.value.shape == (3, 2)
    assert np.array_equal(outcome.value, np.maximum(x.T, 0))
    assert np.array_equal(outcome.args_after[0], x.T)


def test_lying_and_object_results_do_not_pass_as_arrays(student):
    assert isinstance(student.call("lie", 1).value, Other)
    assert isinstance(student.call("objects", 1).value, Other)


def test_pickles_are_refused():
    with pytest.raises(ValueError):
        decode_result({"kind": "ndarray", "blob": 0}, [np.array([object()]).dumps()])


def test_hangs_crashes_and_memory_bombs_cost_only_the_call(student):
    with pytest.raises(CheckFailed, match="did not finish within 10 s"):
        student.call("spin", 1)
    with pytest.raises(CheckFailed, match="exited with status 3"):
        student.call("leave", 1)
    assert student.call("hoard", 1).raised.endswith("MemoryError")
    assert student.call("relu", np.array([-1.0])).value.tolist() == [0.0]


def test_the_child_runs_in_the_box(student, tmp_path):
    """Its own user and folder, nothing of the course, no write to the environment, no
    network, no view of the grader's processes, an environment built from nothing."""
    secret_file = REPO / "README.md"
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        uid, folder, unreadable, unwritable, offline, parent, env = student.call(
            "probe", str(secret_file), listener.getsockname()[1]).value
        with pytest.raises(TimeoutError):
            listener.accept()
    assert uid != 0 and folder == box.WORK
    assert unreadable and unwritable and offline
    assert parent in (0, 1)
    assert not any("SECRET" in name or "NBGRADER" in name for name in env)


def test_a_cpu_budget_stops_the_call():
    with Child() as child:
        child.request({"op": "load", "statements": Submission.from_source(CODE).wire()})
        with pytest.raises(ChildTimeout):
            child.request({"op": "call", "function": "spin", "args": [{"kind": "python", "value": 1}]}, cpu_limit=0.3)
    with Child() as child:
        child.request({"op": "load", "statements": Submission.from_source(CODE).wire()})
        with pytest.raises(ChildError):
            child.request({"op": "call", "function": "relu", "args": [{"kind": "ndarray", "blob": 0}]}, [b"not npy"])


def test_the_box_names_its_check_child_and_the_tests_find_it_by_that_name(student):
    """The leftover checks of the suite look for check children by the name the harness gives
    itself (tests/processes.py): a running child must be found, cold or forked."""
    from tensor_gears.sandbox.cgroups import descendants

    from .processes import attached_to_a_grader, running_harnesses

    student.call("relu", np.ones(3))
    child = student.child("relu")
    mine = [pid for pid in descendants(child.process.pid) if pid in running_harnesses()]
    assert len(mine) == 1 and attached_to_a_grader(mine[0])


FORGER = """
import json, os, struct
def forge(x):
    body = {body}
    for fd in range(3, 12):
        try:
            os.write(fd, struct.pack(">Q", len(body)) + body)
        except OSError:
            pass
    return 7
"""


def forged_reply_fails(body: str, match: str) -> None:
    """`forge`, which writes the frame `body` (an expression) to every pipe it may hold, fails its call with `match`."""
    code = StudentCode(Submission.from_source(FORGER.format(body=body)))
    try:
        with pytest.raises(CheckFailed, match=match):
            code.call("forge", 1)
    finally:
        code.close()


def test_a_truncated_reply_is_refused_as_unreadable():
    """A frame the student's code writes that counts more parts than it holds is the child's fault, not the
    grader's: the call fails as an unreadable reply (it crashed the check with struct.error before)."""
    forged_reply_fails('struct.pack(">I", 2) + struct.pack(">Q", 2) + b"{}"', "unreadable reply")


def test_a_reply_without_the_requests_nonce_is_refused():
    """A frame the student's code writes to the grader's pipe itself (it cannot know the nonce) is
    taken for what it is, and the child is stopped."""
    header = 'json.dumps({"status": "returned", "result": {"kind": "python", "type": "int", "value": 7}}).encode()'
    forged_reply_fails(f"struct.pack('>I', 1) + struct.pack('>Q', len({header})) + {header}",
                       "a reply the grader did not ask for")
