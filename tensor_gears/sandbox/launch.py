"""How a child that runs student code is started: command, environment, limits.

This is the one place that decides the child's isolation. Today: isolated interpreter flags
(`-I -S`), a fresh private working directory, a minimal environment, its own session (so
the whole process group can be killed), one BLAS thread, and resource limits on memory,
file size, CPU time and core dumps. A stronger box (own user, namespaces, cgroups) replaces
`command` and `limit_resources` here without touching the rest.
"""

import resource
import sys
import sysconfig
from pathlib import Path

HARNESS = Path(__file__).with_name("harness.py")
MEMORY_LIMIT = 4 << 30  # bytes of data segment (RLIMIT_AS would break NumPy and TensorFlow)
FILE_SIZE_LIMIT = 16 << 20
CPU_LIMIT = 300  # seconds, a backstop: the parent enforces the real per-call limits


def command(fd_in: int, fd_out: int) -> list[str]:
    """The child's command line: this interpreter, isolated, running the harness text."""
    site_packages = sysconfig.get_paths()["purelib"]
    return [sys.executable, "-I", "-S", "-c", HARNESS.read_text(), site_packages, str(fd_in), str(fd_out)]


def environment(workdir: Path) -> dict[str, str]:
    """A minimal environment: nothing of the grader's, one thread for BLAS, quiet TensorFlow."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "TF_NUM_INTRAOP_THREADS": "1",
        "TF_NUM_INTEROP_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "TF_ENABLE_ONEDNN_OPTS": "0",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(workdir),
    }


def limit_resources() -> None:
    """Run in the child before it starts (preexec_fn): cap memory, files, CPU, cores."""
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
