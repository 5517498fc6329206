#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2086 # $RUN and $sb are lists of words
# qemu-user.t: hutch built for another architecture, run on this machine
# through qemu-user: the options, then real sandboxes. `make check-cross`
# runs it once per ARCH (after that ARCH's unit tests, under the same
# emulator).
#
# The sandboxes use this machine's own rootfs: the service's binaries are
# then run by the kernel natively, while hutch's own system calls
# (unshare, mount, pivot_root, cgroup writes, signalfd and poll, wait) all go
# through qemu-user's translation for the foreign ABI: MIPS signal and
# errno numbers, 32-bit time_t structures, other system call numbers.
# Under qemu-user, PID 1 of the sandbox is the emulator running hutch, and
# its helper thread takes a pid, so the service is PID 3, not 2; and
# qemu-user cannot install seccomp filters (prctl(PR_SET_SECCOMP) is not
# passed through), so these sandboxes run with --seccomp off: the filter is
# tested natively (tests/integration) and under QEMU system emulation.
#
# Environment (from make check-qemu-user): HUTCH, RUN (the emulator and its
# options; empty to run natively), ARCH, ROOTFS (a rootfs of this machine's
# architecture). Needs root.

source "$(dirname "$0")/../lib/tap.sh"

require_root
require_cmd pgrep=procps timeout
[ -n "${HUTCH-}" ] && [ -f "$HUTCH" ] || bail_out "HUTCH must name a hutch binary"
[ -n "${ROOTFS-}" ] && [ -x "$ROOTFS/bin/busybox" ] && [ -f "$ROOTFS/.hutch-rootfs" ] ||
	bail_out "ROOTFS must name a rootfs of this machine (make rootfs)"
arch=${ARCH:-native}
diag "$arch: ${RUN:-native} $HUTCH"

tmp=$(mktemp -d) || bail_out "cannot create a temporary directory"
trap 'rm -rf --one-file-system -- "$tmp"' EXIT

# hutch ARGS...: the binary through the emulator, bounded in time.
hutch() { timeout 60 $RUN "$HUTCH" "$@"; }

# The options every sandbox here gets (--seccomp off, when hutch has it:
# qemu-user has no seccomp). A smaller profile (make check-profiles) runs
# what it has: has_feature reads --version's features line through $RUN.
sb=
has_feature seccomp && sb="--seccomp off"
pids=
has_feature limits && pids="--pids 20"

# --- Options: no namespace needed ------------------------------------------
out=$(hutch --version 2>&1)
is $? 0 "--version exits 0"
like "$out" '^hutch [0-9]' "--version prints hutch's version"
out=$(hutch --help 2>&1)
is $? 0 "--help exits 0"
like "$out" '--root DIR' "--help lists --root"
err=$(hutch --bogus 2>&1 >/dev/null)
is $? 125 "a bad option exits 125"
is "$err" "hutch: unknown option '--bogus' (see hutch --help)" "with one line naming it"
printf 'name = x\ncpu = lots\n' >"$tmp/bad.conf"
err=$(hutch -f "$tmp/bad.conf" -- /bin/true 2>&1)
is $? 125 "a bad config file exits 125"
like "$err" 'bad\.conf:2' "its error names FILE:LINE"

if has_feature check; then
	out=$(hutch check $sb --root "$ROOTFS" --cpu 50% $pids 2>&1)
	is $? 0 "hutch check --root ROOTFS --cpu 50% $pids passes" || diag "$out"
	like "$out" '^ok +PID namespace' "hutch check finds the PID namespace"
fi

# --- Sandboxes ----------------------------------------------------------------
name=cross-$arch-$$
out=$(hutch $sb --root "$ROOTFS" --name "$name" --hostname "box-$arch" --restart no -- \
	/bin/sh -c 'hostname; [ -f /.hutch-rootfs ] && echo rootfs; ls /proc | grep -c "^[0-9]"' \
	2>"$tmp/err")
is $? 0 "a one-shot service exits 0" || diag "$(cat "$tmp/err")"
like "$out" "^box-$arch\$" "the sandbox has its own hostname"
like "$out" '^rootfs$' "its root is ROOTFS"
procs=$(printf '%s\n' "$out" | tail -n 1)
ok "it sees only its own processes ($procs)" test "$procs" -lt 10

hutch $sb --root "$ROOTFS" --name "$name" --restart no -- /bin/sh -c 'exit 7' 2>/dev/null
is $? 7 "the service's exit code is hutch's"
hutch $sb --root "$ROOTFS" --name "$name" --restart no -- /bin/sh -c 'kill -KILL $$' 2>/dev/null
is $? 137 "a service killed by SIGKILL gives 137"
err=$(hutch $sb --root "$ROOTFS" --name "$name" --restart no -- /no/such/command 2>&1)
is $? 127 "a command missing from the root gives 127"
like "$err" 'not found' "and says so"

# Fails twice, then exits 0: the first restart is at once, the second
# after the backoff delay, a deadline in PID 1's poll loop.
mkdir "$tmp/state"
err=$(hutch $sb --root "$ROOTFS" --name "$name" --restart on-failure --restart-delay 10ms \
	--bind "$tmp/state:/state" -- /bin/sh -c \
	'n=$(cat /state/runs 2>/dev/null || echo 0); echo $((n + 1)) >/state/runs; [ $n -ge 2 ]' 2>&1)
is $? 0 "on-failure: the service is restarted until it exits 0" || diag "$err"
is "$(cat "$tmp/state/runs")" 3 "it ran three times"
like "$err" 'restarting in 10 ms' "the backoff delay is logged"

# Limits, read back inside through the cgroup tree (v1 or v2) bound in.
cg=/sys/fs/cgroup
out=$(hutch $sb --root "$ROOTFS" --name "$name" --restart no --cpu 50% $pids \
	--bind "$cg:/cg" -- /bin/sh -c "cat /cg/cpu/hutch/$name/cpu.cfs_quota_us \
		/cg/pids/hutch/$name/pids.max /cg/hutch/$name/cpu.max \
		/cg/hutch/$name/pids.max 2>/dev/null; true" 2>"$tmp/err")
is $? 0 "a service with --cpu 50% $pids runs" || diag "$(cat "$tmp/err")"
like "$out" '^50000( 100000)?$' "its CPU quota is 50000 of 100000 us"
[ -z "$pids" ] || like "$out" '^20$' "its pids limit is 20"
ok "its cgroup is gone afterwards" test ! -e "$cg/cpu/hutch/$name" -a ! -e "$cg/hutch/$name"

# A stop: SIGTERM to hutch goes to the service. (timeout passes the signal
# on to the emulator running hutch, and ends it if it does not stop.)
timeout -s KILL 30 $RUN "$HUTCH" $sb --root "$ROOTFS" --name "$name" --restart always -- \
	/bin/sleep 4242 2>/dev/null &
pid=$!
ok "the service starts" wait_for 20 pgrep -f '^/bin/sleep 4242$'
kill -TERM "$pid"
wait "$pid"
is $? 143 "SIGTERM stops it: 143"
ok "nothing is left running" wait_for 5 sh -c "! pgrep -f '^/bin/sleep 4242\$'"

done_testing
