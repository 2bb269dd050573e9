"""JupyterHub for the courses of hub/courses.json (`make hub`; the tests start it with tests/hub.py).

The hub runs as root on 127.0.0.1: local Unix accounts log in with their PAM password, and each
person's `jupyterhub-singleuser` runs as that person, from the project's environment (students
and staff alike: the assignment list and Validate). Each course is
nbgrader's documented shape (hub/course_hub.py): a service named after the course, run as
`grader-<course>`, holds its formgrader, course folder, gradebook and secret; the hub groups
`formgrade-<course>` (instructors, TAs) reach it, `nbgrader-<course>` are its students. The set-up
(hub/courses.py, `make courses`) makes the accounts, groups, exchange and course folders first.

Settings from the environment (the defaults are what `make hub` uses):
  TENSOR_GEARS_COURSES       the roster (hub/courses.json)
  TENSOR_GEARS_HUB_STATE     the hub's database, cookie secret and proxy token (build/hub)
  TENSOR_GEARS_HUB_PORT      the public port (8000); the hub's API and the proxy's API use
                             TENSOR_GEARS_HUB_API_PORT (8081) and TENSOR_GEARS_PROXY_API_PORT (8001)
  TENSOR_GEARS_SERVICE_PORTS the courses' formgraders, one port each in the roster's order
                             (8101,8102,...)
  TENSOR_GEARS_EXCHANGE      nbgrader's exchange root (/srv/nbgrader/exchange)
  TENSOR_GEARS_HUB_HOMES     unset: each server runs in its account's home (a grader's course
                             folder is ~grader-<course>/<course>); tests set a scratch folder
                             holding a home per account
"""

import os
import pwd
import secrets
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

HUB = Path(__file__).resolve().parent
REPO = HUB.parent
ENV = REPO / ".venv"
BIN = ENV / "bin"
sys.path.insert(0, str(HUB))

import course_hub  # noqa: E402 (hub/, put on the path above)
import roster as rosters  # noqa: E402

ROSTER = rosters.read()
STATE = Path(os.environ.get("TENSOR_GEARS_HUB_STATE", REPO / "build" / "hub")).resolve()
STATE.mkdir(parents=True, exist_ok=True, mode=0o700)
EXCHANGE = os.environ.get("TENSOR_GEARS_EXCHANGE", "/srv/nbgrader/exchange")
HOMES = os.environ.get("TENSOR_GEARS_HUB_HOMES")
PORT = int(os.environ.get("TENSOR_GEARS_HUB_PORT", "8000"))
HUB_API_PORT = int(os.environ.get("TENSOR_GEARS_HUB_API_PORT", "8081"))
PROXY_API_PORT = int(os.environ.get("TENSOR_GEARS_PROXY_API_PORT", "8001"))
SERVICE_PORTS = [int(port) for port in os.environ.get(
    "TENSOR_GEARS_SERVICE_PORTS", ",".join(str(8101 + index) for index in range(len(ROSTER.courses)))).split(",")]

c = get_config()  # noqa: F821 (provided by JupyterHub)

# Only on this machine: the public port, the hub's own API and the proxy's API.
c.JupyterHub.bind_url = f"http://127.0.0.1:{PORT}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{HUB_API_PORT}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PROXY_API_PORT}"
# The proxy installed from npm by `make hub` (hub/package.json pins it).
c.ConfigurableHTTPProxy.command = [str(HUB / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# The hub's state, root's alone: its database, its cookie secret, the proxy's token.
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
token_file = STATE / "proxy_token"
if not token_file.exists():
    token_file.touch(mode=0o600)
    token_file.write_text(secrets.token_hex(32))
c.ConfigurableHTTPProxy.auth_token = token_file.read_text().strip()

# Local Unix accounts and their PAM passwords; only the roster's people may log in.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no login session (utmp, pam_systemd) for a web login
c.Authenticator.allowed_users = ROSTER.people()


def home(name: str) -> str:
    """The home of the account `name`'s server (a scratch folder of theirs in the tests)."""
    return os.path.join(HOMES, name) if HOMES else pwd.getpwnam(name).pw_dir


course_hub.add_courses(c, ROSTER, ENV, lambda course: home(course.grader), SERVICE_PORTS, EXCHANGE)


def landing(handler) -> str:
    """Where / leads after login: staff to the hub's home (its Services menu lists their courses'
    formgraders), students to their own server."""
    user = handler.current_user
    if user is not None and course_hub.is_staff(ROSTER, user.name):
        return "/hub/home"
    return "/hub/spawn"


c.JupyterHub.default_url = landing


class CourseSpawner(LocalProcessSpawner):
    """Each person's server as their Unix account; its HOME and working folder (where nbgrader's
    assignment list fetches to) in TENSOR_GEARS_HUB_HOMES when that is set."""

    def user_env(self, env):
        env = super().user_env(env)
        if HOMES:
            env["HOME"] = home(self.user.name)
        return env

    def make_preexec_fn(self, name):
        become_user = super().make_preexec_fn(name)
        if not HOMES:
            return become_user

        def preexec():
            become_user()
            os.chdir(home(name))

        return preexec


c.JupyterHub.spawner_class = CourseSpawner
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120  # a loaded machine starts JupyterLab slowly
c.Spawner.start_timeout = 120


def pre_spawn_hook(spawner) -> None:
    """A person's server: the assignment list (fetch, submit, fetch feedback), Validate, the exchange."""
    spawner.environment = {
        "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
        "TENSOR_GEARS_EXCHANGE": EXCHANGE,
        "JUPYTER_CONFIG_PATH": f"{HUB / 'student'}:{HUB / 'common'}",
    }


c.Spawner.pre_spawn_hook = pre_spawn_hook
