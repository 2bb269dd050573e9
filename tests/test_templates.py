"""Kernels and check children forked from templates are as fresh and as boxed as cold starts,
as root and as the unprivileged instructor (rootless box): one after another, each is the
only process it can see, has no capability, no descriptor of the template's, the box's user,
writes only its own /tmp and working folder, finds nothing an earlier one left there, draws
other random numbers, and TensorFlow and Matplotlib work in it. A template that dies is
replaced by a cold start; one with a second thread refuses to fork."""

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from tensor_gears.sandbox import box
from tensor_gears.sandbox.inside import forkserver
from tensor_gears.sandbox.inside.protocol import HARNESS_NAME, KERNEL_NAME

from .accounts import INSTRUCTOR, as_account, give, login_environment, owned_folder, remove

LOOK = r'''
import json, os
import tensorflow as tf
def look():
    """What this process sees, then a trace left for whoever comes next."""
    status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
    writable = []
    for folder in ["/", "/dev", "/dev/shm", "/etc", "/sandbox", "/tmp", "/sandbox/work"]:
        try:
            open(os.path.join(folder, "probe"), "w").close()
            os.unlink(os.path.join(folder, "probe"))
            writable.append(folder)
        except OSError:
            pass
    descriptors = os.listdir("/proc/self/fd")
    facts = {
        "pid": os.getpid(), "uid": os.getuid(), "name": open("/proc/self/comm").read().strip(),
        "others": [p for p in os.listdir("/proc")
                   if p.isdigit() and int(p) != os.getpid() and not os.path.exists(f"/proc/self/task/{p}")],
        "tmp": sorted(name.rsplit("-", 2)[0] for name in os.listdir("/tmp")),
        "capabilities": sorted({status[key].strip() for key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}),
        "no_new_privs": status["NoNewPrivs"].strip(),
        "descriptors": sorted(os.readlink(f"/proc/self/fd/{fd}").split(":")[0] for fd in descriptors
                              if os.path.exists(f"/proc/self/fd/{fd}")),
        "writable": writable,
        "traces": [path for path in ["/tmp/trace", "/sandbox/work/trace"] if os.path.exists(path)],
        "random": __import__("numpy").random.random(),
        "tensorflow": float(tf.reduce_sum([1.0, 2.0])),  # a canary op: TensorFlow, imported before the fork, works
    }
    for path in ["/tmp/trace", "/sandbox/work/trace"]:
        open(path, "w").write("an earlier child was here")
    return json.dumps(facts)
'''
PROBE = r'''
import json, logging, sys
import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from tensor_gears.core.execution import ContainedExecution
from tensor_gears.sandbox import templates
from tensor_gears.student_code import StudentCode
from tensor_gears.submission import Submission

LOOK = sys.argv[1]
seen = {"children": [], "kernels": [], "started": [], "kinds": [], "warnings": []}
class Warnings(logging.Handler):
    def emit(self, record):
        seen["warnings"].append(record.getMessage())
logging.getLogger("tensor_gears").addHandler(Warnings(logging.WARNING))
def student_child(source, function):
    """A check child loaded with `source` as the grader starts one; (its result of `function`, how it started)."""
    code = StudentCode(Submission.from_source(source))
    try:
        child = code.child(function)
        reply, _ = child.request({"op": "call", "function": function, "args": []}, timeout=60)
        return reply["result"]["value"], type(child.process).__name__, child.template and child.template.kind
    finally:
        code.close()
for _ in range(2):
    value, started, kind = student_child(LOOK, "look")
    seen["children"].append(json.loads(value))
    seen["started"].append(started)
    seen["kinds"].append(kind)
for _ in range(2):
    nb = new_notebook(cells=[new_code_cell(LOOK + "\nprint(look())"),
                             new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()")])
    ContainedExecution(timeout=120).preprocess(nb, {"metadata": {"path": "."}})
    seen["kernels"].append({**json.loads(nb.cells[0].outputs[0]["text"]),
                            "figure": any("image/png" in out.get("data", {}) for out in nb.cells[1].outputs)})
seen["idle"] = sorted(kind for kind, idle in templates.POOL.idle.items() if idle)
# Code that does not import TensorFlow: its child and kernel come from templates without it.
NO_TENSORFLOW = ("import sys\ndef imported():\n"
                 "    return ' '.join(m for m in ('numpy', 'tensorflow') if m in sys.modules)\n")
value, _, kind = student_child(NO_TENSORFLOW, "imported")
seen["imported"] = {"child": value, "child_kind": kind}
nb = new_notebook(cells=[new_code_cell(NO_TENSORFLOW + "print(imported())")])
ContainedExecution(timeout=120).preprocess(nb, {"metadata": {"path": "."}})
seen["imported"]["kernel"] = nb.cells[0].outputs[0]["text"].strip()
seen["idle_after"] = sorted(kind for kind, idle in templates.POOL.idle.items() if idle)
# A template that died while idle: the next child starts cold, the one after from a new template.
template = templates.POOL.lease("checks", tensorflow=True)
template.process.kill()
template.process.wait()
templates.POOL.idle["checks+tensorflow"].append(template)
for _ in range(2):
    seen["started"].append(student_child(LOOK, "look")[1])
print(json.dumps(seen))
'''


def probed(account: str | None) -> dict:
    """What the probe saw, run by `account` (None: root)."""
    argv = [sys.executable, "-c", PROBE, LOOK]
    if account is None:
        done = subprocess.run(argv, capture_output=True, text=True, cwd="/tmp")
    else:
        folder = owned_folder(account, "templates")
        try:
            done = as_account(account, argv, cwd=folder, env=login_environment(account))
        finally:
            remove(folder)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module", params=["root", "rootless"])
def seen(request):
    return probed(None if request.param == "root" else INSTRUCTOR), request.param


def test_children_and_kernels_come_from_templates(seen):
    facts, _ = seen
    # the one killed below, no other
    warned = [warning.split(" (")[0] for warning in facts["warnings"]]
    assert warned == ["check child starts cold: the template stopped"]
    assert facts["started"][:2] == ["Forked", "Forked"]
    # Its IPC folder's, and the way to the environment where that lies below /tmp (a checkout there).
    environment = [path.relative_to("/tmp").parts[0] for path in box.readable_paths() if path.is_relative_to("/tmp")]
    assert [kernel["tmp"] for kernel in facts["kernels"]] == [sorted(["tensor-gears-template", *environment])] * 2


@pytest.mark.parametrize("kind", ["children", "kernels"])
def test_each_forked_process_is_fresh_and_boxed(seen, kind):
    facts, mode = seen
    uid = box.sandbox_ids()[0] if mode == "root" else box.ROOTLESS_ID
    for look in facts[kind]:
        assert look["pid"] == 2 and look["others"] == ["1"], look  # its namespace's init, as in a cold box
        assert look["uid"] == uid
        assert look["capabilities"] == ["0000000000000000"], look["capabilities"]
        assert look["no_new_privs"] == "1"
        assert look["writable"] == ["/tmp", "/sandbox/work"]
        assert look["traces"] == [], "a trace of the earlier child was found"
        assert look["tensorflow"] == 3.0
    # The name each gives itself, which the tests' leftover checks look for (tests/processes.py).
    assert {look["name"] for look in facts[kind]} == {HARNESS_NAME if kind == "children" else KERNEL_NAME}
    if kind == "kernels":  # Matplotlib, imported in the template before there was a shell, shows figures inline
        assert all(look["figure"] for look in facts[kind])
    if kind == "children":  # stdin, stdout and stderr, then the two pipes to the parent: nothing of the template's
        assert all(look["descriptors"] == ["/dev/null"] * 3 + ["pipe"] * 2 for look in facts[kind]), facts[kind]
    assert facts[kind][0]["random"] != facts[kind][1]["random"]


def test_only_children_whose_code_imports_tensorflow_come_from_templates_that_have_it(seen):
    facts, _ = seen
    assert facts["kinds"] == ["checks+tensorflow"] * 2
    assert facts["idle"] == ["checks+tensorflow", "kernel+tensorflow"]
    assert facts["imported"] == {"child": "numpy", "child_kind": "checks", "kernel": "numpy"}
    assert facts["idle_after"] == ["checks", "checks+tensorflow", "kernel", "kernel+tensorflow"]


def test_a_template_that_died_is_replaced_by_a_cold_start(seen):
    facts, _ = seen
    assert facts["started"][2:] == ["Popen", "Forked"]


ELSEWHERE = r'''
import json
from nbformat.v4 import new_code_cell, new_notebook
from tensor_gears.core.execution import ContainedExecution
from tensor_gears.sandbox import templates
nb = new_notebook(cells=[new_code_cell("print(open('/proc/self/comm').read().strip())")])
ContainedExecution(timeout=120).preprocess(nb, {"metadata": {"path": "."}})
print(json.dumps({"outputs": nb.cells[0].outputs, "failed": templates.POOL.failed}))
'''


@pytest.mark.parametrize("account", [None, INSTRUCTOR], ids=["root", "rootless"])
def test_a_kernel_forked_where_the_temporary_folder_is_not_below_tmp_runs_its_cells(account):
    """A TMPDIR outside /tmp (/var/tmp here, a VM's or a service's own): the kernel's IPC folder
    lies below the template's folder there, which the child must still reach as the box's user."""
    folder = Path(tempfile.mkdtemp(prefix="tg-tests-", dir="/var/tmp"))
    if account is not None:
        give(account, folder)
    argv = [sys.executable, "-c", ELSEWHERE]
    try:
        if account is None:
            done = subprocess.run(argv, capture_output=True, text=True, cwd=folder,
                                  env={**os.environ, "TMPDIR": str(folder)})
        else:
            done = as_account(account, argv, cwd=folder, env=login_environment(account, TMPDIR=str(folder)))
    finally:
        remove(folder)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["failed"] == {}
    assert [output.get("text") for output in seen["outputs"]] == [f"{KERNEL_NAME}\n"], seen["outputs"]


def test_a_template_with_a_second_thread_refuses_to_fork():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with pytest.raises(RuntimeError, match="threads"):
            forkserver.fork({}, [])
    finally:
        stop.set()
        thread.join()
