"""The course's local accounts (`make setup` creates them with hub/accounts.sh), and commands
run as one of them, the way that person would run them from a shell of their own.

`as_account(name, argv)` runs `argv` as that user (setpriv, with the user's own groups), with
the environment a login would give them (HOME, USER, LOGNAME, SHELL, a PATH that starts with
the project's environment) and nothing of root's. `owned_folder(name)` is a new private
folder of theirs for a scratch course (pytest's own temporary folders are root's alone).
"""

import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

INSTRUCTOR = "tg-instructor"
GRADER = "tg-grader"
STUDENTS = ("tg-ada", "tg-bo", "tg-cy")
PASSWORDS = Path("/etc/tensor-gears/hub-passwords")
BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]


def account(name: str) -> pwd.struct_passwd:
    return pwd.getpwnam(name)


def login_environment(name: str, **extra: str) -> dict[str, str]:
    """What a login shell of `name` has, with the project's environment first on PATH."""
    entry = account(name)
    environment = {"HOME": entry.pw_dir, "USER": name, "LOGNAME": name, "SHELL": entry.pw_shell,
                   "LANG": "C.UTF-8", "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin"}
    return {**environment, **extra}


def command_as(name: str, argv: list[str], env: dict[str, str] | None = None) -> list[str]:
    """`argv` as `name` would run it: their uid, gid and groups, and only `env` (a login's by default)."""
    entry = account(name)
    environment = [f"{key}={value}" for key, value in (env or login_environment(name)).items()]
    return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups",
            "--", "env", "-i", *environment, *argv]


def as_account(name: str, argv: list[str], *, env: dict[str, str] | None = None, **kwargs):
    """Run `argv` as `name` (subprocess.run's keywords apply; text output by default)."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run(command_as(name, argv, env), **kwargs)


def popen_as_account(name: str, argv: list[str], *, env: dict[str, str] | None = None, **kwargs):
    """`as_account`, without waiting: the process keeps running."""
    return subprocess.Popen(command_as(name, argv, env), **kwargs)


def owned_folder(name: str, label: str) -> Path:
    """A new folder owned by `name` (0700), outside root's private temporary folders."""
    folder = Path(tempfile.mkdtemp(prefix=f"tg-tests-{label}-"))
    entry = account(name)
    os.chown(folder, entry.pw_uid, entry.pw_gid)
    return folder


def give(name: str, path: Path) -> None:
    """Hand `path` and everything under it to `name` (a course copied in by root)."""
    entry = account(name)
    for folder, dirs, files in os.walk(path):
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        for item in dirs + files:
            os.chown(os.path.join(folder, item), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def password(name: str) -> str:
    """The hub login password of `name` (random, written by hub/accounts.sh; root-only file)."""
    for line in PASSWORDS.read_text().splitlines():
        user, _, secret = line.partition(":")
        if user == name:
            return secret
    raise KeyError(f"{name} has no password in {PASSWORDS}: run `make setup`")


def hub_roster():
    """The hub's roster (hub/roster.py reading hub/courses.json: the courses `make setup` sets up)."""
    spec = importlib.util.spec_from_file_location("hub_roster", REPO / "hub" / "roster.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.read(REPO / "hub" / "courses.json")


ROSTER = hub_roster()
