#!/bin/sh
# The course's private folders in a checkout (run as root, idempotent): the solutions
# (source/), the hidden checks (tensor_gears/checks/), the tests' banks of correct answers
# (tests/) and the history of all three (.git/). They become the course staff's alone:
# owner root (or whoever cloned), group tensor-gears-staff (each course's grader account, whose
# server grades with the hidden checks, hub/courses.py; the test instructor and TA, hub/accounts.sh),
# mode 0750. Students on the hub run the course's environment from this
# checkout (.venv, hub/, tensor_gears/), so the rest stays readable; these four they cannot
# even list. Usage: sh hub/private_folders.sh CHECKOUT
set -eu
STAFF=tensor-gears-staff
checkout=$1
getent group "$STAFF" >/dev/null || groupadd --system "$STAFF"
for folder in source tensor_gears/checks tests .git; do
    if [ -d "$checkout/$folder" ]; then
        chgrp "$STAFF" "$checkout/$folder"
        chmod 0750 "$checkout/$folder"
    fi
done
