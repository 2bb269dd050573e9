"""Virtual machines for the tests: Debian's kernel (`linux-image-amd64`) booted by QEMU through
virtme-ng on this machine's own files, read-only but for the folders handed in, with a script.

`boot(script, share)` boots one machine, runs `script` (sh) in it as root and returns what it
printed; the script writes what it found into `share` (a folder of this machine, writable in
the VM at the same path), where the tests read it. The machine is what the arguments make it:
`append` adds to the kernel's command line (e.g. `systemd.unified_cgroup_hierarchy=1`),
`sysctls` are set before the script starts, `options` go to `vng` as they are (e.g.
`--systemd`). The machine's files are this machine's: a shell's own accounts, Python and the
project's environment are all there. Its /tmp and the shared folders are 9p (no Unix sockets):
TMPDIR is a tmpfs of the VM's own (`VM_TMP`).

KVM does not boot a kernel on the project's machine (it hangs after the BIOS): QEMU emulates.
A machine that does not start is an error with its reason, never a skip.
"""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent  # vng runs virtme-run from PATH
VM_TMP = "/var/tmp"  # a tmpfs inside the VM (virtme-ng mounts one there)
MEMORY = "6G"  # above the box's 4 GB memory cap, so the cap is what stops a memory bomb
CPUS = 2
BOOT_TIMEOUT = 1500  # seconds for a boot and its whole script under emulation


class MachineFailed(AssertionError):
    """The VM did not start, or its script did not finish: the reason is in the message."""


@dataclass
class Run:
    """One machine's run: what it printed, how it ended, how long it took (wall and this side's CPU)."""

    output: str
    returncode: int
    seconds: float  # the machine's, from vng's start to its end
    cpu_seconds: float  # vng's and QEMU's
    image_seconds: float  # making the disk images, before


def kernel() -> Path:
    """The kernel `linux-image-amd64` installed (its dependency names the versioned package)."""
    depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", "linux-image-amd64"], capture_output=True,
                             text=True)
    if depends.returncode != 0:
        raise MachineFailed(f"no VM kernel: linux-image-amd64 is not installed (make setup installs it): "
                            f"{depends.stderr.strip()}")
    package = depends.stdout.split()[0]
    image = Path("/boot") / package.replace("linux-image-", "vmlinuz-", 1)
    if not image.exists():
        raise MachineFailed(f"no VM kernel: {image} ({package}) is missing")
    return image


def image(folder: Path, into: Path) -> Path:
    """`folder` as an ext4 image file in `into`, to mount read-only over the same path in a VM."""
    size = sum(entry.stat(follow_symlinks=False).st_size for entry in folder.rglob("*")) * 5 // 4 + (256 << 20)
    path = into / f"{folder.name.lstrip('.') or 'root'}.ext4"
    path.unlink(missing_ok=True)
    with path.open("wb") as file:
        file.truncate(size)
    made = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-O", "^has_journal", "-d", str(folder),
                           "-E", "root_owner=0:0", str(path)], capture_output=True, text=True)
    if made.returncode != 0:
        raise MachineFailed(f"the image of {folder} could not be made: {made.stderr.strip()}")
    return path


def boot(script: str, share: Path, *, append: tuple[str, ...] = (), sysctls: dict[str, str] | None = None,
         options: tuple[str, ...] = (), memory: str = MEMORY, cpus: int = CPUS,
         timeout: float = BOOT_TIMEOUT, images: tuple[Path, ...] = ()) -> Run:
    """Boot a VM, run `script` in it as root (TMPDIR on the VM's own tmpfs) and return its run.
    `share` is writable in the VM, at the same path; the script's output ends up in `share`/vm.log."""
    share.mkdir(parents=True, exist_ok=True)
    share.chmod(0o777)
    settings = "".join(f"sysctl -q -w {key}={value} || exit 97\n" for key, value in (sysctls or {}).items())
    made = time.monotonic()
    disks = {folder: image(folder, share) for folder in images}
    image_seconds = time.monotonic() - made
    mounts = "".join(f"mount -o ro /dev/vd{chr(ord('a') + index)} {folder} || exit 96\n"
                     for index, folder in enumerate(disks))
    if disks:
        mounts = "modprobe -q virtio_blk && modprobe -q ext4 || exit 96\n" + mounts
    (share / "vm.sh").write_text(f"export TMPDIR={VM_TMP}\n{settings}{mounts}{script}")
    argv = [str(BIN / "vng"), "--disable-kvm", "--force-9p", "--run", str(kernel()), "--memory", memory,
            "--cpus", str(cpus), "--rwdir", str(share), *[f"--append={item}" for item in append],
            *[f"--disk={path}" for path in disks.values()], *options,
            "--exec", f"sh {share / 'vm.sh'} > {share / 'vm.log'} 2>&1; echo VM-EXIT $?"]
    started, cpu = time.monotonic(), os.times()
    # A session of its own: QEMU is vng's child, and a VM past its time goes with vng.
    machine = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               text=True, start_new_session=True,
                               env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"})
    try:
        stdout, stderr = machine.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        os.killpg(machine.pid, signal.SIGKILL)
        machine.communicate()
        raise MachineFailed(f"the VM did not finish within {timeout} s: {log(share)[-3000:]}") from expired
    finally:
        for disk in disks.values():
            disk.unlink(missing_ok=True)
    finished = os.times()
    seconds = time.monotonic() - started
    exits = [line for line in stdout.splitlines() if line.startswith("VM-EXIT ")]
    if not exits:
        raise MachineFailed(f"the VM did not start or its script did not run (vng exited {machine.returncode}): "
                            f"{(stdout + stderr)[-3000:]}")
    return Run(log(share), int(exits[-1].split()[1]), seconds,
               finished.children_user + finished.children_system - cpu.children_user - cpu.children_system,
               image_seconds)


def log(share: Path) -> str:
    try:
        return (share / "vm.log").read_text(errors="replace")
    except OSError:
        return ""
