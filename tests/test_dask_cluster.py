"""`tensor-gears grade --scheduler`: a real `dask scheduler` and two `dask worker` processes on
localhost grade a class; workers get submissions as data (no course folder), and a worker
killed in the middle of a student costs that student a retry, not a grade. The workers run as
root, then as the unprivileged instructor (the rootless box); results.json says which box
the code ran in, the workers' and not the command's."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from distributed import Client

from tensor_gears.contract import ASSIGNMENT, tasks_of
from tensor_gears.release import nbgrader
from tensor_gears.secret import ALLOW_DEFAULT

from .accounts import INSTRUCTOR, login_environment, owned_folder, popen_as_account, remove
from .conftest import grades, make_course, submit

BIN = Path(sys.executable).parent
# Notebooks without timing checks: the class is graded on busy cores.
STUDENTS = {"ada": ("02_broadcasting", "04_reshaping"), "bo": ("04_reshaping",), "cy": ("02_broadcasting",),
            "di": ("04_reshaping",)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module", params=[None, INSTRUCTOR], ids=["root", "rootless"])
def cluster(tmp_path_factory, request):
    """A scheduler and two single-threaded workers (run by `request.param`: root or the
    instructor's account), each started in an empty folder of its own."""
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    options = dict(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    processes = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                                   address.rsplit(":", 1)[1], "--no-dashboard"],
                                  cwd=tmp_path_factory.mktemp("scheduler"), **options)]
    folders = []
    for name in ("w1", "w2"):
        command = [str(BIN / "dask"), "worker", address, "--nthreads", "1", "--name", name, "--no-dashboard",
                   "--no-nanny"]
        if request.param is None:
            processes.append(subprocess.Popen(command, cwd=tmp_path_factory.mktemp(name), **options))
        else:
            folders.append(owned_folder(request.param, f"dask-{name}"))
            processes.append(popen_as_account(request.param, command, cwd=folders[-1], **{
                **options, "env": login_environment(request.param, **{ALLOW_DEFAULT: "1"})}))
    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, dict(zip(("w1", "w2"), processes[1:])), "root" if request.param is None else "rootless"
    finally:
        for process in processes[1:] + processes[:1]:  # workers first, then the scheduler
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for folder in folders:
            remove(folder)


def course_with_class(folder: Path) -> Path:
    course = make_course(folder)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    for student, notebooks in STUDENTS.items():
        submit(course, student, {t.name: "reference" for n in notebooks for t in tasks_of(n)}, notebooks)
    return course


def test_a_class_graded_on_the_cluster_survives_a_worker_killed_mid_student(cluster, tmp_path):
    address, workers, mode = cluster
    course = course_with_class(tmp_path / "course")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    grading = subprocess.Popen([str(BIN / "tensor-gears"), "grade", "--scheduler", address], cwd=course, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with Client(address, timeout=30) as client:
        deadline = time.monotonic() + 120
        while not any(client.processing().values()) and time.monotonic() < deadline:
            time.sleep(0.2)
        busy = next(worker for worker, tasks in client.processing().items() if tasks)
        name = client.scheduler_info()["workers"][busy]["name"]
    time.sleep(2)  # well inside that student's grading
    os.killpg(workers[name].pid, signal.SIGKILL)
    stdout, stderr = grading.communicate(timeout=600)
    assert grading.returncode == 0, stdout + (course / "tensor-gears-grade.log").read_text()[-6000:]
    assert "the Dask cluster at" in stdout
    for student, notebooks in STUDENTS.items():
        expected = sum(task.points for notebook in notebooks for task in tasks_of(notebook))
        assert sum(grades(course, student).values()) == expected, (student, stdout)
        results = json.loads((course / "autograded" / student / ASSIGNMENT / "results.json").read_text())
        assert results["extra_data"]["isolation_mode"] == mode
