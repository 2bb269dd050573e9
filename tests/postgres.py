"""A PostgreSQL server of the test's own, for the gradebook on PostgreSQL (nbgrader's `db_url`).

`PostgresServer` runs initdb into a temporary folder as an unprivileged user (PostgreSQL refuses
to run as root, and the tests run as root in CI), starts `postgres` on 127.0.0.1 on a free port
with its unix socket inside that folder, waits until it accepts connections, creates a database,
and on exit stops the server (`pg_ctl stop -m fast`) and removes the folder. The server
binaries are Debian's `postgresql` package and the user is `tensor-gears-postgres`, both set up
by `make setup`; without them the fixture fails saying so (it never skips).

Test modules import the fixture: `from .postgres import postgres_url`; other code
uses `with PostgresServer() as server:` and `server.url`.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

USER = "tensor-gears-postgres"
SUPERUSER = "postgres"
DATABASE = "gradebook"
DRIVER = "postgresql+psycopg"
SETUP = "run `make setup` as root (Makefile target `postgres`)"


class PostgresUnavailable(RuntimeError):
    """What the server needs is not installed, or the server did not come up."""


def server_binaries() -> Path:
    """The folder of initdb, postgres and pg_ctl: Debian's newest, else the ones on PATH."""
    def version(path: str) -> tuple[int, ...]:
        number = Path(path).parents[1].name
        return tuple(int(part) for part in number.split(".") if part.isdigit())
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path and (Path(on_path).parent / "postgres").exists():
        return Path(on_path).parent
    raise PostgresUnavailable(f"no PostgreSQL server binaries (initdb, postgres, pg_ctl; looked in "
                              f"/usr/lib/postgresql/*/bin and on PATH): {SETUP} to install Debian's `postgresql`")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """`with PostgresServer() as server:` a running server; `server.url` is the SQLAlchemy URL
    of its database `gradebook`, `server.url_for(name)` that of another one it created."""

    def __init__(self, database: str = DATABASE, start_timeout: float = 60):
        self.database = database
        self.start_timeout = start_timeout
        self.folder: Path | None = None
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    # ---- who the server runs as ----------------------------------------------------------

    def _identity(self) -> dict:
        """Popen arguments that run a command as the server's user (only needed as root)."""
        if os.geteuid() != 0:
            return {}
        try:
            user = pwd.getpwnam(USER)
        except KeyError:
            raise PostgresUnavailable(f"no user {USER!r} to run PostgreSQL as (it refuses to run as root): "
                                      f"{SETUP}") from None
        return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}

    def _environment(self) -> dict:
        """This environment without libpq's PG* variables, which would point clients elsewhere."""
        environment = {name: value for name, value in os.environ.items() if not name.startswith("PG")}
        environment.update(HOME=str(self.folder), LC_ALL="C")
        return environment

    def _run(self, *command, as_server: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=timeout,
                                env=self._environment(), cwd=self.folder,
                                **(self._identity() if as_server else {}))
        if result.returncode != 0:
            raise PostgresUnavailable(f"{Path(str(command[0])).name} failed (exit {result.returncode}):\n"
                                      f"{(result.stdout + result.stderr)[-3000:]}")
        return result

    # ---- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> "PostgresServer":
        self.bin = server_binaries()
        identity = self._identity()
        self.folder = Path(tempfile.mkdtemp(prefix="tensor-gears-postgres-"))
        try:
            if identity:
                os.chown(self.folder, identity["user"], identity["group"])
            self._run(self.bin / "initdb", "-D", self.data, "--username", SUPERUSER, "--auth", "trust",
                      "--no-locale", "--encoding", "UTF8", "--no-sync", timeout=120)
            self._start()
            self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", SUPERUSER,
                      self.database, as_server=False)
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop()

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    @property
    def url(self) -> str:
        return self.url_for(self.database)

    def url_for(self, database: str) -> str:
        return f"{DRIVER}://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A further empty database on this server; returns its URL."""
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", SUPERUSER, name, as_server=False)
        return self.url_for(name)

    def _start(self, attempts: int = 3) -> None:
        """Start `postgres` on a free port; a port taken in the meantime is retried with another."""
        for attempt in range(attempts):
            self.port = free_port()
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [str(self.bin / "postgres"), "-D", str(self.data), "-h", "127.0.0.1", "-p", str(self.port),
                     "-k", str(self.folder),
                     # A throwaway server: durability is not wanted, speed is.
                     "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=self._environment(),
                    cwd=self.folder, **self._identity())
            if self._wait_until_ready():
                return
            taken = "could not bind" in self._log_tail() or "Address already in use" in self._log_tail()
            if not taken or attempt == attempts - 1:
                break
        exited = self.process.poll()
        what = f"exited with code {exited}" if exited is not None else \
            f"did not accept connections within {self.start_timeout:g} s"
        raise PostgresUnavailable(f"PostgreSQL on 127.0.0.1:{self.port} {what}; its log:\n{self._log_tail()}")

    def _wait_until_ready(self) -> bool:
        """True once the server accepts connections; False if it died or the time ran out."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            ready = subprocess.run([str(self.bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port),
                                    "-U", SUPERUSER, "-t", "2"], env=self._environment(), check=False)
            if ready.returncode == 0:
                return True
            time.sleep(0.2)
        return False

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"

    def _stop(self) -> None:
        """Stop the server (fast shutdown: sessions are ended) and remove the folder."""
        try:
            if self.process is not None and self.process.poll() is None:
                subprocess.run([str(self.bin / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "30"],
                               capture_output=True, env=self._environment(), cwd=self.folder, timeout=60,
                               check=False, **self._identity())
                try:
                    self.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        finally:
            self.process = None
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres_url():
    """The SQLAlchemy URL (postgresql+psycopg://) of an empty database on a PostgreSQL server of
    the module's own, stopped and removed after the module's tests. Fails (never skips) when
    the server binaries, its user or the driver are missing."""
    try:
        import psycopg  # noqa: F401 (SQLAlchemy's driver for postgresql+psycopg://)
    except ImportError:
        pytest.fail(f"the PostgreSQL driver psycopg is not installed: {SETUP}", pytrace=False)
    server = PostgresServer()
    try:
        server.__enter__()
    except PostgresUnavailable as error:
        pytest.fail(f"PostgreSQL is not available: {error}", pytrace=False)
    try:
        yield server.url
    finally:
        server.__exit__(None, None, None)
