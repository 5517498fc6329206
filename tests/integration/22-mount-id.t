#!/bin/bash
# SPDX-License-Identifier: MIT
# 22-mount-id.t: PID 1 tells mounts apart by their id, from statx
# (STATX_MNT_ID, Linux 5.8) or, on older kernels, /proc/self/fdinfo. The
# same starts twice, as they are and under `nosys statx` (a seccomp filter
# on which statx fails with ENOSYS, as before 4.11): the same view both
# ways.
# A mount id that comes out wrong either way ends the start ("it moved")
# or leaves a mount writable that must not be: the ids are what keeps
# --read-only's writable mounts writable, and what finds a sysfs that a
# --bind brought in. Needs root.

source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
source "$(dirname "$0")/../lib/sandbox.sh"

require_root
require_cmd timeout mktemp perl
require_hutch
NOSYS=${NOSYS:-$(dirname "$HUTCH")/tests/nosys}
[ -x "$NOSYS" ] ||
	bail_out "no $NOSYS: make build/ARCH/tests/nosys (or NOSYS=path)"

tmp=$(mktemp -d /tmp/t22-mount-id.XXXXXX) || bail_out "cannot create a temporary directory"
trap 'rm -rf --one-file-system -- "$tmp"' EXIT
mkdir "$tmp/data"

# Whether statx(2) fails with ENOSYS: perl's syscall, with this machine's
# number (syscall.ph).
enosys='require "syscall.ph"; my ($p, $b) = ("/", "\0" x 256);
	exit(syscall(&SYS_statx, -100, $p, 0, 0xfff, $b) == -1 && $!{ENOSYS} ? 0 : 1)'
perl -e "$enosys"
is "$?" 1 "statx works here (the kernel has it)"
ok "nosys statx: it fails with ENOSYS, for the command and what it runs" \
	"$NOSYS" statx perl -e "$enosys"

# What the service sees: which places it can write to, and the options of
# the topmost mount on /sys.
svc='w() { if touch "$1/t22" 2>/dev/null; then echo "$1=writable"; else echo "$1=read-only"; fi; }
w ""; w /tmp; w /dev/shm; w /data
awk '\''$5 == "/sys" { o = $6 } END { print "sys=" substr(o, 1, 2) }'\'' /proc/self/mountinfo'

# run WAY ARGS...: one start, WAY "plain" or "no-statx"; sets rc and out.
run() {
	local way=$1
	shift
	rm -f "$tmp/data/t22"
	if [ "$way" = no-statx ]; then set -- "$NOSYS" statx "$HUTCH" "$@"; else set -- "$HUTCH" "$@"; fi
	out=$(timeout 20 "$@" --name t22-mount-id --restart no --root "$ROOTFS" \
		--bind "$tmp/data:/data" --bind /sys:/sys -- sh -c "$svc" </dev/null 2>"$tmp/err")
	rc=$?
	[ "$rc" = 0 ] || diag "$(cat "$tmp/err")"
}

ro_view='=read-only
/tmp=writable
/dev/shm=writable
/data=writable
sys=ro'
rw_view='=writable
/tmp=writable
/dev/shm=writable
/data=writable
sys=ro'

declare -A seen
for way in plain no-statx; do
	run "$way" --read-only
	is "$rc" 0 "$way: a --read-only start with writable mounts and a /sys bind exits 0"
	is "$out" "$ro_view" "$way: --read-only: / read-only, /tmp, /dev/shm and the --bind writable, /sys ro"
	seen[ro-$way]=$out
	run "$way"
	is "$rc" 0 "$way: a start with a /sys bind exits 0"
	is "$out" "$rw_view" "$way: the bound sysfs remounted ro (found by its mount id), the rest writable"
	seen[rw-$way]=$out
done
is "${seen[ro-no-statx]}" "${seen[ro-plain]}" "--read-only: the same view with statx and with fdinfo"
is "${seen[rw-no-statx]}" "${seen[rw-plain]}" "the default view: the same with statx and with fdinfo"

done_testing
