# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/lib/sandbox.sh: what the supervision tests (50, 60, 80) share, after
# tap.sh: the environment check, a work directory, the cleanup of every
# sandbox they started in the background, and set_child.
#
#   sandbox_setup TAG   checks HUTCH and ROOTFS, makes $tmp, traps EXIT
#   bg+=(PID)           a timeout(1) pid to kill (with its sandbox) at exit
#   set_child VAR PID   VAR=the oldest child of PID; fails while there is none

sandbox_setup() {
	require_cmd timeout pgrep
	[ -n "${HUTCH-}" ] && [ -x "$HUTCH" ] ||
		bail_out "HUTCH must name the hutch binary (make check-integration sets it)"
	[ -n "${ROOTFS-}" ] && [ -x "$ROOTFS/bin/busybox" ] ||
		bail_out "ROOTFS must name the test rootfs (make rootfs builds it)"
	tmp=$(mktemp -d "/tmp/hutch-$1.XXXXXX") || bail_out "mktemp -d failed"
	bg=()
	trap sandbox_cleanup EXIT
}

sandbox_cleanup() {
	local t l
	for t in "${bg[@]}"; do
		# SIGKILL to the launcher takes PID 1 and the whole sandbox with it.
		for l in $(pgrep -P "$t"); do kill -9 "$l"; done
		kill -9 "$t"
	done 2>/dev/null
	wait
	rm -rf --one-file-system -- "$tmp"
}

set_child() {
	local c
	c=$(pgrep -o -P "$2") || return 1
	printf -v "$1" %s "$c"
}
