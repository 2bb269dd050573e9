"""The Littlest JupyterHub's shape, built from its parts (its installer downloads; its spawner,
SystemdSpawner, needs systemd as the first process, which this machine does not run):

- the jupyterhub_config.d snippet (hub/tljh/tensor_gears.py), installed as hub/tljh/install.sh
  installs it (a link in the config folder), loaded the way TLJH's own jupyterhub_config.py loads
  it, after TLJH's settings: it adds each course's formgrader, groups and roles, the courses' Unix
  groups to TLJH's user creation for `jupyter-<name>` accounts, and what every user's server needs,
  and keeps what TLJH had set;
- TLJH's shared user environment: a new environment with the package installed editable, as
  install.sh installs it into /opt/tljh/user. A student's account runs Validate from it and imports
  the exchange's steps, and cannot read the hidden checks or the solutions;
- TLJH's hub unit (tljh/systemd-units/jupyterhub.service), in which the courses' formgraders run:
  its ProtectKernelTunables mounts, reproduced in a mount namespace of their own, keep a grader's
  box from mounting its /proc, and the drop-in install.sh adds turns them off.
"""

import configparser
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest
from traitlets.config.loader import LazyConfigValue, PyFileConfigLoader

from tensor_gears import reference
from tensor_gears.contract import tasks_of
from tensor_gears.notebooks import cells_by_grade_id

from .accounts import ROSTER, as_account, give, login_environment, owned_folder, remove
from .conftest import REPO

SNIPPET = REPO / "hub" / "tljh" / "tensor_gears.py"
# What TLJH's jupyterhub_config.py sets before it loads jupyterhub_config.d (tljh/jupyterhub_config.py,
# tljh/configurer.py): its spawner, its idle culler, the groups of tljh-config's users.extra_user_groups.
TLJH_CONFIG = """
c = get_config()
c.JupyterHub.spawner_class = "tljh.user_creating_spawner.UserCreatingSpawner"
c.SystemdSpawner.extra_paths = ["/opt/tljh/user/bin"]
c.SystemdSpawner.default_shell = "/bin/bash"
c.SystemdSpawner.unit_name_template = "jupyter-{USERNAME}"
c.JupyterHub.services = [{"name": "cull-idle", "admin": True, "command": ["python3", "-m", "jupyterhub_idle_culler"]}]
c.UserCreatingSpawner.user_groups = {"lab-assistants": ["tom"]}
import glob, os
for snippet in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "jupyterhub_config.d", "*.py"))):
    load_subconfig(snippet)
"""
NOTEBOOK = "02_broadcasting"
DROP_IN = REPO / "hub" / "tljh" / "jupyterhub.service.d-tensor-gears.conf"
# What systemd mounts read-only for ProtectKernelTunables=yes (src/core/namespace.c), where present.
KERNEL_TUNABLES = ("/proc/acpi", "/proc/apm", "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq",
                   "/proc/latency_stats", "/proc/mtrr", "/proc/scsi", "/proc/sys", "/proc/sysrq-trigger",
                   "/proc/timer_stats", "/sys")
# The namespaces and mounts of the grading box (tensor_gears/sandbox/box.py), around `true`.
BOX = ["bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
       "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev",
       "--", "/usr/bin/true"]


def value(setting, empty):
    """A setting as the trait gets it: one the snippet only extended or updated is lazy until then."""
    return setting.get_value(empty) if isinstance(setting, LazyConfigValue) else setting


@pytest.fixture(scope="module")
def tljh_config(tmp_path_factory):
    """TLJH's configuration with the snippet installed as install.sh installs it, and the roster
    with TLJH's names."""
    folder = tmp_path_factory.mktemp("tljh-config")
    (folder / "jupyterhub_config.d").mkdir()
    (folder / "jupyterhub_config.d" / "tensor_gears.py").symlink_to(SNIPPET)
    (folder / "jupyterhub_config.py").write_text(TLJH_CONFIG)
    roster = json.loads((REPO / "hub" / "courses.json").read_text())
    roster["unix_account"] = "jupyter-{name}"
    (folder / "tensor-gears-courses.json").write_text(json.dumps(roster))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TENSOR_GEARS_COURSES", str(folder / "tensor-gears-courses.json"))
        return PyFileConfigLoader("jupyterhub_config.py", path=str(folder)).load_config()


def test_the_snippet_adds_each_courses_formgrader_groups_and_roles(tljh_config):
    hub = tljh_config.JupyterHub
    services = {service["name"]: service for service in value(hub.services, [])}
    groups, roles = value(hub.load_groups, {}), value(hub.load_roles, [])
    assert sorted(services) == sorted(["cull-idle", *(course.id for course in ROSTER.courses)])
    for course in ROSTER.courses:
        service = services[course.id]
        assert service["user"] == course.grader
        assert str(REPO / ".venv" / "bin" / "jupyterhub-singleuser") in service["command"]
        assert service["environment"]["JUPYTERHUB_DEFAULT_URL"] == "/formgrader"
        assert groups[course.staff_group]["users"] == sorted(set(course.instructors + course.tas))
        assert groups[course.students_group]["users"] == sorted(course.students)
        role = next(role for role in roles if role["name"] == course.staff_group)
        assert f"access:services!service={course.id}" in role["scopes"]


def test_students_join_their_courses_unix_groups_through_tljhs_user_creation(tljh_config):
    """TLJH makes `jupyter-<name>` and adds it to each group of UserCreatingSpawner.user_groups
    that lists the hub user <name>: the course's students, and TLJH's own groups stay."""
    groups = value(tljh_config.UserCreatingSpawner.user_groups, {})
    assert groups["lab-assistants"] == ["tom"]
    for course in ROSTER.courses:
        assert groups[course.students_group] == list(course.students)
    environment = value(tljh_config.Spawner.environment, {})
    assert environment["JUPYTER_CONFIG_PATH"] == f"{REPO / 'hub' / 'student'}:{REPO / 'hub' / 'common'}"


@pytest.fixture(scope="module")
def user_environment():
    """A shared environment like /opt/tljh/user (root's, readable by all), the package installed
    in it editable as install.sh installs it. TLJH's environment has its own Jupyter, nbgrader and
    libraries; here the project's own stand in for them (a path file)."""
    prefix = Path(tempfile.mkdtemp(prefix="tg-tests-tljh-user-"))
    try:
        prefix.chmod(0o755)
        subprocess.run(["/usr/bin/python3.11", "-m", "venv", str(prefix)], check=True)
        site = next(prefix.glob("lib/python3.*/site-packages"))
        (site / "tljh-stand-in.pth").write_text(next((REPO / ".venv").glob("lib/python3.*/site-packages")).as_posix())
        installed = subprocess.run([str(prefix / "bin" / "pip"), "install", "--quiet", "--no-deps",
                                    "--no-build-isolation", "--ignore-requires-python", "-e", str(REPO)],
                                   capture_output=True, text=True)
        assert installed.returncode == 0, installed.stderr[-3000:]
        yield prefix
    finally:
        remove(prefix)


def run_as_student(prefix: Path, code: str, cwd: Path | str = "/"):
    student = ROSTER.courses[0].students[0]
    env = login_environment(student, PATH=f"{prefix / 'bin'}:/usr/bin:/bin",
                            JUPYTER_CONFIG_PATH=f"{REPO / 'hub' / 'student'}:{REPO / 'hub' / 'common'}")
    return as_account(student, [str(prefix / "bin" / "python"), "-c", code], env=env, cwd=cwd)


def test_a_students_server_imports_the_exchange_and_validate_from_the_shared_environment(user_environment):
    done = run_as_student(user_environment, "import tensor_gears, tensor_gears.exchange.submit, "
                          "tensor_gears.exchange.student_steps, tensor_gears.nbgrader_glue.validate_dialog; "
                          "print(tensor_gears.__file__)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(REPO / "tensor_gears" / "__init__.py")


def test_a_student_cannot_read_the_hidden_checks_or_the_solutions_through_it(user_environment):
    done = run_as_student(user_environment, "import tensor_gears.checks.test_01_elementwise")
    assert done.returncode != 0 and "PermissionError" in done.stderr, done.stderr[-2000:]
    done = run_as_student(user_environment, f"open({str(REPO / 'source' / 'tensor_ops' / (NOTEBOOK + '.ipynb'))!r})")
    assert done.returncode != 0 and "PermissionError" in done.stderr, done.stderr[-2000:]


def test_a_student_validates_with_the_shared_environment(user_environment):
    """nbgrader's Validator (what the Validate button runs) from the shared environment, on the
    student's own notebooks: the reference answers pass, the untouched release fails."""
    student = ROSTER.courses[0].students[0]
    work = owned_folder(student, "tljh-work")
    try:
        release = REPO / "release" / "tensor_ops" / f"{NOTEBOOK}.ipynb"
        nb = nbformat.read(release, as_version=4)
        for task in tasks_of(NOTEBOOK):
            cells_by_grade_id(nb)[task.answer_id].source = reference.solution(task.name).strip("\n")
        nbformat.write(nb, str(work / "answered.ipynb"))
        shutil.copy(release, work / "untouched.ipynb")
        give(student, work)
        code = ("import json; from nbgrader.validator import Validator; "
                "print(json.dumps({name: sorted(Validator().validate(name + '.ipynb')) "
                "for name in ('answered', 'untouched')}))")
        done = run_as_student(user_environment, code, cwd=work)
        assert done.returncode == 0, done.stderr[-3000:]
        assert json.loads(done.stdout) == {"answered": [], "untouched": ["failed"]}, done.stdout
    finally:
        remove(work)


def box_in_the_hub_unit(protect_kernel_tunables: bool):
    """The grader's box started by a formgrader inside TLJH's hub unit: a mount namespace with the
    unit's read-only kernel-tunable mounts (or without, as the drop-in has it), then the grader's
    bubblewrap box."""
    grader = ROSTER.courses[0].grader
    mounts = "".join(f"[ -e {path} ] && mount --bind {path} {path} && mount -o remount,bind,ro {path}; "
                     for path in KERNEL_TUNABLES) if protect_kernel_tunables else ""
    box = " ".join(BOX)
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           f"{mounts}exec setpriv --reuid={grader} --regid={grader} --init-groups {box}"],
                          capture_output=True, text=True)


def test_the_hub_units_drop_in_lets_the_graders_box_mount_its_proc():
    unit = configparser.ConfigParser()
    unit.read(DROP_IN)
    assert unit["Service"]["ProtectKernelTunables"] == "no"
    refused = box_in_the_hub_unit(protect_kernel_tunables=True)
    assert refused.returncode != 0 and "Can't mount proc" in refused.stderr, refused
    allowed = box_in_the_hub_unit(protect_kernel_tunables=False)
    assert allowed.returncode == 0, allowed.stderr
