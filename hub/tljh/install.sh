#!/bin/sh
# The courses on The Littlest JupyterHub (as root on the TLJH machine, idempotent), from a checkout
# of tensor-gears readable by every account (e.g. /opt/tensor-gears):
#
#     sh hub/tljh/install.sh ROSTER.json
#
# ROSTER.json: the courses (hub/roster.py), with "unix_account": "jupyter-{name}" (TLJH's names).
# 1. The checkout's environment (.venv, exactly requirements.lock) and the grading box
#    (bubblewrap, the sandbox user): what the courses' formgraders run; its private folders
#    (solutions, hidden checks, tests, history) for the staff group alone.
# 2. The roster in TLJH's config folder; the set-up (hub/courses.py): Unix groups, grader
#    accounts, the exchange and its course folders, course folders and secrets.
# 3. TLJH's shared user environment: nbgrader and the notebooks' libraries at the lock's
#    versions, and this package, editable (its files stay in the checkout, whose private folders
#    students cannot read): what students' servers need for the exchange and Validate.
# 4. The jupyterhub_config.d snippet (a link to hub/tljh/tensor_gears.py), the hub unit's drop-in
#    (hub/tljh/jupyterhub.service.d-tensor-gears.conf), then TLJH reloads the hub.
set -eu
roster=${1:?usage: sh hub/tljh/install.sh ROSTER.json}
checkout=$(cd "$(dirname "$0")/../.." && pwd)
prefix=${TLJH_INSTALL_PREFIX:-/opt/tljh}
test "$(id -u)" = 0 || { echo "run as root"; exit 1; }
test -x "$prefix/user/bin/pip" || { echo "no TLJH user environment at $prefix/user: install TLJH first"; exit 1; }

cd "$checkout"
make .venv/.ready sandbox
sh hub/private_folders.sh "$checkout"

install -m 0644 "$roster" "$prefix/config/tensor-gears-courses.json"
export TENSOR_GEARS_COURSES="$prefix/config/tensor-gears-courses.json"
for step in accounts exchange folders; do .venv/bin/python hub/courses.py "$step"; done

pinned() { grep -i "^$1==" requirements.lock; }
"$prefix/user/bin/pip" install --quiet "$(pinned nbgrader)" "$(pinned numpy)" "$(pinned matplotlib)" \
    "$(pinned tensorflow_cpu)"
# The student side (the exchange, Validate) imports only nbgrader and the standard library: TLJH's
# own Python (3.10 on Ubuntu 22.04, 3.12 on 24.04) may differ from the 3.11 the graders run.
"$prefix/user/bin/pip" install --quiet --no-deps --ignore-requires-python -e "$checkout"

mkdir -p "$prefix/config/jupyterhub_config.d"
ln -sfn "$checkout/hub/tljh/tensor_gears.py" "$prefix/config/jupyterhub_config.d/tensor_gears.py"
install -D -m 0644 hub/tljh/jupyterhub.service.d-tensor-gears.conf \
    /etc/systemd/system/jupyterhub.service.d/tensor-gears.conf
systemctl daemon-reload
tljh-config reload hub
