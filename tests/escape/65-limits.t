#!/bin/bash
# SPDX-License-Identifier: MIT
# 65-limits.t: limits by default. A fork bomb is stopped by the default
# --pids (15% of the smaller of kernel.pid_max and kernel.threads-max, as
# systemd's DefaultTasksMax), and wins, up to a bounded count, with --pids
# max. The OOM killer never picks the launcher or PID 1 (oom_score_adj
# -1000) and the service keeps the caller's value, which it cannot lower.
#
# Needs root. HUTCH, ROOTFS and PROBE come from `make check-escape`.

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"
require_feature userns limits
require_cmd pgrep

name=lim-$$
PIDS_CG=/sys/fs/cgroup/pids
[ -d "$PIDS_CG" ] || bail_out "this test needs the cgroup v1 pids hierarchy ($PIDS_CG)"

pid_max=$(cat /proc/sys/kernel/pid_max)
threads_max=$(cat /proc/sys/kernel/threads-max)
least=$((pid_max < threads_max ? pid_max : threads_max))
default=$((least * 15 / 100))
# The bomb forks up to bound processes: more than the default, and few
# enough for a test machine.
bound=$((default + 200))
[ "$default" -le 20000 ] ||
	bail_out "the default --pids here is $default: too many processes to fork in a test"

# start_bg [HUTCH-OPTION...] -- SCRIPT: as start_probe (lib.sh), with more
# time for READY: forking thousands of processes takes a while.
start_bg() {
	local opts args
	take_opts "$@"
	launcher='' pid1='' svc=''
	: >"$tmp/bg.out"
	timeout 120 "$HUTCH" --name "$name" --root "$root" --restart no "${opts[@]}" \
		-- /bin/sh -c "${args[0]}" </dev/null >"$tmp/bg.out" 2>&1 &
	bg=$!
	wait_for 90 grep -q READY "$tmp/bg.out" || return 1
	launcher=$(pgrep -P "$bg" -x hutch) && launchers+=("$launcher") &&
		pid1=$(pgrep -P "$launcher" -x hutch) &&
		svc=$(pgrep -P "$pid1")
}

# in_sandbox: how many processes share the service's PID namespace.
in_sandbox() {
	pgrep --ns "$svc" --nslist pid -c
}

# --- the fork bomb --------------------------------------------------------------

# An inner shell forks sleepers (subshells blocked opening a FIFO: no
# exec, so it is quick) until it has bound of them or a fork fails (ash
# then gives up: "can't fork"); the outer one reports and stays.
bomb="mkfifo /tmp/f; sh -c 'i=0; while [ \$i -lt $bound ]; do { read x </tmp/f; } & i=\$((i + 1)); done; echo all forked'
	echo READY; exec sleep 1000"

start_bg -- "$bomb" || bail_out "the sandbox did not start: $(cat "$tmp/bg.out")"
is "$(cat "$PIDS_CG/hutch/$name/pids.max")" "$default" \
	"no --pids: pids.max is 15% of min(pid_max $pid_max, threads-max $threads_max)"
n=$(in_sandbox)
note "default: $n processes in the sandbox, $(cat "$PIDS_CG/hutch/$name/pids.current") in the group"
ok "the fork bomb is stopped at the default ($n <= $default processes)" test "$n" -le "$default"
like "$(cat "$tmp/bg.out")" "can't fork" "the bomb's fork fails"
unlike "$(cat "$tmp/bg.out")" "all forked" "it never forks all $bound"
stop_probe

start_bg --pids max -- "$bomb" || bail_out "the sandbox did not start: $(cat "$tmp/bg.out")"
n=$(in_sandbox)
note "--pids max: $n processes in the sandbox"
ok "--pids max: the bomb wins up to its bound ($n > $bound processes)" test "$n" -gt "$bound"
like "$(cat "$tmp/bg.out")" "all forked" "--pids max: every fork succeeds"
ok "--pids max: no pids group" test ! -e "$PIDS_CG/hutch/$name"
stop_probe
start_bg --pids 0 -- 'echo READY; exec sleep 1000' || bail_out "the sandbox did not start"
ok "--pids 0: no pids group either" test ! -e "$PIDS_CG/hutch/$name"
ok "but the device allow-list's group" test -e "/sys/fs/cgroup/devices/hutch/$name"
stop_probe

# --- oom_score_adj --------------------------------------------------------------

# The caller's value, raised (always allowed) so that it differs from 0.
echo 300 >/proc/self/oom_score_adj || bail_out "cannot set this test's oom_score_adj"
# Lowering takes CAP_SYS_RESOURCE, which some VMs and containers keep out
# of root's bounding set: there the launcher cannot protect itself either
# (the QEMU guests test the protection for real: tests/qemu/guest/cgroupv2.sh).
if (echo -1000 >/proc/self/oom_score_adj) 2>/dev/null; then
	protected=-1000
else
	protected=300
	note "this machine denies lowering oom_score_adj (no CAP_SYS_RESOURCE): protection untested here"
fi

oom_script='cat /proc/self/oom_score_adj; echo -1000 >/proc/self/oom_score_adj
	echo "now $(cat /proc/self/oom_score_adj)"; echo READY; exec sleep 1000'
start_bg -- "$oom_script" || bail_out "the sandbox did not start: $(cat "$tmp/bg.out")"
note "$(cat "$tmp/bg.out")"
is "$(cat "/proc/$launcher/oom_score_adj")" "$protected" "the launcher's oom_score_adj is $protected"
is "$(cat "/proc/$pid1/oom_score_adj")" "$protected" "PID 1's oom_score_adj is $protected"
is "$(cat "/proc/$svc/oom_score_adj")" 300 "the service's is the caller's, 300"
like "$(cat "$tmp/bg.out")" "now 300" "and the service cannot lower it to -1000"
stop_probe

chmod 755 "$tmp" # for the root copy: root inside is an unprivileged host uid
start_bg --userns -- "$oom_script" || bail_out "the sandbox did not start: $(cat "$tmp/bg.out")"
is "$(cat "/proc/$launcher/oom_score_adj")" "$protected" "--userns: the launcher's is $protected"
is "$(cat "/proc/$pid1/oom_score_adj")" 300 \
	"--userns: PID 1 keeps the caller's (it could not raise the service's floor again)"
is "$(cat "/proc/$svc/oom_score_adj")" 300 "--userns: the service's is the caller's"
like "$(cat "$tmp/bg.out")" "now 300" "--userns: and the service cannot lower it"
stop_probe

done_testing
