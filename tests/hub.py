"""A real JupyterHub for the tests, configured as `make hub` configures it (hub/jupyterhub_config.py).

`Hub(scratch)` starts it as root on free localhost ports with scratch state of its own: the
hub's database and secrets, nbgrader's exchange, the instructor's course folder (owned by
tg-instructor, with a course secret beside it) and a home per account for its server, so a
developer's own `make hub` state and the accounts' own homes are never touched. It waits until the hub answers; `stop()` ends the hub, the proxy and every
single-user server (and what those started), leaving no process behind.
"""

import os
import secrets
import shutil
import signal
import tempfile
import subprocess
import time
import urllib.request
from pathlib import Path

from .accounts import BIN, GRADER, INSTRUCTOR, STUDENTS, account, give, owned_folder, remove
from .conftest import REPO
from .jupyterlab import LoggedServer, free_port

CONFIG = REPO / "hub" / "jupyterhub_config.py"
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
        # Outside root's private temporary folders, so every account reaches it; made as `make hub`
        # makes it (hub/exchange.sh: every account writes there, sticky).
        self.exchange = Path(tempfile.mkdtemp(prefix="tg-tests-exchange-"))
        subprocess.run(["sh", str(REPO / "hub" / "exchange.sh"), str(self.exchange)], check=True)
        # The instructor's own folder, outside their home: the course and, beside it, its secret.
        self.instructor_folder = owned_folder(INSTRUCTOR, "hub-instructor")
        self.course = self.instructor_folder / "course"
        self.course.mkdir()
        shutil.copy(REPO / "nbgrader_config.py", self.course)
        shutil.copytree(REPO / "source", self.course / "source")
        self.secret_file = self.instructor_folder / "secret"
        self.secret_file.write_text(secrets.token_hex(32))
        self.secret_file.chmod(0o600)
        give(INSTRUCTOR, self.instructor_folder)
        self.homes = Path(tempfile.mkdtemp(prefix="tg-tests-homes-"))
        self.homes.chmod(0o755)
        for name in (INSTRUCTOR, GRADER, *STUDENTS):
            self.home(name).mkdir(mode=0o700)
            os.chown(self.home(name), account(name).pw_uid, account(name).pw_gid)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("JUPYTER", "NBGRADER_", "TENSOR_GEARS_"))}
        env.update(PATH=f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}", TENSOR_GEARS_HUB_STATE=str(self.state),
                   TENSOR_GEARS_HUB_PORT=str(self.port), TENSOR_GEARS_HUB_API_PORT=str(free_port()),
                   TENSOR_GEARS_PROXY_API_PORT=str(free_port()), TENSOR_GEARS_EXCHANGE=str(self.exchange),
                   TENSOR_GEARS_COURSE=str(self.course), TENSOR_GEARS_SECRET_FILE=str(self.secret_file),
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
        remove(self.instructor_folder)
        remove(self.exchange)
        remove(self.homes)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
