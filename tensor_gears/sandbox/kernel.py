"""The notebook kernel that nbgrader starts, in the box (`box.py`).

`SandboxedKernelManager` is jupyter_client's kernel manager with three changes: the kernel
and nbclient talk over IPC sockets in a private folder (the box has no network), the
kernel command runs inside the box, as the sandbox user, in an empty private working
folder (not `autograded/<student>/<assignment>/`, which holds the notebook with its
hidden cells, nor anywhere near the gradebook) and in cgroups that cap its memory and
processes (where there are none, rlimits cap each process); folder, cgroups and every
process left in them go when the kernel does. Where a kernel template is to be had
(`templates.py`), the kernel is forked from it, into the same box and limits, rather than
started cold.
"""

import os
import shutil
import subprocess
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from . import box, launch, limits, templates
from .cgroups import ControlGroups
from .scratch import check_temporary_folder, scratch_folder


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels run boxed, reached over IPC."""

    def __init__(self, tensorflow: bool = False, **kwargs):
        """`tensorflow`: the notebook imports TensorFlow (its kernel is forked from a template that has it)."""
        super().__init__(**kwargs)
        launch.isolation()  # refuse to start an unboxed kernel unless the instructor allowed it
        check_temporary_folder()
        self.template = templates.POOL.lease("kernel", tensorflow)
        self.folder = self.template.scratch() if self.template else scratch_folder("kernel")
        (self.folder / "ipc").mkdir()
        self.transport = "ipc"
        self.ip = str(self.folder / "ipc" / "kernel")
        self.connection_file = str(self.folder / "ipc" / "connection.json")
        self.cache_ports = False
        self.groups: ControlGroups | None = None

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        # Signals cannot reach into the box's session: interrupt over the control channel.
        self.kernel_spec.interrupt_mode = "message"
        command = super().format_kernel_cmd(extra_arguments)
        if launch.isolation() == "unboxed":
            return command
        if self.groups is not None:  # a restart: the old box is gone
            self.groups.close()
        self.groups = ControlGroups()
        environment = launch.environment(Path(box.WORK))
        del environment["MPLBACKEND"]  # the kernel shows plots inline
        sandbox = box.Box(binds=[(self.folder / "ipc", str(self.folder / "ipc"))],
                          environment=environment, cgroups=self.groups.paths, user=self.groups.user)
        sandbox.prepare()
        if box.mode() == "root":
            uid, gid = self.groups.user or box.sandbox_ids()
            os.chown(self.connection_file, uid, gid)
        if self.groups.memory is None:  # no memory cgroup (a rootless grader): cap each process instead
            command = ["prlimit", f"--data={limits.current().memory}", "--core=0", "--", *command]
        self.environment = environment
        return sandbox.command(command)

    def forked(self):
        """The kernel forked from this manager's template, or None (no template: a cold start)."""
        if self.template is None or launch.isolation() == "unboxed":
            return None
        rlimits = {"core": 0} if self.groups.memory is not None else {"core": 0, "data": limits.current().memory}
        spec = templates.spec("kernel", self.environment, rlimits, user=self.groups.user,
                              connection_file=self.connection_file, ipc=str(self.folder / "ipc"))
        try:
            return self.template.fork(spec, cgroups=self.groups.paths)
        except templates.TemplateUnavailable as error:
            templates.log.warning("kernel starts cold: %s", error)
            return None

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # What the kernel process itself prints (start-up notes) is not the grader's to show;
        # everything a cell prints reaches the notebook over the kernel's channels.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        if launch.isolation() != "unboxed":
            # bubblewrap starts from nothing of the grader's environment either: its own process
            # stays inside the box (the box's pid 1), where student code could read its environ.
            kw["env"] = launch.environment(self.folder)
        process = self.forked()
        if process is None:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        self.provisioner.process, self.provisioner.pid, self.provisioner.pgid = process, process.pid, None
        self._reconcile_connection_info(self.provisioner.connection_info)

    async def _async_start_kernel(self, **kw):
        try:
            await super()._async_start_kernel(**kw)
        except BaseException:  # nbclient cleans up only after a kernel that started: give back its template here
            await self._async_cleanup_resources()
            raise

    start_kernel = _async_start_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            if self.groups is not None:
                self.groups.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            if self.template is not None:
                templates.POOL.give_back(self.template)
                self.template = None

    cleanup_resources = _async_cleanup_resources  # nbclient calls this name after a kernel died
