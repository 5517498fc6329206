# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/lib/sandbox.sh: what the integration tests share, after tap.sh:
# the environment check, a work directory, the cleanup of every sandbox
# they started in the background, set_child, the host's mounts.
#
#   require_hutch       HUTCH names the hutch binary, ROOTFS the test rootfs
#   sandbox_setup TAG   require_hutch, makes $tmp, traps EXIT
#   bg+=(PID)           a timeout(1) pid to kill (with its sandbox) at exit
#   set_child VAR PID   VAR=the oldest child of PID; fails while there is none
#   kill_named DIR NAME...  SIGKILL to each NAME's launcher recorded in the
#                       state directory DIR, then its empty cgroups removed
#                       (for tests that start --daemon sandboxes by name)
#   stop_names NAME...  hutch stop NAME for each (bounded, quiet), for
#                       tests that start --daemon sandboxes by name
#   build_notify        $tmp/bin/notify from tests/integration/helpers/notify.c
#                       (an sd_notify sender: BusyBox has none)
#   host_mounts         the lines of the host's mount table hutch could
#                       change: the mounts on /, /proc, /dev, /tmp, /sys and
#                       below /dev, and any line that names $ROOTFS or $tmp.
#                       Whole lines, so a change of propagation (shared:N)
#                       shows too. Other tests may mount elsewhere meanwhile;
#                       those lines are left out (21 and 63 define a
#                       narrower one of their own).

require_hutch() {
	[ -n "${HUTCH-}" ] && [ -x "$HUTCH" ] ||
		bail_out "HUTCH must name the hutch binary (make check-integration sets it)"
	[ -n "${ROOTFS-}" ] && [ -x "$ROOTFS/bin/busybox" ] ||
		bail_out "ROOTFS must name the test rootfs (make rootfs builds it)"
}

sandbox_setup() {
	require_cmd timeout pgrep
	require_hutch
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

kill_named() {
	local dir=$1 n p g
	shift
	for n in "$@"; do
		p=$(sed -n 's/^pid=//p' "$dir/$n/launcher" 2>/dev/null)
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null
	done
	# the launcher's SIGKILL takes PID 1 along; its groups empty a moment later
	sleep 0.3
	for n in "$@"; do
		for g in /sys/fs/cgroup/*/hutch/"$n" /sys/fs/cgroup/hutch/"$n"; do
			[ -d "$g" ] && rmdir "$g" 2>/dev/null
		done
	done
	return 0
}

stop_names() {
	local n
	for n in "$@"; do timeout 20 "$HUTCH" stop "$n" >/dev/null 2>&1; done
}

build_notify() {
	require_cmd musl-gcc=musl-tools
	mkdir -p "$tmp/bin" &&
		musl-gcc -static -O2 -o "$tmp/bin/notify" \
			"$(dirname "${BASH_SOURCE[0]}")/../integration/helpers/notify.c" ||
		bail_out "cannot build tests/integration/helpers/notify.c"
}

host_mounts() {
	awk -v r="$(realpath "$ROOTFS")" -v t="$(realpath "$tmp")" '
		$5 == "/" || $5 == "/proc" || $5 == "/dev" || $5 ~ /^\/dev\// ||
		$5 == "/tmp" || $5 == "/sys" || index($0, r) || index($0, t)' \
		/proc/self/mountinfo
}
