"""`tensor-gears grade --scheduler`: a real `dask scheduler` and two `dask worker` processes on
localhost grade a class; workers get submissions as data (no course folder), and a worker
killed in the middle of a student costs that student a retry, not a grade."""

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

from .conftest import grades, make_course, submit

BIN = Path(sys.executable).parent
# Notebooks without timing checks: the class is graded on busy cores.
STUDENTS = {"ada": ("02_broadcasting", "04_reshaping"), "bo": ("04_reshaping",), "cy": ("02_broadcasting",),
            "di": ("04_reshaping",)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers, each started in an empty folder of its own."""
    address = f"tcp://127.0.0.1:{free_port()}"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    options = dict(env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    processes = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                                   address.rsplit(":", 1)[1], "--no-dashboard"],
                                  cwd=tmp_path_factory.mktemp("scheduler"), **options)]
    for name in ("w1", "w2"):
        processes.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--name", name,
                                           "--no-dashboard", "--no-nanny"],
                                          cwd=tmp_path_factory.mktemp(name), **options))
    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, dict(zip(("w1", "w2"), processes[1:]))
    finally:
        for process in processes[1:] + processes[:1]:  # workers first, then the scheduler
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def course_with_class(folder: Path) -> Path:
    course = make_course(folder)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    for student, notebooks in STUDENTS.items():
        submit(course, student, {t.name: "reference" for n in notebooks for t in tasks_of(n)}, notebooks)
    return course


def test_a_class_graded_on_the_cluster_survives_a_worker_killed_mid_student(cluster, tmp_path):
    address, workers = cluster
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
    assert grading.returncode == 0, stdout + stderr[-3000:]
    assert "the Dask cluster at" in stdout
    for student, notebooks in STUDENTS.items():
        expected = sum(task.points for notebook in notebooks for task in tasks_of(notebook))
        assert sum(grades(course, student).values()) == expected, (student, stdout)
