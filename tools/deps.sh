#!/bin/sh
# SPDX-License-Identifier: MIT
# deps.sh [-n] PKG[:ARCH]...
#
# Make sure Debian packages are installed, so that a build or test step fails
# up front with one clear line instead of half-way with "command not found".
#
#   all present           print nothing, exit 0
#   root, some missing    add foreign architectures named as PKG:ARCH
#                         (multiarch), apt-get update once, install the
#                         missing ones; exit 0 if they are then installed,
#                         else print apt's output and one line, exit 1
#   not root, missing     print one line with the command to run, exit 1
#   -n, missing           the same, root or not: install nothing
#   bad arguments         exit 2
#
# It installs only what is missing and never upgrades or removes anything on
# purpose (apt may still remove a conflicting package, e.g. busybox for
# busybox-static, as apt-get install always does).

set -eu

say() { printf 'hutch: %s\n' "$*" >&2; }

check_only=false
if [ "${1-}" = -n ]; then
	check_only=true
	shift
fi
if [ $# -eq 0 ]; then
	printf 'usage: %s [-n] PKG[:ARCH]...\n' "$0" >&2
	exit 2
fi
# Names go to apt-get and dpkg: refuse anything that could read as an option.
for p in "$@"; do
	if ! printf '%s\n' "$p" | grep -Eqx '[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?'; then
		say "deps.sh: not a Debian package name: '$p'"
		exit 2
	fi
done

if ! command -v dpkg-query >/dev/null 2>&1; then
	say "not a Debian system (no dpkg-query); install these by other means: $*"
	exit 1
fi

# "install ok installed" on any line: an unqualified name of a package
# installed for two architectures prints one status per instance.
installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -qx 'install ok installed'
}

missing=
for p in "$@"; do
	installed "$p" || missing="$missing $p"
done
missing=${missing# }
[ -n "$missing" ] || exit 0

# Architectures that multiarch does not know yet: apt cannot even see
# PKG:ARCH until `dpkg --add-architecture ARCH` and an update.
known=" $(dpkg --print-architecture) $(dpkg --print-foreign-architectures | tr '\n' ' ') "
newarchs=
for p in $missing; do
	case $p in *:*) a=${p##*:} ;; *) continue ;; esac
	case "$known $newarchs " in *" $a "*) ;; *) newarchs="$newarchs $a" ;; esac
done
newarchs=${newarchs# }

if $check_only || [ "$(id -u)" -ne 0 ]; then
	s=
	[ "$(id -u)" -eq 0 ] || s='sudo '
	pre=
	for a in $newarchs; do pre="${pre}${s}dpkg --add-architecture $a && "; done
	[ -z "$newarchs" ] || pre="${pre}${s}apt-get update && "
	say "missing Debian packages: $missing; install them with:" \
		"${pre}${s}apt-get install --no-install-recommends $missing"
	exit 1
fi

for a in $newarchs; do
	dpkg --add-architecture "$a" || {
		say "cannot add the Debian architecture $a (needed by: $missing)"
		exit 1
	}
done

say "installing Debian packages: $missing"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The update's status is ignored: it is non-zero when any one index (say a
# foreign architecture's) fails to download, yet the packages we want may
# well be reachable. Whether the install works is what counts. The lock
# timeout waits for unattended-upgrades on a freshly booted machine.
export DEBIAN_FRONTEND=noninteractive
apt="apt-get -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300"
$apt update >"$log" 2>&1 || true
# shellcheck disable=SC2086 # $apt and $missing are word lists on purpose
if $apt install -y --no-install-recommends $missing >>"$log" 2>&1; then
	still=
	for p in $missing; do installed "$p" || still="$still $p"; done
	[ -n "$still" ] || exit 0
fi
cat "$log" >&2
say "could not install Debian packages: $missing"
exit 1
