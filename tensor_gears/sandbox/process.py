"""The parent's handle on one child process running a student's definitions."""

import os
import secrets
import select
import shutil
import signal
import struct
import subprocess
import time
from pathlib import Path

from ..errors import ChildError, ChildTimeout
from . import box, launch, limits, templates
from .cgroups import ClockError, ControlGroups
from .inside.protocol import MAX_BLOB, frame_bytes, parse_frame
from .scratch import scratch_folder


class Child:
    """A running child. Use as a context manager; every request has a time limit. `tensorflow`:
    the code it will load imports TensorFlow (it is forked from a template that has it)."""

    def __init__(self, tensorflow: bool = False):
        self.workdir = scratch_folder("child")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        self.clock = ControlGroups()
        self.template = templates.POOL.lease("checks", tensorflow)
        try:
            self.process = self._forked(to_child_r, from_child_w) or subprocess.Popen(
                launch.command(to_child_r, from_child_w, self.clock.paths, self.clock.user),
                cwd=self.workdir,
                env=launch.environment(self.workdir),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(to_child_r, from_child_w),
                start_new_session=True,
            )
            self.clock.start(self.process.pid)
        except BaseException:
            self.clock.close()
            self._give_back()
            shutil.rmtree(self.workdir, ignore_errors=True)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        os.set_blocking(self._to_child, False)

    def _forked(self, fd_in: int, fd_out: int) -> "templates.Forked | None":
        """The child forked from a check template, or None (no template: a cold start)."""
        if self.template is None:
            return None
        spec = templates.spec("harness", launch.environment(Path(box.WORK)), limits.current().rlimits(),
                              user=self.clock.user)
        try:
            return self.template.fork(spec, fds=(fd_in, fd_out), cgroups=self.clock.paths)
        except templates.TemplateUnavailable as error:
            templates.log.warning("check child starts cold: %s", error)
            self._give_back()
            return None

    def _give_back(self):
        if self.template is not None:
            templates.POOL.give_back(self.template)
            self.template = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def cpu_seconds(self) -> float:
        """CPU time of the child and everything it started, read from outside it."""
        try:
            return self.clock.seconds()
        except ClockError as error:
            raise ChildError(str(error)) from None

    def settled_cpu_seconds(self) -> float:
        """`cpu_seconds()` once the child has stopped running (for timing: nothing of its last
        request is left unaccounted)."""
        try:
            return self.clock.settled_seconds()
        except ClockError as error:
            raise ChildError(str(error)) from None

    def request(self, header: dict, blobs=(), timeout: float = 10.0, cpu_limit: float | None = None):
        """Send one request and wait for its reply, within `timeout` s of wall time and
        `cpu_limit` s of the child's CPU time; on breach the child is killed. The reply must
        carry the request's nonce, which nothing but the harness has seen: a reply that the
        student's code wrote itself cannot."""
        deadline = time.monotonic() + timeout
        cpu_deadline = None if cpu_limit is None else self.cpu_seconds() + cpu_limit
        nonce = secrets.token_hex(16)
        self._send({**header, "nonce": nonce}, blobs, deadline)
        size = struct.unpack(">Q", self._receive(8, deadline, cpu_deadline))[0]
        if size > 4 * MAX_BLOB:
            self.kill()
            raise ChildError("your code produced a result too large to check")
        try:
            reply, reply_blobs = parse_frame(self._receive(size, deadline, cpu_deadline))
        except (ValueError, UnicodeDecodeError) as error:
            self.kill()
            raise ChildError("the process running your code sent an unreadable reply") from error
        if reply.pop("nonce", None) != nonce:
            self.kill()
            raise ChildError("the process running your code sent a reply the grader did not ask for")
        return reply, reply_blobs

    def _send(self, header, blobs, deadline):
        view = memoryview(frame_bytes(header, blobs))
        while view:
            self._wait(self._to_child, deadline, None, writing=True)
            try:
                view = view[os.write(self._to_child, view):]
            except BlockingIOError:
                continue
            except BrokenPipeError as error:
                raise self._stopped() from error

    def _receive(self, size, deadline, cpu_deadline) -> bytes:
        chunks, missing = [], size
        while missing:
            self._wait(self._from_child, deadline, cpu_deadline)
            chunk = os.read(self._from_child, min(missing, 1 << 20))
            if not chunk:
                raise self._stopped()
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _wait(self, fd, deadline, cpu_deadline, writing=False):
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                raise ChildTimeout("time limit")
            if cpu_deadline is not None and self.process.poll() is None and self.cpu_seconds() > cpu_deadline:
                self.kill()
                raise ChildTimeout("CPU time limit")
            wait = min(remaining, 0.05)
            readable, writable, _ = select.select([] if writing else [fd], [fd] if writing else [], [], wait)
            if readable or writable:
                return

    def _stopped(self) -> ChildError:
        code = self.process.wait(timeout=5)
        self.kill()
        if code < 0:
            name = signal.Signals(-code).name
            hint = " (out of memory?)" if name in ("SIGKILL", "SIGSEGV", "SIGBUS", "SIGABRT") else ""
            return ChildError(f"the process running your code was killed by {name}{hint}")
        return ChildError(f"the process running your code exited with status {code}")

    def kill(self):
        """Kill the child and everything it started (its whole session, and its cgroup)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.clock.kill_all()
        self.process.wait()

    def close(self):
        if self.process.poll() is None:
            self.kill()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self.clock.close()
        self._give_back()
        shutil.rmtree(self.workdir, ignore_errors=True)
