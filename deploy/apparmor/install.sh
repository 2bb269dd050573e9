#!/bin/sh
# Installs and loads the box's AppArmor profile (tensor-gears-bwrap, beside this script), so that
# an unprivileged grader may build the box where AppArmor restricts user namespaces (Ubuntu 23.10
# and later). As root; running it again replaces the profile with this one.
set -eu
here=$(dirname "$0")
[ "$(id -u)" = 0 ] || { echo "run it as root: sudo sh $0" >&2; exit 1; }
command -v apparmor_parser >/dev/null || { echo "AppArmor's tools are missing: apt-get install apparmor" >&2; exit 1; }
bwrap=$(command -v bwrap) || { echo "bubblewrap is missing: apt-get install bubblewrap" >&2; exit 1; }
sed "s#/usr/bin/bwrap#$bwrap#" "$here/tensor-gears-bwrap" > /etc/apparmor.d/tensor-gears-bwrap
apparmor_parser -r /etc/apparmor.d/tensor-gears-bwrap
echo "AppArmor profile loaded: /etc/apparmor.d/tensor-gears-bwrap ($bwrap may make user namespaces)"
