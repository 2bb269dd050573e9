"""A real JupyterHub for the tests, configured as `make hub` configures it (hub/jupyterhub_config.py,
the roster hub/courses.json: two courses).

`Hub(scratch)` starts it as root on free localhost ports with scratch state of its own: the
hub's database and secrets, nbgrader's exchange (made by the set-up, hub/courses.py exchange),
and a home per account for its server, the graders' holding their course folder (hub/courses.py
folder) and course secret, so a developer's own `make hub` state and the accounts' own homes are
never touched. It waits until the hub answers; `stop()` ends the hub, the proxy, the courses'
formgraders and every person's server (and what those started), leaving no process behind.
"""

import os
import secrets
import signal
import tempfile
import subprocess
import time
import urllib.request
from pathlib import Path

from .accounts import BIN, ROSTER, account, remove
from .conftest import REPO
from .jupyterlab import LoggedServer, free_port

CONFIG = REPO / "hub" / "jupyterhub_config.py"
SETUP = [str(BIN / "python"), str(REPO / "hub" / "courses.py")]
PROXY = REPO / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"


def descendants(pid: int) -> set[int]:
    """Every live process under `pid` (children, grandchildren, ...), read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


class Hub(LoggedServer):
    """JupyterHub on 127.0.0.1 with a scratch state folder, exchange and course folder."""

    name = "jupyterhub"

    def __init__(self, scratch: Path):
        if not PROXY.exists():
            raise RuntimeError(f"no proxy at {PROXY}: run `make setup` (it installs hub/node_modules)")
        self.state = scratch / "hub-state"
        # Outside root's private temporary folders, so every account reaches it.
        self.exchange = Path(tempfile.mkdtemp(prefix="tg-tests-exchange-"))
        subprocess.run([*SETUP, "exchange", str(self.exchange)], check=True, capture_output=True)
        self.homes = Path(tempfile.mkdtemp(prefix="tg-tests-homes-"))
        self.homes.chmod(0o755)
        for name in [*ROSTER.people(), *(course.grader for course in ROSTER.courses)]:
            self.home(name).mkdir(mode=0o700)
            os.chown(self.home(name), account(name).pw_uid, account(name).pw_gid)
        for course in ROSTER.courses:
            subprocess.run([*SETUP, "folder", course.id, str(self.course(course.id))], check=True)
            secret = self.secret_file(course.id)
            secret.parent.mkdir(parents=True, mode=0o700)
            secret.write_text(secrets.token_hex(32))
            secret.chmod(0o600)
            for path in (secret, secret.parent, secret.parent.parent):
                os.chown(path, account(course.grader).pw_uid, account(course.grader).pw_gid)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("JUPYTER", "NBGRADER_", "TENSOR_GEARS_"))}
        env.update(PATH=f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}", TENSOR_GEARS_HUB_STATE=str(self.state),
                   TENSOR_GEARS_HUB_PORT=str(self.port), TENSOR_GEARS_HUB_API_PORT=str(free_port()),
                   TENSOR_GEARS_PROXY_API_PORT=str(free_port()), TENSOR_GEARS_EXCHANGE=str(self.exchange),
                   TENSOR_GEARS_SERVICE_PORTS=",".join(str(free_port()) for _ in ROSTER.courses),
                   TENSOR_GEARS_HUB_HOMES=str(self.homes))
        self.log_path = scratch / "jupyterhub.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(CONFIG)], cwd=scratch, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        try:
            self._wait_ready(timeout=90)
        except BaseException:
            self.stop()
            raise

    def course(self, course_id: str) -> Path:
        """The course folder, in its grader's home."""
        return self.home(f"grader-{course_id}") / course_id

    def secret_file(self, course_id: str) -> Path:
        """The course secret, where the grader's server looks for it (~/.config/tensor-gears/secret)."""
        return self.home(f"grader-{course_id}") / ".config" / "tensor-gears" / "secret"

    def home(self, name: str) -> Path:
        """The HOME of `name`'s server (a scratch folder of theirs)."""
        return self.homes / name

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def answers(self) -> bool:
        with urllib.request.urlopen(self.url("hub/api/"), timeout=10) as response:
            return response.status == 200

    def stop(self) -> None:
        """SIGTERM: the hub stops each user's server and the proxy; then whatever is left is killed."""
        tree = descendants(self.process.pid)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        deadline = time.monotonic() + 20
        while (left := {pid for pid in tree if Path(f"/proc/{pid}").exists()}) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.left_behind = sorted(left)
        self._log.close()
        remove(self.exchange)
        remove(self.homes)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
