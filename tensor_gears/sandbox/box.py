"""The box every piece of untrusted Python runs in: the check child and the notebook kernel.

It wraps a command in bubblewrap (`bwrap`, from Debian): a mount namespace that holds only
the system's `/usr` (and `/etc/fonts`, for plots), the interpreter and the virtual
environment, read-only, a private writable working folder and `/tmp`, both size-capped in
memory; no network (its own network namespace); its own pid namespace, so every process it
starts dies with it and nothing outside can be signalled; and an environment built from
nothing. Memory, processes and CPU are limited by the caller (cgroups, rlimits).

It comes in two modes, chosen by who grades:
- `root`: bubblewrap as root, then `setpriv` to an unprivileged user of the box's own
  (`tensor-gears-sandbox`), never the grader's;
- `rootless` (an instructor's own account, e.g. on a JupyterHub): bubblewrap in an
  unprivileged user namespace of its own, with no capabilities and no further user
  namespaces inside; student code is `nobody` inside, but the grader's own account to the
  rest of the machine, so only the namespaces keep it from the grader's files. Processes are
  capped per box by RLIMIT_NPROC, counted in the box's own user namespace.

Nothing of the course is inside: no notebooks, no source or release folders, no gradebook,
no package checks (the package is not mounted, only the environment's site-packages, and the
box's own code, `inside/`, read-only at CODE).
"""

import os
import pwd
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import limits, probe

SANDBOX_USER = "tensor-gears-sandbox"  # created by `make setup`; `nobody` where it is missing
WORK = "/sandbox/work"  # the private writable working folder, inside the box
CODE = "/sandbox/code"  # the box's own code (inside/: harness, template, protocol), bound read-only
CODE_ON_HOST = Path(__file__).resolve().with_name("inside")  # what is bound there: nothing secret
STAGE = "/sandbox/stage"  # where a template's child holds its IPC folder while it hides the others
FONTS = "/etc/fonts"  # read-only too: Matplotlib's fonts are found through it
ROOTLESS_ID = 65534  # who student code is inside a rootless box (`nobody`)


class SandboxUnavailable(RuntimeError):
    """This machine cannot build the box (no bwrap, or no user namespaces for a grader that is not root)."""


def mode() -> str:
    """`root` or `rootless`: the box this process builds (raises SandboxUnavailable if none)."""
    reason = available()
    if reason is not None:
        raise SandboxUnavailable(reason)
    return "root" if os.geteuid() == 0 else "rootless"


def available() -> str | None:
    """Why the box cannot be built here, or None when it can (probe.py tries it)."""
    if shutil.which("bwrap") is None:
        return "bubblewrap (bwrap) is not installed: ask the administrator to install it (Debian: bubblewrap)"
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        return "setpriv (util-linux) is not installed"
    return probe.box_refused()


def sandbox_ids() -> tuple[int, int]:
    """The unprivileged user and group untrusted code runs as."""
    for name in (SANDBOX_USER, "nobody"):
        try:
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            continue
    return 65534, 65534


def readable_paths() -> list[Path]:
    """What untrusted Python needs to read: the interpreter's install and the environment."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).absolute()}
    return sorted(paths)


@dataclass
class Box:
    """One box around one command; it starts in WORK, empty and its own."""

    binds: list[tuple[Path, str]] = field(default_factory=list)  # (host folder, box path), writable
    environment: dict[str, str] = field(default_factory=dict)
    cgroups: list[Path] = field(default_factory=list)  # joined before the box starts
    user: tuple[int, int] | None = None  # root mode: the box's own user (box_users.py), else the sandbox user

    def prepare(self) -> None:
        """Hand the bound folders to the box's user (root mode, before the start)."""
        if mode() == "root":
            uid, gid = self.user or sandbox_ids()
            for folder in [host for host, _ in self.binds]:
                os.chown(folder, uid, gid)

    def command(self, argv: list[str], template: bool = False) -> list[str]:
        """`argv` run inside the box, as the sandbox user (root) or `nobody` in its own user namespace;
        a `template` (forkserver.py) keeps its capabilities in the box, for its children to drop."""
        rootless = mode() == "rootless"
        wrapped = []
        if rootless:
            wrapped += ["--unshare-user", "--disable-userns", "--uid", str(ROOTLESS_ID), "--gid", str(ROOTLESS_ID)]
        wrapped += ["--cap-add", "ALL"] if template else ["--cap-drop", "ALL"] if rootless else []
        if template:
            wrapped += parents(Path(STAGE)) + ["--dir", STAGE]
        wrapped += [
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
            "--symlink", "usr/sbin", "/sbin",
            "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", str(limits.current().tmp_size), "--tmpfs", "/tmp",
        ]
        wrapped += parents(Path(FONTS)) + ["--ro-bind-try", FONTS, FONTS]
        wrapped += parents(Path(CODE)) + ["--ro-bind", str(CODE_ON_HOST), CODE]
        for path in readable_paths():
            wrapped += parents(path) + ["--ro-bind", str(path), str(path)]
        wrapped += parents(Path(WORK)) + ["--perms", "1777", "--size", str(limits.current().work_size), "--tmpfs", WORK]
        for host, inside in self.binds:
            wrapped += parents(Path(inside)) + ["--bind", str(host), inside]
        wrapped += ["--chdir", WORK, "--clearenv"]
        for name, value in self.environment.items():
            wrapped += ["--setenv", name, value]
        inside = []
        if template:
            inside = argv
        elif rootless:  # counted in the box's own user namespace, so only the box's processes count
            inside = ["prlimit", f"--nproc={limits.current().processes}", "--"] + argv
        else:
            uid, gid = self.user or sandbox_ids()
            if self.user is not None:  # a user of its own: RLIMIT_NPROC counts this box's processes alone
                inside = ["prlimit", f"--nproc={limits.current().processes}", "--"]
            inside += ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups",
                       "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"] + argv
        return in_cgroups(self.cgroups, bwrap(wrapped, inside))


# bubblewrap reads the box's options from a file (`--args FD`; it closes FD before the box
# starts), so that `ps` shows `bwrap --args 3 -- COMMAND`, not a page of mounts. The shell
# writes the file (mode 0600), opens it on the lowest descriptor the caller does not pass on,
# removes it and becomes bwrap: nothing is left behind, and no file exists before the start.
READ_OPTIONS = ('f=$(mktemp) || exit 1; count=$1; shift; '
                'while [ "$count" -gt 0 ]; do printf "%s\\0" "$1"; shift; count=$((count - 1)); done > "$f"; '
                'n=3; while [ -e /proc/self/fd/$n ]; do n=$((n + 1)); done; '
                'eval "exec $n<\\"\\$f\\"" && rm -f -- "$f" && exec bwrap --args "$n" -- "$@"')


def bwrap(options: list[str], inside: list[str]) -> list[str]:
    """bubblewrap with `options` around the command `inside`."""
    return ["/bin/sh", "-c", READ_OPTIONS, "bwrap-options", str(len(options)), *options, *inside]


JOIN_CGROUPS = 'while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 1; shift; done; shift; exec "$@"'


def in_cgroups(groups: list[Path], command: list[str]) -> list[str]:
    """`command`, started inside `groups` (entered first, so nothing it starts is outside them)."""
    if not groups:
        return command
    return ["/bin/sh", "-c", JOIN_CGROUPS, "join-cgroups", *map(str, groups), "--", *command]


def parents(path: Path) -> list[str]:
    """Traversable folders for every ancestor of `path` inside the box."""
    args = []
    for parent in reversed(path.parents):
        if str(parent) not in ("/", "/usr", "/tmp") and not str(parent).startswith("/usr/"):
            args += ["--perms", "0755", "--dir", str(parent)]
    return args
