"""JupyterHub for the tensor-gears course (`make hub`; the tests start it with tests/hub.py).

The hub runs as root on 127.0.0.1: local Unix accounts log in with their PAM password, and
each user's `jupyterhub-singleuser` runs as that user, from the project's environment. The
spawner picks each account's Jupyter configuration (JUPYTER_CONFIG_PATH): the instructor
gets the formgrader and the course folder, students get the assignment list and Validate,
the grader TA reaches the instructor's formgrader through a hub role.

Settings from the environment (the defaults are what `make hub` uses):
  TENSOR_GEARS_HUB_STATE   the hub's database, cookie secret and proxy token (build/hub)
  TENSOR_GEARS_HUB_PORT    the public port (8000); the hub's API and the proxy's API use
                           TENSOR_GEARS_HUB_API_PORT (8081) and TENSOR_GEARS_PROXY_API_PORT (8001)
  TENSOR_GEARS_EXCHANGE    nbgrader's exchange root (/srv/nbgrader/exchange)
  TENSOR_GEARS_COURSE      the instructor's course folder (~tg-instructor/tensor-gears)
  TENSOR_GEARS_SECRET_FILE the course secret the instructor's server grades with (when unset:
                           the instructor's ~/.config/tensor-gears/secret)
  TENSOR_GEARS_HUB_HOMES   unset: each server runs in its account's home; tests set a scratch
                           folder holding a home per account (Jupyter settings, fetched work)
"""

import os
import pwd
import secrets
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

HUB = Path(__file__).resolve().parent
REPO = HUB.parent
BIN = REPO / ".venv" / "bin"

INSTRUCTOR = "tg-instructor"
GRADER = "tg-grader"
STUDENTS = ["tg-ada", "tg-bo", "tg-cy"]

STATE = Path(os.environ.get("TENSOR_GEARS_HUB_STATE", REPO / "build" / "hub")).resolve()
STATE.mkdir(parents=True, exist_ok=True, mode=0o700)
EXCHANGE = os.environ.get("TENSOR_GEARS_EXCHANGE", "/srv/nbgrader/exchange")
COURSE = os.environ.get("TENSOR_GEARS_COURSE", os.path.join(pwd.getpwnam(INSTRUCTOR).pw_dir, "tensor-gears"))
HOMES = os.environ.get("TENSOR_GEARS_HUB_HOMES")
PORT = int(os.environ.get("TENSOR_GEARS_HUB_PORT", "8000"))
HUB_API_PORT = int(os.environ.get("TENSOR_GEARS_HUB_API_PORT", "8081"))
PROXY_API_PORT = int(os.environ.get("TENSOR_GEARS_PROXY_API_PORT", "8001"))

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

# Local Unix accounts and their PAM passwords; only the course's accounts may log in.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no login session (utmp, pam_systemd) for a web login
c.Authenticator.allowed_users = {INSTRUCTOR, GRADER, *STUDENTS}

# The grader TA may use the instructor's server (its formgrader), never the instructor's
# account: the TA's own Unix account cannot read the instructor's home (0700).
c.JupyterHub.load_roles = [{
    "name": "course-grader",
    "description": "Grade in the instructor's formgrader",
    "users": [GRADER],
    "scopes": ["access:servers!user=" + INSTRUCTOR, "read:servers!user=" + INSTRUCTOR],
}]


def landing(handler) -> str:
    """Where / leads after login: the TA to the instructor's formgrader, others to their server."""
    user = handler.current_user
    if user is not None and user.name == GRADER:
        return f"/user/{INSTRUCTOR}/formgrader"
    return "/hub/spawn"


c.JupyterHub.default_url = landing



class CourseSpawner(LocalProcessSpawner):
    """Each user's server as that Unix user; its HOME and working folder (where nbgrader's
    assignment list fetches to) in TENSOR_GEARS_HUB_HOMES when that is set."""

    def user_env(self, env):
        env = super().user_env(env)
        if HOMES:
            env["HOME"] = os.path.join(HOMES, self.user.name)
        return env

    def make_preexec_fn(self, name):
        become_user = super().make_preexec_fn(name)
        if not HOMES:
            return become_user

        def preexec():
            become_user()
            os.chdir(os.path.join(HOMES, name))

        return preexec


# Each user's server: the project's environment, run as that user (the hub is root), JupyterLab.
c.JupyterHub.spawner_class = CourseSpawner
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120  # a loaded machine starts JupyterLab slowly
c.Spawner.start_timeout = 120


def role_config(spawner) -> dict[str, str]:
    """The Jupyter configuration of the spawned account, by role."""
    name = spawner.user.name
    environment = {"PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin", "TENSOR_GEARS_EXCHANGE": EXCHANGE}
    if name == INSTRUCTOR:
        # The formgrader and create-assignment on the course folder, which is the server's root
        # (given on the command line, where nbgrader's extensions see it).
        environment["JUPYTER_CONFIG_PATH"] = f"{HUB / 'instructor'}:{HUB / 'common'}"
        environment["TENSOR_GEARS_COURSE"] = COURSE
        if os.environ.get("TENSOR_GEARS_SECRET_FILE"):
            environment["TENSOR_GEARS_SECRET_FILE"] = os.environ["TENSOR_GEARS_SECRET_FILE"]
        spawner.args = [f"--ServerApp.root_dir={COURSE}"]
    elif name == GRADER:
        # A plain JupyterLab with Validate (the students' local environment): the TA grades
        # in the instructor's server, reached through the course-grader role.
        environment["JUPYTER_CONFIG_PATH"] = str(REPO / "student")
    else:
        # Students: the assignment list (fetch, submit, fetch feedback) and Validate.
        environment["JUPYTER_CONFIG_PATH"] = f"{HUB / 'student'}:{HUB / 'common'}"
    return environment


def pre_spawn_hook(spawner) -> None:
    spawner.environment = role_config(spawner)


c.Spawner.pre_spawn_hook = pre_spawn_hook
