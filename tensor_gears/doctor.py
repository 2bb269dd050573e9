"""`tensor-gears doctor`: what the box will be on this machine, for this account, and what to
change where it is weaker than it could be.

Run it where grading runs: as root on a grading machine, and as the instructor in the
instructor's own server (the formgrader's Autograde runs there). Each finding is a line
`ok`, `weaker` or `refused`, with the exact command or setting that fixes it; the verdict says
which box grading will use and what holds. Exit status: 0 the box and every limit hold, 1
grading works but something is weaker than it could be, 2 grading refuses here.
"""

import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .sandbox import box, cgroup_v2, cgroups, launch, probe
from .secret import ALLOW_DEFAULT

OK, WEAKER, REFUSED = "ok", "weaker", "refused"
SECRET_FILE = Path("~/.config/tensor-gears/secret")
EXCHANGE = "/srv/nbgrader/exchange"  # hub/exchange.sh's default; TENSOR_GEARS_EXCHANGE names another


@dataclass
class Finding:
    status: str  # OK, WEAKER or REFUSED
    topic: str
    said: str

    def line(self) -> str:
        return f"{self.status:>8}  {self.topic}: {self.said}"


def findings() -> list[Finding]:
    return [*bubblewrap(), *namespaces(), *control_groups(), *secret(), *exchange()]


def bubblewrap() -> list[Finding]:
    found = shutil.which("bwrap")
    if found is None:
        return [Finding(REFUSED, "bubblewrap", "not installed: apt-get install bubblewrap (as root)")]
    version = subprocess.run(["bwrap", "--version"], capture_output=True, text=True).stdout.strip()
    return [Finding(OK, "bubblewrap", f"{found} ({version})")]


def namespaces() -> list[Finding]:
    """The box itself, tried; and as root, whether an unprivileged grader (an instructor's server) could build one."""
    said = []
    reason = box.available()
    if reason is None:
        said.append(Finding(OK, "box", "bubblewrap builds the box's namespaces and a fresh /proc here"))
    else:
        said.append(Finding(REFUSED, "box", reason))
    restriction = probe.sysctl(probe.APPARMOR_RESTRICTION)
    if restriction is not None:
        profiles = Path("/sys/kernel/security/apparmor/policy/profiles")
        loaded = profiles.is_dir() and any("tensor-gears-bwrap" in path.name for path in profiles.iterdir())
        said.append(Finding(OK if restriction == "0" or loaded else WEAKER if os.geteuid() == 0 else REFUSED,
                            "AppArmor user-namespace restriction",
                            f"kernel.apparmor_restrict_unprivileged_userns={restriction}" +
                            (", the box's profile is loaded" if loaded else
                             "" if restriction == "0" else
                             f": unprivileged graders are refused until the box's profile is loaded: "
                             f"{probe.APPARMOR_INSTALL}")))
    if os.geteuid() == 0 and shutil.which("bwrap") and shutil.which("setpriv"):
        nobody = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                                 *probe.probe_command(rootless=True)], capture_output=True, text=True)
        if nobody.returncode == 0:
            said.append(Finding(OK, "unprivileged graders", "an account that is not root (an instructor's server) "
                                                            "gets the rootless box here"))
        else:
            last = (nobody.stderr.strip().splitlines() or ["no message"])[-1]
            said.append(Finding(WEAKER, "unprivileged graders", probe.explain(last, rootless=True)))
    return said


def control_groups() -> list[Finding]:
    version = "v2 (unified)" if cgroup_v2.unified() else "v1"
    limits = cgroups.controls()
    missing = [name for name in ("CPU", "memory", "processes") if name not in limits]
    where = cgroup_v2.boxes_parent()[1] if cgroup_v2.unified() else "cgroup v1 hierarchies under /sys/fs/cgroup"
    if not missing:
        return [Finding(OK, "cgroups", f"{version}; each box gets groups for CPU, memory and processes ({where})")]
    if cgroup_v2.unified():
        fix = (f"no group of its own: {where}" if "v2 groups in" not in where else
               "the controllers missing from cgroup.controllers must be delegated to this account's group "
               "(systemd: Delegate=memory pids on the grading unit)")
    else:
        fix = ("give the grading account cgroup folders of its own: /sys/fs/cgroup/<controller>/tensor-gears owned by "
               "it, for cpuacct, memory and pids" if os.geteuid() != 0 else "mount the cgroup v1 controllers "
               "cpuacct, memory and pids read-write")
    held = ", ".join(limits) or "nothing"
    return [Finding(WEAKER, "cgroups", f"{version}; a box's groups hold {held}, not {', '.join(missing)}; {fix}")]


def secret() -> list[Finding]:
    if os.environ.get("TENSOR_GEARS_SECRET"):
        return [Finding(OK, "course secret", "set in TENSOR_GEARS_SECRET")]
    path = Path(os.environ.get("TENSOR_GEARS_SECRET_FILE", SECRET_FILE)).expanduser()
    if not path.is_file() and os.environ.get(ALLOW_DEFAULT) == "1":
        return [Finding(WEAKER, "course secret", f"the public default ({ALLOW_DEFAULT}=1: tests and demos only); "
                                                 f"for a course write one to {path} (mode 0600)")]
    if not path.is_file():
        return [Finding(REFUSED, "course secret", f"none: grading refuses; write one to {path} (mode 0600): "
                                                  f"mkdir -p {path.parent} && openssl rand -hex 32 > {path} && "
                                                  f"chmod 600 {path}")]
    status = path.stat()
    if status.st_uid != os.geteuid() or status.st_mode & 0o077:
        return [Finding(WEAKER, "course secret", f"{path} is mode {stat.filemode(status.st_mode)}, owner uid "
                                                 f"{status.st_uid}: others could compute the hidden inputs; "
                                                 f"chown {os.geteuid()} {path} && chmod 600 {path}")]
    return [Finding(OK, "course secret", f"{path}, mode 0600, this account's")]


def exchange() -> list[Finding]:
    """The exchange's folders, to two levels: none writable by others without the sticky bit (anyone could
    remove or rename what others put there)."""
    root = Path(os.environ.get("TENSOR_GEARS_EXCHANGE", EXCHANGE))
    if not root.exists():
        return [Finding(OK, "exchange", f"none at {root} (needed only on a hub: sh hub/exchange.sh, as root)")]
    folders = [root, *[path for path in root.glob("*") if path.is_dir()], *[path for path in root.glob("*/*")
                                                                           if path.is_dir()]]
    open_folders = [path for path in folders if path.stat().st_mode & (stat.S_IWOTH | stat.S_ISVTX) == stat.S_IWOTH]
    if root.stat().st_uid != 0 or open_folders:
        return [Finding(WEAKER, "exchange", f"{root} owner uid {root.stat().st_uid}; writable by everyone without the "
                                            f"sticky bit: {', '.join(map(str, open_folders)) or 'none'}: anyone can "
                                            f"remove or rename what others put there: chown root: {root} && chmod "
                                            f"+t {' '.join(map(str, open_folders))}")]
    return [Finding(OK, "exchange", f"{root}, root's, mode {stat.filemode(root.stat().st_mode)}; no folder in it "
                                    "is writable by everyone without the sticky bit")]


def verdict(found: list[Finding]) -> tuple[str, int]:
    refused = [finding for finding in found if finding.status == REFUSED]
    if refused:
        return f"grading refuses here ({', '.join(finding.topic for finding in refused)}: see above)", 2
    said = launch.describe_isolation()
    weaker = any(finding.status == WEAKER for finding in found)
    return (f"grading will use the {launch.isolation()} box: {said}", 1 if weaker else 0)


def main() -> int:
    found = findings()
    print(f"tensor-gears doctor: {'root' if os.geteuid() == 0 else 'account ' + str(os.geteuid())}, kernel "
          f"{os.uname().release}")
    for finding in found:
        print(finding.line())
    said, status = verdict(found)
    print(f"\nverdict: {said}")
    return status
