#!/bin/bash
# SPDX-License-Identifier: MIT
# 72-exit-cause.t: the cause of every exit (issue 15.5, docs/exit-causes.md),
# each produced for real and read back three ways: the exit log line
# ("... (cause: WORD)"), hutch status's "last:" line, and hutch status
# --json, parsed by jq. An exit code, a signal, an OOM kill under --memory
# (cgroup v1 here) and one attributed to its own run only, a seccomp kill
# with its system call named from the kernel's audit record, --ready-timeout,
# hutch restart and hutch stop, an exec failure, the start limit and the
# boot limit; and --json for every sandbox at once.
#
# A sandbox that is to be looked at stays up in its backoff: --restart
# always with a long --restart-delay (the first restart is immediate, so it
# is looked at after its second run). Needs root.
source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
source "$(dirname "$0")/../lib/sandbox.sh"
require_feature control limits seccomp
require_root
require_cmd timeout jq
require_hutch
CG=/sys/fs/cgroup
[ -d $CG/memory ] || bail_out "this test needs the cgroup v1 memory hierarchy"

tmp=$(mktemp -d /tmp/hutch-72.XXXXXX) || bail_out "mktemp -d failed"
S=$tmp/state
P=$tmp/persist
mkdir -p "$S" "$P"
cleanup() {
	for d in "$S"/*/; do
		[ -f "$d/launcher" ] && kill "$(sed -n 's/^pid=//p' "$d/launcher")" 2>/dev/null
	done
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		ls "$S"/*/launcher >/dev/null 2>&1 || break
		sleep 0.5
	done
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
[ -z "${KEEP-}" ] || trap - EXIT

h() { timeout 30 "$HUTCH" "$@"; }
# start NAME ARGS... -- CMD...: a sandbox in the background, its log in
# $tmp/NAME.err
start() {
	local name=$1
	shift
	timeout -k 5 120 "$HUTCH" --state-dir "$S" --name "$name" --root "$ROOTFS" "$@" \
		</dev/null >/dev/null 2>"$tmp/$name.err" &
}
# json NAME: its status --json, checked by jq as it is read
json() { h status --state-dir "$S" --json "$1" | jq -c . ; }
# settled NAME: the second run is over and the backoff waits
in_backoff() {
	[ "$(h status --state-dir "$S" --json "$1" 2>/dev/null |
		jq -r '.state == "backoff" and .starts >= 2')" = true ]
}
settled() { wait_for 60 in_backoff "$1"; }
last_line() { h status --state-dir "$S" "$1" | sed -n 's/^last: //p'; }
stop() { h stop --state-dir "$S" "$1"; }
q() { jq -r "$1" <<<"$j"; } # a field of the last json

backoff=(--restart always --restart-delay 60s --restart-max-delay 60s)

# --- an exit code ---------------------------------------------------------------
start ec-code "${backoff[@]}" -- /bin/sh -c 'exit 3'
ok "exit 3: the sandbox waits in its backoff" settled ec-code
j=$(json ec-code)
is "$(q '.last_exit.cause') $(q '.last_exit.code') $(q '.last_exit.signal')" "exited 3 null" \
	"json: cause exited, code 3, no signal"
is "$(q '.restarts') $(q '.starts')" "1 2" "json: the restart count (one restart, two starts)"
is "$(q '.pids.launcher')" "$(sed -n 's/^pid=//p' "$S/ec-code/launcher")" "json: the launcher's pid"
like "$(q '.pids.pid1')" '^[1-9][0-9]*$' "json: PID 1's host pid"
is "$(q '.pids.service')" null "json: no service runs in the backoff"
like "$(q '.last_exit.at')" '^[1-9][0-9]+$' "json: the exit's time, seconds since the epoch"
like "$(last_line ec-code)" '^exited with code 3 \(cause: exited, [0-9]+ s ago\)$' \
	"status: last: exited with code 3 (cause: exited, N s ago)"
stop ec-code
like "$(cat "$tmp/ec-code.err")" 'service exited with code 3 after [0-9]+ ms \(cause: exited\)' \
	"the log line says the cause"

# --- a signal --------------------------------------------------------------------
start ec-sig "${backoff[@]}" -- /bin/sh -c 'kill -USR1 $$; sleep 5'
ok "killed by SIGUSR1: in the backoff" settled ec-sig
j=$(json ec-sig)
is "$(q '.last_exit.cause') $(q '.last_exit.code') $(q '.last_exit.signal') $(q '.last_exit.signal_name')" \
	"signal null 10 SIGUSR1" "json: cause signal, signal 10 (SIGUSR1), no code"
like "$(last_line ec-sig)" '^killed by signal 10 \(SIGUSR1\) \(cause: signal, ' "status: the signal"
stop ec-sig
like "$(cat "$tmp/ec-sig.err")" 'service killed by signal 10 \(SIGUSR1\) after [0-9]+ ms \(cause: signal\)' \
	"the log line says the cause"

# --- an OOM kill -------------------------------------------------------------------
hog='x=a; while :; do x="$x$x"; done'
start ec-oom "${backoff[@]}" --memory 16M -- /bin/sh -c "$hog"
ok "a memory hog under --memory 16M: in the backoff" settled ec-oom
j=$(json ec-oom)
is "$(q '.last_exit.cause') $(q '.last_exit.signal') $(q '.last_exit.oom_kills')" "oom 9 1" \
	"json: cause oom, SIGKILL, one OOM kill in the run"
like "$(last_line ec-oom)" '^killed by signal 9 \(SIGKILL\): OOM kill \(cause: oom, ' "status: OOM kill"
stop ec-oom
like "$(cat "$tmp/ec-oom.err")" 'service killed by signal 9 \(SIGKILL\) after [0-9]+ ms: OOM kill \(cause: oom\)' \
	"the log line says the cause"

# Attribution to the run: the first run exits at once, leaving a hog that
# ignores SIGTERM; the OOM killer takes it between the runs. The second run
# dies of a SIGKILL of its own: a signal, not the earlier OOM kill.
mkdir "$tmp/mark"
# (The hog ignores SIGTERM before the first run ends, and grows only once
# the run's main process is gone.)
start ec-oom2 "${backoff[@]}" --memory 16M --bind "$tmp/mark:/run" -- /bin/sh -c "
	if [ -e /run/second ]; then kill -KILL \$\$; fi
	touch /run/second
	(trap '' TERM; touch /run/trapped
	 while kill -0 \$\$ 2>/dev/null; do sleep 0.01; done; $hog) &
	while [ ! -e /run/trapped ]; do sleep 0.01; done
	exit 3"
ok "a hog left behind by the first run: in the backoff after the second" settled ec-oom2
j=$(json ec-oom2)
is "$(q '.last_exit.cause') $(q '.last_exit.signal') $(q '.last_exit.oom_kills')" "signal 9 0" \
	"json: the second run's SIGKILL is a signal, with no OOM kill of its own"
stop ec-oom2
like "$(cat "$tmp/ec-oom2.err")" 'OOM killer killed 1 process in the sandbox between two runs' \
	"the OOM kill of the leftover happened, and is logged as such"
unlike "$(cat "$tmp/ec-oom2.err")" 'cause: oom' "and is no run's cause"

# --- a seccomp kill, with the system call ----------------------------------------------
start ec-sys "${backoff[@]}" --seccomp-action kill -- unshare -U true
ok "unshare under --seccomp-action kill: in the backoff" settled ec-sys
j=$(json ec-sys)
is "$(q '.last_exit.cause') $(q '.last_exit.signal') $(q '.last_exit.syscall')" "seccomp 31 unshare" \
	"json: cause seccomp, SIGSYS, system call unshare (from the kernel's audit record)"
like "$(q '.last_exit.syscall_nr')" '^[0-9]+$' "json: and its number"
like "$(last_line ec-sys)" '^killed by signal 31 \(SIGSYS\): seccomp kill of unshare \(system call [0-9]+\) \(cause: seccomp, ' \
	"status: the seccomp kill and its call"
stop ec-sys
like "$(cat "$tmp/ec-sys.err")" 'service killed by signal 31 \(SIGSYS\) after [0-9]+ ms: seccomp kill of unshare \(system call [0-9]+\) \(cause: seccomp\)' \
	"the log line says the cause and the call"
# A process of the service killed by the filter is not the service: its
# record (comm unshare) must not name the call of a shell killed by kill(2).
out=$(h --name ec-sys2 --root "$ROOTFS" --restart no --seccomp-action kill -- \
	/bin/sh -c 'unshare -U true; kill -SYS $$' 2>&1 </dev/null)
like "$out" 'SIGSYS\) after [0-9]+ ms: seccomp kill \(system call unknown\) \(cause: seccomp\)' \
	"a SIGSYS with no record of its own: system call unknown, never another's"

# --- --ready-timeout --------------------------------------------------------------------
if has_feature ready; then
	start ec-rdy "${backoff[@]}" --ready fd:3 --ready-timeout 300ms -- /bin/sleep 1000
	ok "never ready within --ready-timeout: in the backoff" settled ec-rdy
	j=$(json ec-rdy)
	is "$(q '.last_exit.cause') $(q '.last_exit.signal')" "ready-timeout 9" \
		"json: cause ready-timeout, killed with SIGKILL"
	stop ec-rdy
	like "$(cat "$tmp/ec-rdy.err")" 'SIGKILL\) after [0-9]+ ms: not ready within --ready-timeout \(cause: ready-timeout\)' \
		"the log line says the cause"
fi

# --- hutch restart, hutch stop ------------------------------------------------------------
start ec-stop --restart always -- /bin/sleep 1000
running() {
	[ "$(h status --state-dir "$S" --json "$1" 2>/dev/null | jq -r .state)" = running ]
}
ok "a service that runs" wait_for 20 running ec-stop
j=$(json ec-stop)
is "$(q '.last_exit')" null "json: last_exit is null before any exit"
like "$(q '.pids.service')" '^[1-9][0-9]*$' "json: the service's host pid"
is "$(q '.pids.service_in_sandbox')" 2 "json: and its pid in the sandbox"
like "$(q '.usage.processes')" '^[0-9]+$' "json: usage as status shows it"
h restart --state-dir "$S" ec-stop
j=$(json ec-stop)
is "$(q '.last_exit.cause') $(q '.last_exit.signal') $(q '.restarts')" "restart 15 1" \
	"json after hutch restart: cause restart, SIGTERM, one restart"
# --json without a name: every sandbox of the state directory, an array
start ec-two --restart always -- /bin/sleep 1000
ok "a second sandbox" wait_for 20 test -f "$S/ec-two/status"
j=$(h status --state-dir "$S" --json | jq -c .)
is "$(q 'map(.name) | sort | join(" ")')" "ec-stop ec-two" "status --json: an array of every sandbox"
stop ec-two
stop ec-stop
like "$(cat "$tmp/ec-stop.err")" 'SIGTERM\) after [0-9]+ ms: restart requested \(cause: restart\)' \
	"the log line of the restart"
like "$(cat "$tmp/ec-stop.err")" 'SIGTERM\) after [0-9]+ ms: stop requested \(cause: stop\)' \
	"the log line of the stop"

# --- the ends of a sandbox: exec failure, start limit, boot limit -------------------------
out=$(h --name ec-exec --root "$ROOTFS" -- /no/such/command 2>&1 </dev/null)
is "$?" 127 "an exec failure: 127"
like "$out" 'cannot run /no/such/command: not found .*; exit 127 \(cause: exec\)' "its line says the cause"

out=$(h --name ec-limit --root "$ROOTFS" --restart always --restart-delay 10ms \
	--start-limit 2/1m -- /bin/sh -c 'exit 1' 2>&1 </dev/null)
is "$?" 1 "the start limit: the last run's code"
like "$out" 'start limit reached: 2 starts within 60000 ms; giving up \(cause: start-limit\)' \
	"its line says the cause"

boot=(--name ec-boot --root "$ROOTFS" --restart always --restart-delay 10ms
	--start-limit 2/1m --boot-limit 1 --persist-dir "$P")
h "${boot[@]}" -- /bin/false </dev/null >/dev/null 2>&1
h "${boot[@]}" -- /bin/false </dev/null >/dev/null 2>&1
is "$?" 124 "the boot limit: 124"
j=$(h status --state-dir "$S" --persist-dir "$P" --json ec-boot | jq -c .)
is "$(q '.state') $(q '.last_exit.cause') $(q '.boot_limit.crash_loops') $(q '.boot_limit.limit')" \
	"refused boot-limit 1 1" "json of a sandbox the boot limit keeps from starting"
h reset --persist-dir "$P" ec-boot

# An agent polling while a sandbox starts: the state directory exists, its
# launcher file not yet (between state_create's mkdir and its write), and
# the launcher holds its lock file (state.c; util-linux flock stands in
# for it). It is not stale: removed, the start failed ("cannot write
# .../launcher").
mkdir -m 0755 "$S/ec-young"
(exec 9>"$S/ec-young/lock" && flock -x 9 && exec sleep 30) &
holder=$!
wait_for 5 sh -c "! flock -n -s '$S/ec-young/lock' true"
out=$(h status --state-dir "$S" --json 2>&1)
is "$out" "[]" "status --json skips a sandbox whose launcher file is not written yet"
h status --state-dir "$S" --json ec-young >/dev/null 2>&1
is "$?" 3 "status --json NAME: not running (3)"
ok "and leaves its directory alone" test -d "$S/ec-young"
kill "$holder"; wait "$holder" 2>/dev/null
out=$(h --state-dir "$S" --name ec-young --root "$ROOTFS" -- /bin/true 2>&1 </dev/null)
is "$?" 0 "once it is no more held (a launcher that died there), a start of that name runs" ||
	diag "$out"

ok "no state directory is left" sh -c "! ls '$S'/*/launcher 2>/dev/null"
done_testing
