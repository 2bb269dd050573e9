#!/bin/sh
# The nbgrader exchange root (run as root, idempotent): hub/exchange.sh [ROOT]
# (default /srv/nbgrader/exchange). nbgrader documents an exchange everyone can write to
# (chmod ugo+rw; its steps check for write and search permission, 0777); the sticky bit is
# added, as on /tmp, so only a course folder's owner can rename or remove it.
set -eu
ROOT=${1:-/srv/nbgrader/exchange}
mkdir -p "$ROOT"
chown root:root "$ROOT"
chmod 1777 "$ROOT"
