#!/bin/bash
# SPDX-License-Identifier: MIT
# 20-variants.t: the attacks that depend on options, and the ones the host
# must watch while the sandbox is still running: --chroot, --read-only,
# --user (setuid binaries, no_new_privs), --cap-keep, a cgroup (--pids) the
# service tries to leave or loosen, ptrace of PID 1 checked from the host,
# the filter's kill action; and controls: with a defence switched off on
# purpose, the probe must report the escape, or the tests above prove
# nothing.
#
# Needs root. HUTCH, ROOTFS and PROBE come from `make check-escape`.

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"
require_feature seccomp limits

# --- --chroot: MS_MOVE + chroot instead of pivot_root ---------------------------

attack chroot-escape "with --chroot, the root moved over / (MS_MOVE): cd .. stops there; CAP_SYS_CHROOT dropped" \
	--chroot -- "$marker"
attack proc1-root "with --chroot, /proc/PID/root of every process is the sandbox's /" \
	--chroot -- "$marker"

# --- --read-only ---------------------------------------------------------------------

attack remount-rw "--read-only holds: CAP_SYS_ADMIN dropped, mount in the seccomp filter" --read-only
ok "nothing was written into the read-only root image" test ! -e "$root/.probe-rw"

# --- --user: setuid binaries and no_new_privs ---------------------------------------

attack setuid "--user 1000: no_new_privs, a setuid-root binary does not give euid 0" \
	--user 1000 -- /suid-probe
attack caps "--user 1000: no capability at all" --user 1000
attack nnp "--user 1000: no_new_privs set" --user 1000
attack caps "--cap-keep NET_BIND_SERVICE keeps exactly that one (bounding set included)" \
	--cap-keep NET_BIND_SERVICE -- 400
attack caps "--user 1000 --cap-keep NET_BIND_SERVICE: that one, as an ambient capability" \
	--user 1000 --cap-keep NET_BIND_SERVICE -- 400

# --- --cap-keep SYS_PTRACE is refused ------------------------------------------------
# The flag that makes PID 1 non-dumpable does not hold against
# CAP_SYS_PTRACE, and open(2) of /proc/1/fd/N or /proc/1/mem is no call the
# filter could deny: a service with it would own hutch's PID 1. (This suite
# found that escape: PID 1 then kept its state directory, a host
# directory, as fd 3.) So hutch refuses it, and PID 1 holds no directory
# descriptor and, once set up, only the capabilities it needs.
for spec in SYS_PTRACE sys_ptrace CAP_SYS_PTRACE net_raw,sys_ptrace; do
	out=$(timeout 10 "$HUTCH" --root "$root" --restart no --cap-keep "$spec" -- /probe caps 2>&1)
	is "$?" 125 "--cap-keep $spec is refused: exit 125"
	like "$out" "sys_ptrace is refused: it would give the service hutch's own PID 1" "and says why"
done
attack proc1-root "no fd of PID 1 leads out of the root (its one extra fd is a file)" -- "$marker"
is "$(cksum <"$marker")" "$marker_sum" "the host marker is unchanged"

# --- a cgroup: the service may neither loosen its limit nor leave its group ---------

cg_name=escape-cg-$$
cg_dir=/sys/fs/cgroup/pids/hutch/$cg_name
[ -d /sys/fs/cgroup/pids ] || cg_dir=/sys/fs/cgroup/hutch/$cg_name
start_probe --name "$cg_name" --pids 64 -- '
	/probe cgroup-write pids; echo "rc=$?"
	echo READY; exec sleep 1000'
ok "a sandbox with --pids 64 runs the cgroup attack" test -n "$svc"
cg_line=$(grep '^cgroup-write: ' <<<"$bgout")
note "$cg_line"
like "$(sed -n 's/^rc=//p' <<<"$bgout") $cg_line" '^0 cgroup-write: blocked \(' \
	"cgroup-write is blocked: no cgroup file system in the sandbox, mounting one needs CAP_SYS_ADMIN (dropped) and mount (filtered)"
is "$(cat "$cg_dir/pids.max" 2>/dev/null)" 64 "the group's pids.max is still 64"
like "$(cat "/proc/$pid1/cgroup" 2>/dev/null)" ":pids:/hutch/$cg_name\$|^0::/hutch/$cg_name\$" \
	"PID 1 is still in the sandbox's group"
like "$(cat "/proc/$svc/cgroup" 2>/dev/null)" ":pids:/hutch/$cg_name\$|^0::/hutch/$cg_name\$" \
	"the service is still in the sandbox's group"
stop_probe

# --- ptrace of PID 1, seen from the host ---------------------------------------------

start_probe -- '
	/probe ptrace-pid1; echo "rc=$?"
	echo READY; exec sleep 1000'
ok "a sandbox runs the ptrace attack" test -n "$pid1"
note "$(grep '^ptrace-pid1: ' <<<"$bgout")"
like "$(sed -n 's/^rc=//p' <<<"$bgout") $(grep '^ptrace-pid1: ' <<<"$bgout")" \
	'^0 ptrace-pid1: blocked \(' "ptrace-pid1 is blocked (PID 1 not dumpable, capabilities dropped, ptrace filtered)"
is "$(awk '/^TracerPid:/ { print $2 }' "/proc/$pid1/status" 2>/dev/null)" 0 \
	"from the host: PID 1 is traced by nobody"
unlike "$(awk '/^State:/ { print $2 }' "/proc/$pid1/status" 2>/dev/null)" '^[tT]$' \
	"from the host: PID 1 is not stopped"
stop_probe

# --- the filter's kill action -----------------------------------------------------------

attack compat32 "with --seccomp-action kill, an i386 unshare kills the caller (SIGSYS)" \
	--seccomp-action kill
attack unshare "with --seccomp-action kill, unshare(CLONE_NEWUSER) kills the caller (SIGSYS)" \
	--seccomp-action kill
like "$out" 'killed by SIGSYS' "... and it was the filter (SIGSYS) that stopped it"

# --- controls: a defence switched off, the probe must see the escape ------------------

run_probe --seccomp off -- unshare
note "$out"
like "$rc $out" '^1 unshare: ESCAPED \(unshare\(CLONE_NEWUSER\)' \
	"control: with --seccomp off, the probe reports the new user namespace as an escape"
run_probe --seccomp off -- seccomp-state
like "$rc $out" '^1 seccomp-state: ESCAPED' "control: with --seccomp off, the probe sees no filter"
run_probe --seccomp off --cap-keep SYS_ADMIN -- mount
note "$out"
like "$rc $out" '^1 mount: ESCAPED \(mounted a tmpfs' \
	"control: with CAP_SYS_ADMIN kept and no filter, the probe's mount succeeds"
run_probe --cap-keep SYS_ADMIN -- caps
like "$rc $out" '^1 caps: ESCAPED \(capabilities beyond 0' \
	"control: a kept capability shows in the probe's caps report"

done_testing
