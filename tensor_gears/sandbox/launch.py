"""How a child that runs student code is started: command, environment, limits.

The child runs in the box (`box.py`: own user, namespaces, no network, nothing of the
course), as `python -I -S` (isolated, no `site`: no `.pth` file runs), in a private
working folder, with an environment built from nothing, one BLAS thread, and resource
limits on memory, file size, CPU time and core dumps (the cgroups of `cgroups.py` cap its
memory and processes as a whole).

Where the box cannot be built, children are refused, unless the instructor allows an
unboxed run explicitly with TENSOR_GEARS_ALLOW_UNBOXED=1: then the child runs as the
grader's own user with the flags and limits above only.
"""

import os
import sys
import sysconfig
from pathlib import Path

from . import box, cgroup_v2, cgroups, limits

ALLOW_UNBOXED = "TENSOR_GEARS_ALLOW_UNBOXED"
TEMPLATES = "TENSOR_GEARS_TEMPLATES"  # "0": every kernel and check child starts cold (see templates.py)


def isolation() -> str:
    """`root`, `rootless` (the box, see box.py) or `unboxed`; raises SandboxUnavailable if none is allowed."""
    reason = box.available()
    if reason is None:
        return box.mode()
    if os.environ.get(ALLOW_UNBOXED) == "1":
        return "unboxed"
    raise box.SandboxUnavailable(f"cannot run student code safely: {reason} "
                                 f"(set {ALLOW_UNBOXED}=1 to grade without the sandbox, at your own risk)")


def templates_enabled() -> bool:
    """Whether kernels and check children are forked from templates here (templates.py)."""
    return os.environ.get(TEMPLATES, "1") != "0" and isolation() != "unboxed"


def describe_isolation() -> str:
    """In words, what protects the grader from the code it runs and which limits hold (for logs and results.json)."""
    kind = isolation()
    if kind == "unboxed":
        return (f"unboxed ({ALLOW_UNBOXED}=1): student code runs as the grader's own user, "
                "with rlimits and isolated Python flags only")
    started = ("; kernels and check children forked from pristine templates, each into fresh namespaces"
               if templates_enabled() else f"; kernels and check children started cold ({TEMPLATES}=0)")
    controls = cgroups.controls()
    weaker = []
    if "memory" not in controls:
        weaker.append(f"memory is capped per process ({limits.current().memory / (1 << 30):g} GB of data), not per box")
    if "processes" not in controls:
        weaker.append(f"processes are capped at {limits.current().processes} per box by RLIMIT_NPROC"
                      + (", each box a user of its own" if kind == "root" else ""))
    if "CPU" not in controls:
        weaker.append("CPU time is read from /proc (schedstat) rather than a cgroup")
    if weaker and cgroup_v2.unified():
        weaker.append(f"no cgroup of its own: {cgroup_v2.boxes_parent()[1]}")
    if kind == "root":
        uid, _ = box.sandbox_ids()
        user = f"user {uid}" if "processes" in controls else "a user of its own per box"
        return (f"sandbox: bubblewrap with its own mount, pid, network and IPC namespaces, {user}, "
                f"nothing of the course mounted, cgroups for {', '.join(controls) or 'nothing'}" + started
                + ("; weaker: " + "; ".join(weaker) if weaker else ""))
    weaker.insert(0, "student code is the grader's own account outside the box: only the namespaces keep it from "
                     "the grader's files and processes")
    return ("rootless sandbox (the grader is not root): bubblewrap with its own user, mount, pid, network and "
            "IPC namespaces, no capabilities, no nested user namespaces, nothing of the course mounted"
            + (f", cgroups for {', '.join(controls)}" if controls else "") + started + "; weaker than the root box: "
            + "; ".join(weaker))


def code_path(name: str) -> str:
    """Where the box's own code file `name` (inside/) is, for the process that runs it."""
    return str(box.CODE_ON_HOST / name) if isolation() == "unboxed" else f"{box.CODE}/{name}"


def command(fd_in: int, fd_out: int, cgroups: list[Path], user: tuple[int, int] | None = None) -> list[str]:
    """The child's command line: this interpreter, isolated, running the harness by path, boxed
    (unboxed, it runs in the parent's private working folder), with its resource limits, in
    `cgroups`, as the box's own `user` if it has one. Nothing runs between fork and exec, so
    children start safely from threads."""
    site_packages = sysconfig.get_paths()["purelib"]
    argv = [sys.executable, "-I", "-S", code_path("harness.py"), site_packages, str(fd_in), str(fd_out)]
    if isolation() != "unboxed":
        argv = box.Box(environment=environment(Path(box.WORK)), user=user).command(argv)
    return box.in_cgroups(cgroups, ["prlimit", *resource_limits(), "--", *argv])


def environment(home: Path) -> dict[str, str]:
    """A minimal environment: nothing of the grader's, one thread for BLAS, quiet TensorFlow."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "TMPDIR": str(home),
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
        "MPLCONFIGDIR": str(home),
    }


def resource_limits() -> list[str]:
    """prlimit's options capping a check child's memory, files, CPU and core dumps."""
    return [f"--{name}={value}" for name, value in limits.current().rlimits().items()]
