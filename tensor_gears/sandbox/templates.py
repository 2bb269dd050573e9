"""Kernels and check children forked from pristine templates instead of started cold.

A cold start pays for its imports every time: IPython and ipykernel, NumPy, Matplotlib and
its font cache, TensorFlow (several seconds). A template (`forkserver.py`) makes them once,
in a box of its own, and forks a fresh child for each kernel or check child. TensorFlow is
imported only in the templates of children whose code imports it (notebook 05's kernel and
checks): the others start in a fraction of the time and memory. No student code
ever runs in a template, and a template serves one child at a time (a lease), so a child's
limits and namespaces are its own, as with a cold start: the child leaves the template's
namespaces for fresh ones, is moved into its own cgroups by the grader, and only then drops
its capabilities and user and starts.

Where a template cannot start or fork (the box refuses, or the template is no longer safe to
fork), that kernel or child starts cold, as before; TENSOR_GEARS_TEMPLATES=0 turns templates
off altogether.
"""

import json
import logging
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import util
from pathlib import Path

from . import box, cgroups, launch, limits
from .scratch import scratch_folder

KINDS = ("kernel", "checks")
TENSORFLOW = "+tensorflow"  # a kind's suffix: its template has imported TensorFlow too
START_TIMEOUT = 120  # seconds for a template's imports (TensorFlow among them) on a busy machine
REQUEST_TIMEOUT = 30  # seconds for one fork, release or wait
MESSAGE = 1 << 16

log = logging.getLogger("tensor_gears")


class TemplateUnavailable(RuntimeError):
    """The template cannot start or fork: start this kernel or child cold."""


class Forked:
    """A process forked from a template: what jupyter_client and `process.Child` use of `subprocess.Popen`."""

    stdin = stdout = stderr = None

    def __init__(self, template: "Template", pid: int):
        self.template, self.pid = template, pid
        self.pidfd = os.pidfd_open(pid)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self.pidfd], [], [], 0)[0]:
            self._reap()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self.pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"forked pid {self.pid}", timeout)
            self._reap()
        return self.returncode

    def _reap(self):
        self.returncode = self.template.reap()
        os.close(self.pidfd)

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            try:
                signal.pidfd_send_signal(self.pidfd, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class Template:
    """One template process in its box (kind: `kernel` or `checks`, maybe +tensorflow), and its
    child, one at a time."""

    def __init__(self, kind: str):
        self.kind = kind
        self.folder = scratch_folder("template")  # kernels' IPC folders, bound into the box at the same path
        self.child: Forked | None = None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.control = ours
        try:
            environment = launch.environment(Path(box.WORK))
            if kind.startswith("kernel"):  # Matplotlib is imported with the backend the kernel would choose
                environment["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
            sandbox = box.Box(binds=[(self.folder, str(self.folder))], environment=environment)
            self.process = subprocess.Popen(
                sandbox.command(template_argv(kind, theirs.fileno()), template=True),
                env=launch.environment(self.folder), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), start_new_session=True)
        except BaseException:
            self.control.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        finally:
            theirs.close()
        try:
            self._receive(START_TIMEOUT)
        except TemplateUnavailable:
            self.close()
            raise

    def fork(self, spec: dict, fds=(), cgroups=()) -> Forked:
        """A new child of `spec` (see forkserver.py), in `cgroups` before it is released."""
        reply = self._request({"op": "fork", "spec": {**spec, "hide": [str(self.folder)]}}, fds)
        pid = host_pid(self.process.pid, int(reply["pid"]))
        self.child = Forked(self, pid)
        try:
            for group in cgroups:
                (Path(group) / "cgroup.procs").write_text(str(pid))
            self._request({"op": "release"})
        except BaseException:
            self.child.kill()
            self.child.wait(REQUEST_TIMEOUT)
            raise
        return self.child

    def reap(self) -> int:
        """Its child's exit status, once it has exited."""
        return int(self._request({"op": "wait"})["status"])

    def scratch(self) -> Path:
        """A new private folder in the template's folder (a kernel's IPC folder goes in it)."""
        return Path(tempfile.mkdtemp(dir=self.folder))

    def reusable(self) -> bool:
        """Alive, and its child (if any) gone."""
        return self.process.poll() is None and (self.child is None or self.child.poll() is not None)

    def _request(self, message: dict, fds=()) -> dict:
        try:
            self.control.sendmsg([json.dumps(message).encode()],
                                 [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack(f"{len(fds)}i", *fds))]
                                 if fds else [])
        except OSError as error:
            raise TemplateUnavailable(f"the template stopped ({error})") from None
        return self._receive(REQUEST_TIMEOUT)

    def _receive(self, timeout: float) -> dict:
        if not select.select([self.control], [], [], timeout)[0]:
            raise TemplateUnavailable(f"the template did not answer within {timeout} s")
        try:
            data = self.control.recv(MESSAGE)
        except OSError as error:
            raise TemplateUnavailable(f"the template stopped ({error})") from None
        if not data:
            raise TemplateUnavailable("the template stopped")
        reply = json.loads(data)
        if "error" in reply:
            raise TemplateUnavailable(reply["error"])
        return reply

    def close(self) -> None:
        if self.child is not None and self.child.returncode is None:
            self.child.kill()
        self.control.close()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def host_pid(box_pid: int, pid: int) -> int:
    """Our pid for the process below `box_pid` that is `pid` in the template's pid namespace."""
    for candidate in cgroups.descendants(box_pid):
        try:
            status = Path(f"/proc/{candidate}/status").read_text()
        except OSError:
            continue
        levels = next((line.split()[1:] for line in status.splitlines() if line.startswith("NSpid:")), [])
        if len(levels) >= 3 and int(levels[-2]) == pid:  # ours, the template's, then its own (1)
            return candidate
    raise TemplateUnavailable(f"the template's child {pid} is not to be found")


def spec(entry: str, environment: dict[str, str], rlimits: dict[str, int], user: tuple[int, int] | None = None,
         **more) -> dict:
    """What a template's child is to be (see forkserver.py): the same box, user and limits as a cold start."""
    uid, gid = (user or box.sandbox_ids()) if box.mode() == "root" else (None, None)
    # Rootless: counted in the template's user namespace (its one child, and the template); root: a box user's alone.
    if box.mode() == "rootless" or user is not None:
        rlimits = {**rlimits, "nproc": limits.current().processes}
    tmpfs = {"/tmp": limits.current().tmp_size, box.WORK: limits.current().work_size}
    readable = [str(path) for path in box.readable_paths() if any(path.is_relative_to(folder) for folder in tmpfs)]
    return {"entry": entry, "environment": environment, "rlimits": rlimits, "cwd": box.WORK, "uid": uid, "gid": gid,
            "tmpfs": tmpfs, "readable": readable, "stage": box.STAGE, **more}


def template_argv(kind: str, control_fd: int) -> list[str]:
    """The template's command: this interpreter (isolated, without `site`, for check children)
    running the box's forkserver.py by path."""
    forkserver = launch.code_path("forkserver.py")
    if kind.startswith("kernel"):
        return [sys.executable, forkserver, kind, str(control_fd)]
    return [sys.executable, "-I", "-S", forkserver, kind, str(control_fd), sysconfig.get_paths()["purelib"]]


def kind_of(base: str, tensorflow: bool) -> str:
    """The template kind for a child of `base` (`kernel` or `checks`) whose code does or does not import TensorFlow."""
    return base + TENSORFLOW if tensorflow else base


class Pool:
    """The idle templates of this process, by kind; a kind that failed to start is not tried again."""

    def __init__(self):
        self.idle: dict[str, list[Template]] = {kind_of(base, tf): [] for base in KINDS for tf in (False, True)}
        self.failed: dict[str, str] = {}
        self.lock = threading.Lock()
        # Templates are started from one long-lived thread: a box dies with the thread that started it.
        self.starter = ThreadPoolExecutor(1, thread_name_prefix="templates")

    def lease(self, base: str, tensorflow: bool = False) -> Template | None:
        """A template for one child of `base` (`kernel` or `checks`), with TensorFlow imported or
        not, all to the caller until `give_back`; None: start cold."""
        kind = kind_of(base, tensorflow)
        if not launch.templates_enabled():
            return None
        with self.lock:
            if self.idle[kind]:
                return self.idle[kind].pop()
            if kind in self.failed:
                return None
        started = time.perf_counter()
        try:
            template = self.starter.submit(Template, kind).result()
        except (OSError, TemplateUnavailable) as error:
            with self.lock:
                self.failed[kind] = str(error)
            log.warning("%s template could not start (%s): those start cold", kind, error)
            return None
        log.debug("%s template started in %.1f s", kind, time.perf_counter() - started)
        return template

    def give_back(self, template: Template) -> None:
        if template.reusable():
            template.child = None
            with self.lock:
                self.idle[template.kind].append(template)
        else:
            template.close()

    def close(self) -> None:
        with self.lock:
            templates = [template for idle in self.idle.values() for template in idle]
            self.idle = {kind: [] for kind in self.idle}
        for template in templates:
            template.close()


def close_at_exit(pool: Pool) -> None:
    """Close `pool` when this process exits: a grader through atexit, a pool worker (which leaves
    through os._exit, atexit unrun: its templates' scratch folders were left in /tmp) through
    multiprocessing's exit hook. A forked worker drops its parent's hooks: it registers its own."""
    util.Finalize(pool, pool.close, exitpriority=10)


POOL = Pool()
close_at_exit(POOL)
util.register_after_fork(POOL, close_at_exit)
