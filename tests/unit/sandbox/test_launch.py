"""How a check child is started, in the parts that need no box: its environment and its rlimits.
(`command` and `code_path` ask the probe whether the box can be built, which runs bubblewrap: their
command lines are tested where boxes start, tests/test_child_process.py and tests/test_templates.py.)"""

from pathlib import Path

from tensor_gears.sandbox import launch, limits


def test_the_environment_is_built_from_nothing(monkeypatch):
    monkeypatch.setenv("TENSOR_GEARS_SECRET", "the course's secret")
    monkeypatch.setenv("PYTHONPATH", "/grader/only")
    environment = launch.environment(Path("/sandbox/work"))
    assert not any("the course's secret" in value or "/grader" in value for value in environment.values())
    assert "PYTHONPATH" not in environment and "TENSOR_GEARS_SECRET" not in environment
    assert environment["HOME"] == environment["TMPDIR"] == "/sandbox/work"
    assert environment["PATH"] == "/usr/bin:/bin"


def test_blas_and_tensorflow_get_one_thread():
    environment = launch.environment(Path("/w"))
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
                 "TF_NUM_INTEROP_THREADS"):
        assert environment[name] == "1", name


def test_the_resource_limits_are_this_processs_limits_as_prlimit_options():
    try:
        limits.use(limits.Limits(memory=1 << 29, file_size=1 << 20, cpu_seconds=9))
        assert launch.resource_limits() == [f"--data={1 << 29}", f"--fsize={1 << 20}", "--cpu=9", "--core=0"]
    finally:
        limits.use(limits.DEFAULTS)
