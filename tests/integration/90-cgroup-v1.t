#!/bin/bash
# SPDX-License-Identifier: MIT
# cgroup v1 limits on the build machine, for real: values written, limits
# effective (measured from the group's own accounting), groups removed
# whatever way hutch ends. cgroup v2 is tested in a QEMU guest
# (tests/qemu), since this machine runs v1.
. "$(dirname "$0")/../lib/tap.sh"
require_feature limits
require_root
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
CG=/sys/fs/cgroup
[ -f $CG/cpu/cpu.cfs_quota_us ] && [ -d $CG/memory ] && [ -d $CG/pids ] && [ -d $CG/cpuacct ] ||
	bail_out "this test needs cgroup v1 cpu, cpuacct, memory and pids hierarchies"

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
name=t90-$$

# start NAME ARGS...: hutch in the background under a timeout guard; the
# launcher's pid (the guard's child) in $launcher.
start() {
	local n=$1 guard
	shift
	timeout 60 "$HUTCH" --name "$n" --root "$ROOTFS" "$@" 2>"$tmp/$n.log" &
	guard=$!
	pids+=("$guard")
	wait_for 10 pgrep -P "$guard" >/dev/null || bail_out "hutch did not start"
	launcher=$(pgrep -P "$guard")
	pids+=("$launcher")
}
# stop: SIGTERM to the launcher, then its exit status (through the guard).
stop() {
	kill -TERM "$launcher"
	wait "${pids[-2]}"
}
# The group NAME has a process in hierarchy H (cgroup files have size 0,
# so test -s cannot tell).
populated() {
	grep -q . "$CG/$1/hutch/$2/cgroup.procs" 2>/dev/null
}
# The group of NAME in every hierarchy it should be in is gone.
gone() {
	for h in cpu cpuacct memory pids; do [ ! -e "$CG/$h/hutch/$1" ] || return 1; done
}

# --- values in force while running, and membership -------------------------
start "$name" --cpu 20% --cpu-weight 200 --memory 32M --pids 50 --restart no -v \
	-- /bin/sh -c 'sleep 30'
ok "the group appears and holds the sandbox" wait_for 10 populated pids "$name"
is "$(cat $CG/cpu/hutch/$name/cpu.cfs_period_us)" 100000 "cpu.cfs_period_us is the default period"
is "$(cat $CG/cpu/hutch/$name/cpu.cfs_quota_us)" 20000 "--cpu 20% is a quota of 20000 us"
is "$(cat $CG/cpu/hutch/$name/cpu.shares)" 2048 "--cpu-weight 200 is cpu.shares 2048 (systemd's mapping)"
is "$(cat $CG/memory/hutch/$name/memory.limit_in_bytes)" $((32 << 20)) "--memory 32M"
is "$(cat $CG/pids/hutch/$name/pids.max)" 50 "--pids 50"
pid1=$(pgrep -P "$launcher")
svc=$(pgrep -P "$pid1")
for h in cpu cpuacct memory pids; do
	like "$(cat $CG/$h/hutch/$name/cgroup.procs)" "^$pid1\$" "PID 1 is in the $h group"
	like "$(cat $CG/$h/hutch/$name/cgroup.procs)" "^$svc\$" "the service is in the $h group"
done
unlike "$(cat $CG/pids/hutch/$name/cgroup.procs)" "^$launcher\$" "the launcher stays out of the group"
like "$(cat /proc/$svc/cgroup)" ":pids:/hutch/$name\$" "/proc/PID/cgroup of the service names the group"
stop
is "$?" 143 "stopped with SIGTERM: 128+15"
like "$(cat "$tmp/$name.log")" "cpu.cfs_quota_us = 20000" "-v reports the quota read back"
like "$(cat "$tmp/$name.log")" "memory.limit_in_bytes = 33554432" "-v reports the memory limit read back"
ok "the group is removed from every hierarchy" gone "$name"
ok "the parent group stays, for other sandboxes" test -d "$CG/cpu/hutch"

# --- --cpu 20%: the busy loop gets 20% +- 3 points of one CPU -------------------
# Measured from the group's own accounting: CPU time used (cpuacct.usage)
# over the CFS periods in which the group wanted to run (cpu.stat
# nr_periods), so neither the test's own timing nor the machine's load
# enters the figure.
start "$name-cpu" --cpu 20% --restart no -- /bin/sh -c 'while :; do :; done'
ok "the busy loop runs" wait_for 10 populated cpuacct "$name-cpu"
sleep 1
u0=$(cat $CG/cpuacct/hutch/$name-cpu/cpuacct.usage)
p0=$(awk '/^nr_periods/ {print $2}' $CG/cpu/hutch/$name-cpu/cpu.stat)
sleep 3
u1=$(cat $CG/cpuacct/hutch/$name-cpu/cpuacct.usage)
p1=$(awk '/^nr_periods/ {print $2}' $CG/cpu/hutch/$name-cpu/cpu.stat)
throttled=$(awk '/^nr_throttled/ {print $2}' $CG/cpu/hutch/$name-cpu/cpu.stat)
# usage in ns over periods of 100,000,000 ns, as a percentage
share=$(( (u1 - u0) * 100 / ((p1 - p0) * 100000000) ))
diag "used $(( (u1 - u0) / 1000000 )) ms over $((p1 - p0)) periods of 100 ms (throttled $throttled times)"
ok "CPU share is 20% +- 3 points of one CPU (got $share%)" test "$share" -ge 17 -a "$share" -le 23
ok "the kernel throttled the group" test "$throttled" -gt 0
stop
ok "the cpu group is removed" gone "$name-cpu"

# --- --pids 20: a fork bomb is stopped, hutch survives -----------------------
# The bomb runs in a child shell, which dies when a fork fails; the
# service then execs (needs no fork) and waits, the bomb's children alive.
start "$name-pids" --pids 20 --restart no -- /bin/sh -c \
	'sh -c "while :; do sleep 60 & done" 2>/dev/null; exec sleep 60'
# pids.events "max N": N forks were refused because of pids.max.
ok "the fork bomb hits the limit" wait_for 20 awk '$1 == "max" { exit !($2 > 0) }' \
	"$CG/pids/hutch/$name-pids/pids.events"
cur=$(cat $CG/pids/hutch/$name-pids/pids.current)
ok "pids.current ($cur) never passes 20" test "$cur" -le 20
pid1=$(pgrep -P "$launcher")
ok "hutch's PID 1 is still alive" kill -0 "$pid1"
ok "the launcher is still alive" kill -0 "$launcher"
stop
ok "a stop after the fork bomb leaves no group" gone "$name-pids"

# --- --memory 16M: the memory hog is killed, and the log says why -----------
timeout 60 "$HUTCH" --name "$name-mem" --root "$ROOTFS" --memory 16M --restart no \
	-- /bin/sh -c 'x=a; while :; do x="$x$x"; done' 2>"$tmp/mem.log"
is "$?" 137 "the hog dies of SIGKILL: exit 137"
like "$(cat "$tmp/mem.log")" "OOM killer killed 1 process.*memory limit of 16777216 bytes" \
	"the log names the OOM kill and the limit"
ok "the memory group is removed" gone "$name-mem"

# --- SIGKILL of the launcher, then a new start of the same name ------------------
start "$name-k" --memory 32M --pids 30 --restart no -- /bin/sh -c 'sleep 30'
ok "the group exists" wait_for 10 populated pids "$name-k"
pid1=$(pgrep -P "$launcher")
kill -9 "$launcher"
wait "${pids[-2]}" 2>/dev/null
ok "PID 1 and the service die with the launcher" wait_for 10 sh -c "! grep -q . $CG/pids/hutch/$name-k/cgroup.procs"
ok "the emptied group is left behind by a SIGKILLed launcher" test -d "$CG/pids/hutch/$name-k"
timeout 30 "$HUTCH" --name "$name-k" --root "$ROOTFS" --memory 32M --pids 30 --restart no -v \
	-- /bin/true 2>"$tmp/k2.log"
is "$?" 0 "a new start of the same name succeeds"
like "$(cat "$tmp/k2.log")" "removed the stale cgroup" "it removes the stale group first"
ok "and leaves nothing behind" gone "$name-k"

# --- a running sandbox of the same name is not disturbed ---------------------------
start "$name-dup" --pids 30 --restart no -- /bin/sh -c 'sleep 30'
first=$launcher
ok "the first sandbox runs" wait_for 10 populated pids "$name-dup"
out=$(timeout 30 "$HUTCH" --name "$name-dup" --root "$ROOTFS" --pids 30 -- /bin/true 2>&1)
is "$?" 125 "a second sandbox of the same name is refused with 125"
like "$out" "a sandbox named $name-dup is already running" "and says why"
is "$(printf '%s\n' "$out" | wc -l)" 1 "in one line"
ok "the first sandbox is untouched" kill -0 "$first"
ok "its group still holds it" populated pids "$name-dup"
stop

# --- bad limits: one line, 125, no group --------------------------------------------
ncpu=$(nproc)
out=$(timeout 10 "$HUTCH" --name "$name-bad" --root "$ROOTFS" --cpu $((ncpu + 1)) -- /bin/true 2>&1)
is "$?" 125 "--cpu beyond the machine: 125"
like "$out" "this machine has $ncpu CPU" "the message says what the machine has"
for args in "--memory 10" "--cpu 0" "--cpu-period 10" "--pids -1" "--cgroup-parent ../../etc" "--memory-swap 1G"; do
	# shellcheck disable=SC2086
	out=$(timeout 10 "$HUTCH" --name "$name-bad" --root "$ROOTFS" $args -- /bin/true 2>&1)
	is "$?" 125 "$args: exit 125"
	is "$(printf '%s\n' "$out" | wc -l)" 1 "$args: one line"
done
ok "no group was created by any bad start" gone "$name-bad"

# --- a hierarchy missing (unmounted in a private mount namespace) ---------------
out=$(unshare -m sh -c "umount $CG/memory && '$HUTCH' check --memory 16M" 2>&1)
is "$?" 1 "hutch check exits 1 when the memory controller is missing"
like "$out" "^missing +memory controller .*mount -t cgroup -o memory" "and names the fix"
out=$(unshare -m sh -c "umount $CG/memory && timeout 10 '$HUTCH' --name $name-nomem --root '$ROOTFS' --memory 16M --pids 10 -- /bin/true" 2>&1)
is "$?" 125 "a start needing the missing controller fails with 125"
like "$out" "cannot set the memory limit" "naming the limit"
ok "and leaves no group in the other hierarchies" gone "$name-nomem"
out=$(unshare -m sh -c "umount $CG/memory && timeout 10 '$HUTCH' --name $name-warn --root '$ROOTFS' --memory 16M --pids 10 --cgroup-missing warn --restart no -- /bin/true" 2>&1)
is "$?" 0 "--cgroup-missing warn runs without the missing limit"
is "$(printf '%s\n' "$out" | grep -c 'running without the memory limit')" 1 "and says so once"
ok "the pids group of that run is removed too" gone "$name-warn"

done_testing
