"""The pristine template inside a box: its imports done once, it forks a fresh process for
each kernel or check child, and never runs a line of student code itself.

`templates.py` starts it in a box of its own (`box.Box.command(..., template=True)`), by path
from the box's read-only code folder: `python [-I -S] /sandbox/code/forkserver.py <kind>
<control fd> [<site-packages>]`, with capabilities only inside that box (in its own user
namespace where the grader is not root). Like the harness, it imports nothing from the
grader's package and holds no course file, no secret, no socket but its control channel, and
one thread. A check template imports the harness (harness.py, beside it) before it forks.

On `fork`, a child leaves the template's namespaces for fresh ones (mount, pid, network,
IPC, UTS; the pid namespace takes one more fork, and the process handed out is the init
of its own), mounts an empty /proc, /tmp and working folder, keeps of the template's folder
only its own IPC folder, makes the rest of the box read-only (a later child sees the same
root and /dev), sets its rlimits, closes every other descriptor and waits. Only after the
parent has moved it into its cgroups and sent `release` does it drop every capability and
its user; then it forks the kernel or harness, which reseeds its random state and starts.
"""

import ctypes
import gc
import json
import os
import random
import signal
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from protocol import HARNESS_NAME, KERNEL_NAME, TEMPLATE_NAME  # noqa: E402

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x20000, 0x4000000, 0x8000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NAME, PR_CAPBSET_DROP, PR_SET_SECUREBITS, PR_SET_NO_NEW_PRIVS = 1, 15, 24, 28, 38
PR_SET_CHILD_SUBREAPER, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 36, 47, 4
SECURE_BITS = 0xEF  # NOROOT, NO_SETUID_FIXUP, NO_CAP_AMBIENT_RAISE, each locked; KEEP_CAPS locked off
SYS_CAPSET = 126  # x86_64
CAPABILITY_VERSION_3 = 0x20080522
MESSAGE = 1 << 16  # bytes of one control message

libc = ctypes.CDLL(None, use_errno=True)


def checked(result):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


def mount(source, target, kind, flags, data=None):
    checked(libc.mount(source and source.encode(), target.encode(), kind and kind.encode(), ctypes.c_ulong(flags),
                       data and data.encode()))


def prctl(option, value=0, more=0):
    checked(libc.prctl(option, ctypes.c_ulong(value), ctypes.c_ulong(more), 0, 0))


def set_name(name):
    """This process's name (/proc/<pid>/comm), which a process that changed its user cannot write itself."""
    checked(libc.prctl(PR_SET_NAME, ctypes.c_char_p(name.encode()), 0, 0, 0))


def preload(kind):
    """The imports every child of `kind` would otherwise make itself, with one thread."""
    import numpy  # noqa: F401 - OPENBLAS_NUM_THREADS=1 is set: no BLAS thread
    if kind.startswith("kernel"):
        import ipykernel.kernelapp  # noqa: F401
        import matplotlib.font_manager
        import matplotlib.pyplot  # noqa: F401
    if kind.endswith("+tensorflow"):
        import tensorflow  # noqa: F401 - no thread until its first op


def threads():
    return len(os.listdir("/proc/self/task"))


def send(control, message):
    control.sendmsg([json.dumps(message).encode()])


def fork(spec, fds):
    """Fork the child of `spec`, set up and waiting; returns (its pid, the pipe that releases it)."""
    if threads() != 1:
        raise RuntimeError(f"the template has {threads()} threads: forking it is unsafe")
    said_r, said_w = os.pipe()  # the first fork's word: the child's pid, or why there is none
    ready_r, ready_w = os.pipe()  # the child's word, once it is set up (its own pipe: the two race)
    release_r, release_w = os.pipe()
    status_r, status_w = os.pipe()
    first = os.fork()
    if first == 0:
        try:
            for fd in (said_r, ready_r, release_w, status_r):
                os.close(fd)
            checked(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS))
            pid = os.fork()
            if pid == 0:
                os.close(said_w)
                child(spec, fds, ready_w, release_r, status_w)
            os.write(said_w, str(pid).encode())
        except BaseException as error:  # noqa: B036 - said to the template, which answers with it
            os.write(said_w, f"{type(error).__name__}: {error}".encode())
        finally:
            os._exit(0)
    for fd in (said_w, ready_w, release_r, status_w, *fds):
        os.close(fd)
    os.waitpid(first, 0)  # its child is now the template's (a subreaper)
    with os.fdopen(said_r, "rb") as pipe:
        pid = pipe.read().decode()
    with os.fdopen(ready_r, "rb") as pipe:
        said = pipe.read().decode()
    if not pid.isdigit() or said != "ready":
        os.close(release_w)
        os.close(status_r)
        if pid.isdigit() and not said:  # it ended before it could say why: how it ended
            said = f"it ended with status {os.waitstatus_to_exitcode(os.waitpid(int(pid), 0)[1])}"
        raise RuntimeError(f"the forked child could not be set up: {said if pid.isdigit() else pid}")
    return int(pid), release_w, status_r


def child(spec, fds, ready, release, status):
    """In the fresh namespaces, before any student byte: mounts, limits, descriptors; then wait.
    Released, it is the init of its pid namespace (as bubblewrap is in a cold box): it forks
    the kernel or harness, reaps orphans, passes on SIGINT and SIGTERM, and reports how its
    one worker ended before it ends, and everything in its namespace with it."""
    try:
        mount(None, "/", None, MS_REC | MS_PRIVATE)
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        # Kept aside while fresh tmpfs hide the rest of the template's /tmp: the kernel's own IPC
        # folder, and the environment where it lies below /tmp (a checkout there).
        kept = ([spec["ipc"]] if spec.get("ipc") else []) + spec["readable"]
        for index, path in enumerate(kept):
            os.makedirs(f"{spec['stage']}/{index}", exist_ok=True)
            mount(path, f"{spec['stage']}/{index}", None, MS_BIND | MS_REC)
        for folder, size in spec["tmpfs"].items():
            mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=1777")
        # The template's own folder (other children's IPC folders, 0700) is hidden under an empty one, wherever
        # it lies: below /tmp the fresh /tmp hid it already, elsewhere (TMPDIR=/var/tmp) it would stay.
        for folder in spec.get("hide", []):
            os.makedirs(folder, mode=0o755, exist_ok=True)
            mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
        for index, path in enumerate(kept):
            os.makedirs(path, mode=0o755, exist_ok=True)
            mount(f"{spec['stage']}/{index}", path, None, MS_BIND | MS_REC)
        for shared in ("/", "/dev", *spec["readable"], *spec.get("hide", [])):  # seen by every child: read-only
            mount(None, shared, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        for name, value in spec["rlimits"].items():
            resource_limit(name, value)
        for fd in map(int, os.listdir("/proc/self/fd")):  # the control channel too: only these stay
            if fd > 2 and fd not in (ready, release, status, *fds):
                try:
                    os.close(fd)
                except OSError:
                    pass
    except BaseException as error:  # noqa: B036 - never run student code half set up
        os.write(ready, f"{type(error).__name__}: {error}".encode())
        os._exit(70)
    os.write(ready, b"ready")
    os.close(ready)
    try:
        if os.read(release, 1) != b"r":
            os._exit(1)
        os.close(release)
        drop_privileges(spec.get("uid"), spec.get("gid"))
        os.setsid()
        worker = os.fork()
    except BaseException:  # noqa: B036
        os._exit(70)
    if worker == 0:
        os.close(status)
        set_name(KERNEL_NAME if spec["entry"] == "kernel" else HARNESS_NAME)
        start(spec, fds)
    for fd in fds:
        os.close(fd)
    for forwarded in (signal.SIGINT, signal.SIGTERM):
        signal.signal(forwarded, lambda signum, _: os.kill(worker, signum))
    while True:
        pid, wait_status = os.wait()
        if pid == worker:
            os.write(status, str(os.waitstatus_to_exitcode(wait_status)).encode())
            os._exit(0)


def resource_limit(name, value):
    import resource
    limit = getattr(resource, f"RLIMIT_{name.upper()}")
    resource.setrlimit(limit, (value, value))


def drop_privileges(uid, gid):
    """No capability left or to be gained again, no new privileges, and the sandbox user where
    the box has one (root mode); a rootless box has a single user, and keeps it."""
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for cap in range(last + 1):
        prctl(PR_CAPBSET_DROP, cap)
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    prctl(PR_SET_SECUREBITS, SECURE_BITS)
    if uid is not None:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
    header = struct.pack("II", CAPABILITY_VERSION_3, 0)
    data = bytes(24)  # effective, permitted, inheritable: all empty
    checked(libc.syscall(SYS_CAPSET, header, data))
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after the user change, which clears it


def start(spec, fds):
    """Become the kernel or the harness of `spec` (reseeded: no two children share a random state)."""
    os.environ.clear()
    os.environ.update(spec["environment"])
    os.chdir(spec["cwd"])
    random.seed()
    sys.modules["numpy"].random.seed(int.from_bytes(os.urandom(4), "little"))
    if spec["entry"] == "kernel":
        gc.unfreeze()
        sys.path[:] = [path for path in sys.path if path != HERE]  # the box's code is not the kernel's
        from ipykernel.kernelapp import IPKernelApp
        sys.argv = ["ipykernel_launcher", "-f", spec["connection_file"]]
        app = IPKernelApp.instance()
        app.initialize(sys.argv[1:])
        inline = sys.modules.get("matplotlib_inline.backend_inline")
        if inline is not None:  # imported in the template, before there was a shell to hook into
            inline._enable_matplotlib_integration()
        app.start()
        os._exit(0)
    try:  # the template's imports stay frozen: the harness collects garbage only when asked
        sys.modules["harness"].serve(fds[0], fds[1])
    except EOFError:
        pass
    os._exit(0)


def receive(control):
    data, ancillary, _, _ = control.recvmsg(MESSAGE, socket.CMSG_SPACE(64 * 4))
    if not data:
        raise EOFError
    fds = []
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds += list(struct.unpack(f"{len(payload) // 4}i", payload[:len(payload) - len(payload) % 4]))
    return json.loads(data), fds


def serve(control):
    """Requests one at a time: `fork` (reply: the child's pid), `release`, `wait` (reply: how its worker ended)."""
    released = reported = None
    while True:
        request, fds = receive(control)
        op = request.get("op")
        try:
            if op == "fork":
                pid, released, reported = fork(request["spec"], fds)
                send(control, {"pid": pid})  # in the template's pid namespace
            elif op == "release":
                os.write(released, b"r")
                os.close(released)
                send(control, {"released": True})
            elif op == "wait":
                _, status = os.waitpid(-1, 0)
                with os.fdopen(reported, "rb") as said:
                    worker = said.read().decode()
                send(control, {"status": int(worker) if worker else os.waitstatus_to_exitcode(status)})
            else:
                send(control, {"error": f"unknown op {op}"})
        except Exception as error:  # the parent falls back to a cold start
            send(control, {"error": f"{type(error).__name__}: {error}"})


def main():
    kind, control_fd = sys.argv[1], int(sys.argv[2])
    if kind.startswith("checks"):
        sys.path.append(sys.argv[3])
        import harness  # noqa: F401 - served by each child (start)
    set_name(TEMPLATE_NAME)
    sys.argv = [""]
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    control = socket.socket(fileno=control_fd)
    preload(kind)
    gc.collect()
    gc.freeze()
    send(control, {"ready": True, "threads": threads()})
    try:
        serve(control)
    except EOFError:
        os._exit(0)


if __name__ == "__main__":
    main()
