#!/bin/sh
# The course's local Unix accounts for the tests and `make hub` (run as root, idempotent):
# an instructor, a grader TA and three students, each with a home of their own (0700), and a
# random password for the hub's PAM login, kept in a root-only file (never a known password).
# The instructor and the TA are course staff: the group that may read the checkout's private
# folders (hub/private_folders.sh).
set -eu
PASSWORDS=/etc/tensor-gears/hub-passwords
INSTRUCTOR=tg-instructor
GRADER=tg-grader
STUDENTS="tg-ada tg-bo tg-cy"
STAFF=tensor-gears-staff

mkdir -p /etc/tensor-gears && chmod 0700 /etc/tensor-gears
touch "$PASSWORDS" && chmod 0600 "$PASSWORDS"
for name in "$INSTRUCTOR" "$GRADER" $STUDENTS; do
    id -u "$name" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$name"
    chmod 0700 "/home/$name"
    if ! grep -q "^$name:" "$PASSWORDS"; then
        password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
        echo "$name:$password" | chpasswd
        echo "$name:$password" >> "$PASSWORDS"
    fi
done
getent group "$STAFF" >/dev/null || groupadd --system "$STAFF"
for name in "$INSTRUCTOR" "$GRADER"; do
    id -nG "$name" | tr ' ' '\n' | grep -qx "$STAFF" || usermod -a -G "$STAFF" "$name"
done
