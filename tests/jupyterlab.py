"""A JupyterLab server and a headless Chromium, for the browser test (tests/test_browser.py).

The server runs as `make student-lab` runs it (JUPYTER_CONFIG_PATH pointing at `student/`),
or with the instructor's normal configuration, on 127.0.0.1, on a free port, with a token.
Its user settings, workspaces, runtime files and user config live in a scratch folder, so
nothing of the machine's own ~/.jupyter changes what the test sees.

The browser is Debian's chromium (`make setup` installs it; Playwright's own browser
downloads are not available here), driven by the `playwright` package through
`executable_path`, with a fresh profile and no background network.
"""

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STUDENT_CONFIG = REPO / "student"
CHROMIUM = os.environ.get("TENSOR_GEARS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LoggedServer:
    """A server process (`self.process`) writing to `self.log_path`: its log, and a wait until
    `answers()` says it is up."""

    name = "the server"

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def answers(self) -> bool:
        raise NotImplementedError

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log()}")
            try:
                if self.answers():
                    return
            except OSError:
                pass
            time.sleep(0.2)  # polling a port that is not open yet: nothing to wait on
        raise TimeoutError(f"{self.name} did not answer within {timeout} s:\n{self.log()}")


class JupyterLab(LoggedServer):
    """`jupyter lab` serving `root_dir`; `student=True` is the students' environment."""

    name = "jupyter lab"

    def __init__(self, root_dir: Path, scratch: Path, *, student: bool, extra_args: tuple[str, ...] = ()):
        self.root_dir = root_dir
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        scratch.mkdir(parents=True, exist_ok=True)
        self.log_path = scratch / "jupyterlab.log"
        env = dict(os.environ)
        bin_dir = str(Path(sys.executable).parent)
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
        for name in ("JUPYTER_CONFIG_PATH", "JUPYTER_PREFER_ENV_PATH", "NBGRADER_EXECUTION", "NBGRADER_VALIDATING"):
            env.pop(name, None)
        if student:
            env["JUPYTER_CONFIG_PATH"] = str(STUDENT_CONFIG)  # as `make student-lab` does
        for name, sub in (("JUPYTER_CONFIG_DIR", "user-config"), ("JUPYTERLAB_SETTINGS_DIR", "user-settings"),
                          ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                          ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib")):
            (scratch / sub).mkdir(exist_ok=True)
            env[name] = str(scratch / sub)
        env.pop("MPLBACKEND", None)  # the kernel's inline backend, as in a student's lab
        command = [
            str(Path(bin_dir) / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={root_dir}", *extra_args,
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, cwd=root_dir, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            self._wait_ready(timeout=60)
        except BaseException:
            self.stop()
            raise

    def url(self, path: str) -> str:
        separator = "&" if "?" in path else "?"
        return f"{self.base}/{path.lstrip('/')}{separator}token={self.token}"

    def get(self, path: str, method: str = "GET") -> tuple[int, str]:
        """HTTP status and body of `method` `path`, authenticated with the token."""
        request = urllib.request.Request(f"{self.base}/{path.lstrip('/')}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def shut_down_kernels(self) -> None:
        """End every session and kernel (what a closed notebook leaves running)."""
        for session in json.loads(self.get("api/sessions")[1]):
            self.get(f"api/sessions/{session['id']}", method="DELETE")
        for kernel in json.loads(self.get("api/kernels")[1]):
            self.get(f"api/kernels/{kernel['id']}", method="DELETE")

    def answers(self) -> bool:
        return self.get("api/status")[0] == 200

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: the server shuts its kernels down and exits
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def launch_chromium(playwright, profile: Path, **context_options):
    """A headless Chromium context (Debian's chromium) on a fresh profile folder."""
    if profile.exists():
        shutil.rmtree(profile)
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **context_options)


def screenshot_folder(tmp_path_factory, request, kind: str):
    """A fixture body: a folder for screenshots, copied to $TENSOR_GEARS_ARTEFACTS/<kind>/ when
    that is set, and listed at the end of the run (shown even when every test passes)."""
    folder = tmp_path_factory.mktemp(f"{kind}-screenshots")
    yield folder
    lines = [f"{kind} test screenshots: {folder}"]
    if os.environ.get("TENSOR_GEARS_ARTEFACTS"):
        target = Path(os.environ["TENSOR_GEARS_ARTEFACTS"]) / kind
        target.mkdir(parents=True, exist_ok=True)
        for shot in sorted(folder.glob("*.png")):
            shutil.copy(shot, target / shot.name)
        lines.append(f"  copied to {target}")
    lines += [f"  {shot}" for shot in sorted(folder.glob("*.png"))]
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\n" + "\n".join(lines))
