"""Whether the box can be built here, tried for real, and when it cannot, why, in words that
say what to change.

The probe runs bubblewrap with the namespaces and mounts of the box (`box.py`: a user
namespace where the grader is not root, pid, network, IPC and UTS ones, a fresh /proc, /dev
and /tmp) around /usr/bin/true. What stops it on the machines courses run on:
- unprivileged user namespaces refused: `user.max_user_namespaces=0`, Debian's
  `kernel.unprivileged_userns_clone=0`, or Ubuntu's AppArmor restriction
  (`kernel.apparmor_restrict_unprivileged_userns=1`, 23.10 and later), which the box's own
  AppArmor profile lifts for bubblewrap (`deploy/apparmor/install.sh`);
- a /proc that may not be mounted afresh: a service unit's hardening (ProtectKernelTunables=,
  ProtectKernelLogs=, ProtectProc=, ProcSubset=: the kernel refuses a new procfs in a user
  namespace while parts of the old one are hidden) or a container's masked /proc;
- a seccomp filter that denies namespaces (a container runtime's default profile,
  systemd's RestrictNamespaces= or SystemCallFilter=~@mount).
"""

import os
import subprocess
from functools import cache
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
APPARMOR_INSTALL = f"sudo sh {CHECKOUT / 'deploy' / 'apparmor' / 'install.sh'}"
SYSCTL = Path("/proc/sys")
APPARMOR_RESTRICTION = "kernel/apparmor_restrict_unprivileged_userns"
USERNS_SETTINGS = ("user.max_user_namespaces (above 0), kernel.unprivileged_userns_clone=1 on kernels that have it, "
                   "kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 23.10 and later (or keep it and load "
                   f"the box's AppArmor profile: {APPARMOR_INSTALL})")
HARDENING = ("ProtectKernelTunables=, ProtectKernelLogs=, ProtectKernelModules=, ProtectProc= and ProcSubset= "
             "(TLJH's jupyterhub.service sets ProtectKernelTunables=yes; give the grading servers a unit of their "
             "own without them, as SystemdSpawner does)")
CONTAINER_FIX = ("in a container the box needs an unmasked /proc (Kubernetes: securityContext.procMount: Unmasked; "
                 "Podman, Docker: --security-opt systempaths=unconfined) and seccomp and AppArmor profiles that allow "
                 "namespaces, which Docker's and containerd's defaults deny (Kubernetes: seccompProfile and AppArmor "
                 "profile Unconfined; Docker: --security-opt seccomp=unconfined --security-opt apparmor=unconfined), "
                 "and a grader that is not root unless the container has CAP_SYS_ADMIN; or grade outside the container")


def probe_command(rootless: bool) -> list[str]:
    """bubblewrap with the box's namespaces and fresh mounts, around /usr/bin/true."""
    argv = ["bwrap"] + (["--unshare-user", "--disable-userns"] if rootless else [])
    return argv + ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
                   "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                   "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
                   "--", "/usr/bin/true"]


@cache
def box_refused() -> str | None:
    """Why the box cannot be built here by this process, or None when it can."""
    rootless = os.geteuid() != 0
    probe = subprocess.run(probe_command(rootless), capture_output=True, text=True)
    if probe.returncode == 0:
        return None
    return explain((probe.stderr.strip().splitlines() or ["no message"])[-1], rootless)


def explain(said: str, rootless: bool) -> str:
    """What bubblewrap's complaint `said` means here, and what to change."""
    if "mount proc" in said.lower():  # bwrap: "Can't mount proc on /newroot/proc: ..."
        hidden = masked_proc()
        return (f"bubblewrap cannot mount a fresh /proc here (bwrap: {said}): " +
                (f"parts of this process's /proc are hidden ({', '.join(hidden[:6])}), " if hidden else "") +
                ("as in a container: " + CONTAINER_FIX if in_container() else
                 f"as a hardened service unit does: remove from the unit that starts the grader {HARDENING}"))
    reasons = []
    if sysctl(APPARMOR_RESTRICTION) == "1":
        reasons.append("AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns"
                       f"=1): load the box's AppArmor profile with {APPARMOR_INSTALL}")
    if sysctl("user/max_user_namespaces") == "0":
        reasons.append("user.max_user_namespaces=0")
    if sysctl("kernel/unprivileged_userns_clone") == "0":
        reasons.append("kernel.unprivileged_userns_clone=0")
    if seccomp_filtered():
        reasons.append("a seccomp filter is on this process (a container runtime's default profile, or systemd's "
                       "RestrictNamespaces=/SystemCallFilter=) and may deny namespaces: " +
                       (CONTAINER_FIX if in_container() else "remove those options from the grader's unit"))
    found = ("; found: " + "; ".join(reasons)) if reasons else ""
    if rootless:
        return (f"the grader is not root and this machine refuses unprivileged user namespaces (bwrap: {said}); "
                f"ask the administrator to allow them: {USERNS_SETTINGS}{found}")
    return (f"bubblewrap cannot make the box's namespaces here, even as root (bwrap: {said})"
            + (f"; {CONTAINER_FIX}" if in_container() and not reasons else found))


def sysctl(name: str) -> str | None:
    try:
        return (SYSCTL / name).read_text().strip()
    except OSError:
        return None


def masked_proc() -> list[str]:
    """What is mounted over parts of /proc (a hardened unit's or a container's masks)."""
    hidden = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = line.split()[4]
        if point.startswith("/proc/") and not point.startswith("/proc/sys/fs/binfmt_misc"):
            hidden.append(point)
    return hidden


def seccomp_filtered() -> bool:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("Seccomp:"):
            return line.split()[1] != "0"
    return False


def in_container() -> bool:
    """Whether this process runs in a container (Podman, Docker, Kubernetes, systemd-nspawn, LXC)."""
    return (Path("/run/.containerenv").exists() or Path("/.dockerenv").exists()
            or "KUBERNETES_SERVICE_HOST" in os.environ or Path("/run/systemd/container").exists()
            or os.environ.get("container") is not None)
