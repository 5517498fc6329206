#!/bin/bash
# SPDX-License-Identifier: MIT
# 71-liveness.t: liveness (issue 15.2). --watchdog: a service that sends
# WATCHDOG=1 in time keeps running; one that stops is killed with SIGABRT
# (SIGKILL after --stop-timeout when it ignores that) and restarted, its
# exit line and hutch status saying "watchdog"; it sees WATCHDOG_USEC and
# WATCHDOG_PID as systemd's services do; WATCHDOG=trigger and
# WATCHDOG_USEC= act as sd_notify(3) documents (systemd is not PID 1 on
# the test machines, so its documentation is the oracle: WATCHDOG_USEC in
# decimal microseconds, WATCHDOG_PID the main process's pid, "trigger"
# works without WatchdogSec=). --health: a check that fails N times in a
# row restarts the service, one that succeeds does not, one that hangs
# is killed at --health-timeout with nothing left, and it runs inside the
# sandbox as the service does (namespaces, cgroup, user, capabilities,
# seccomp). Bad values: one line, exit 125. Everything is checked from
# outside (/proc, hutch status). Sandbox names start with wd-.
. "$(dirname "$0")/../lib/tap.sh"
require_feature liveness ready daemon control check
. "$(dirname "$0")/../lib/sandbox.sh"
require_root
require_cmd timeout pgrep musl-gcc=musl-tools
sandbox_setup 71
mkdir -p "$tmp/w"
chmod 777 "$tmp/w"
build_notify

names=()
trap 'stop_names "${names[@]}"; sandbox_cleanup' EXIT
# field NAME KEY: the value of "KEY: value" in hutch status NAME.
field() { "$HUTCH" status "$1" 2>/dev/null | sed -n "s/^$2: //p"; }
starts_at_least() { [ "$(field "$1" starts)" -ge "$2" ] 2>/dev/null; }
# run NAME ARGS...: a sandbox in the background, its output in $tmp/NAME.out
run() {
	local name=$1
	shift
	names+=("$name")
	timeout 120 "$HUTCH" --root "$ROOTFS" --name "$name" --ro-bind "$tmp/bin:/mnt" \
		--bind "$tmp/w:/w" "$@" >"$tmp/$name.out" 2>&1 </dev/null &
	bg+=($!)
	# Not hutch status before the launcher wrote its file: status takes
	# a directory without one for stale and removes it (control.c's
	# find(), a race of its own, reported), and the start then fails.
	wait_for 10 test -s "/run/hutch/$name/launcher"
	wait_for 10 sh -c "\"$HUTCH\" status $name 2>/dev/null | grep -q '^state: running'" ||
		diag "$name did not start: $(cat "$tmp/$name.out")"
}
cd /tmp || bail_out "cd /tmp"

# --- bad values: one line, exit 125 ---------------------------------------------------------------

bad() {
	local what=$1
	shift
	"$HUTCH" --root "$ROOTFS" --name wd-bad "$@" -- /bin/true >"$tmp/bad.out" 2>&1 </dev/null
	is "$?" 125 "$what: exit 125"
	is "$(grep -c . "$tmp/bad.out")" 1 "$what: one line ($(head -c 100 "$tmp/bad.out"))"
}
bad "--watchdog abc" --watchdog abc
bad "--watchdog 2y" --watchdog 2y
bad "--health ''" --health ''
bad "--health-retries 0" --health true --health-retries 0
bad "--health-retries 1001" --health true --health-retries 1001
bad "--health-timeout 0" --health true --health-timeout 0
bad "--health-interval without --health" --health-interval 1s
"$HUTCH" --name wd-bad --watchdog 1s -- /bin/true >"$tmp/bad.out" 2>&1 </dev/null
is "$?" 125 "--watchdog without --root: exit 125"
like "$(cat "$tmp/bad.out")" "--watchdog needs --root" "and says so"
is "$(ls -d /run/hutch/wd-bad 2>/dev/null)" "" "nothing was made for them"
# hutch check judges --health's shell in the root image.
mkdir -p "$tmp/nosh/bin"
cp "$ROOTFS/bin/busybox" "$tmp/nosh/bin/true"
out=$("$HUTCH" check --root "$tmp/nosh" --health true -- /bin/true 2>&1)
isnt "$?" 0 "hutch check: --health in a root without /bin/sh fails"
like "$out" '--health: no /bin/sh in the sandbox' "and says why"
out=$("$HUTCH" check --root "$ROOTFS" --health true -- /bin/true 2>&1)
unlike "$out" '--health' "with /bin/sh there, no line about it"

# --- the watchdog ----------------------------------------------------------------------------------

# --watchdog alone (no --ready): the notify socket is there, and the
# service's environment has what sd_watchdog_enabled(3) reads.
run wd-env --watchdog 3s -- /bin/sh -c \
	'env >/w/env; echo "$$" >/w/env.pid; while :; do /mnt/notify WATCHDOG=1; sleep 0.2; done'
ok "a sandbox with --watchdog 2s runs" test -n "$(field wd-env pid1)"
ok "the service wrote its environment" wait_for 10 test -s "$tmp/w/env.pid"
is "$(grep '^WATCHDOG_USEC=' "$tmp/w/env")" "WATCHDOG_USEC=3000000" \
	"WATCHDOG_USEC is the timeout in microseconds"
is "$(sed -n 's/^WATCHDOG_PID=//p' "$tmp/w/env")" "$(cat "$tmp/w/env.pid")" \
	"WATCHDOG_PID is the service's own pid, as it sees it"
is "$(sed -n 's/^NOTIFY_SOCKET=//p' "$tmp/w/env")" /dev/hutch-notify \
	"NOTIFY_SOCKET is set without --ready: --watchdog makes the socket"
svc=$(field wd-env 'service host pid')
# Pings every 0.2 s against a 3 s timeout (a wide margin on a busy
# machine): 5 s is over a timeout and a half without a restart.
sleep 5
is "$(field wd-env starts)" 1 "a service that sends WATCHDOG=1 in time keeps running (1 start)"
is "$(field wd-env 'service host pid')" "$svc" "the same process, seen from the host"
timeout 20 "$HUTCH" stop wd-env >/dev/null 2>&1

# One that stops sending is killed with SIGABRT and restarted.
run wd-miss --watchdog 500ms --restart-delay 100ms -- /bin/sh -c \
	'/mnt/notify WATCHDOG=1; exec sleep 1000'
svc=$(field wd-miss 'service host pid')
ok "the first run (host pid $svc) is running" test -d "/proc/$svc"
ok "a service that stops sending WATCHDOG=1 is restarted" wait_for 20 starts_at_least wd-miss 2
ok "its first process is gone (from the host's /proc)" wait_for 10 test ! -d "/proc/$svc"
isnt "$(field wd-miss 'service host pid')" "$svc" "the new run is another process"
like "$(field wd-miss last)" '^killed by signal 6 \(SIGABRT\): watchdog timeout \(cause: watchdog, ' \
	"hutch status: last: SIGABRT, watchdog"
like "$(cat "$tmp/wd-miss.out")" 'watchdog: no WATCHDOG=1 from the service in 500 ms' \
	"the log says the watchdog missed"
like "$(cat "$tmp/wd-miss.out")" 'service killed by signal 6 \(SIGABRT\) after [0-9]+ ms: watchdog timeout \(cause: watchdog\)' \
	"and the exit line names the watchdog as the cause"
timeout 20 "$HUTCH" stop wd-miss >/dev/null 2>&1

# A service that ignores SIGABRT gets SIGKILL after --stop-timeout.
run wd-abrt --watchdog 300ms --stop-timeout 500ms -- /bin/sh -c \
	'trap "" ABRT; exec sleep 1000'
ok "one that ignores SIGABRT is restarted too" wait_for 20 starts_at_least wd-abrt 2
like "$(field wd-abrt last)" '^killed by signal 9 \(SIGKILL\): watchdog timeout \(cause: watchdog, ' \
	"by SIGKILL after the stop timeout"
like "$(cat "$tmp/wd-abrt.out")" 'did not end in 500 ms: SIGKILL' "the log says so"
timeout 20 "$HUTCH" stop wd-abrt >/dev/null 2>&1

# WATCHDOG=trigger: a watchdog failure at once, even without --watchdog
# (sd_notify(3): "WatchdogSec= does not need to be enabled").
timeout 30 "$HUTCH" --root "$ROOTFS" --name wd-trig --ro-bind "$tmp/bin:/mnt" --ready notify \
	--restart no -- /bin/sh -c '/mnt/notify READY=1; sleep 0.2; /mnt/notify WATCHDOG=trigger; exec sleep 1000' \
	>"$tmp/trig.out" 2>&1 </dev/null
is "$?" 134 "WATCHDOG=trigger with --ready notify alone: SIGABRT (128+6), --restart no ends hutch"
like "$(cat "$tmp/trig.out")" 'the service sent WATCHDOG=trigger' "the log says why"
# A READY=1 after the trigger does not cancel the kill under way.
timeout 30 "$HUTCH" --root "$ROOTFS" --name wd-trig2 --ro-bind "$tmp/bin:/mnt" --ready notify \
	--restart no --stop-timeout 1s -- /bin/sh -c \
	'trap "" ABRT; /mnt/notify WATCHDOG=trigger; sleep 0.3; /mnt/notify READY=1; exec sleep 1000' \
	>"$tmp/trig2.out" 2>&1 </dev/null
is "$?" 137 "WATCHDOG=trigger, SIGABRT ignored, then READY=1: still SIGKILL after the stop timeout"

# WATCHDOG_USEC= from the service shortens this run's timeout.
run wd-usec --watchdog 1h -- /bin/sh -c \
	'/mnt/notify WATCHDOG=1 WATCHDOG_USEC=300000; exec sleep 1000'
ok "WATCHDOG_USEC=300000 under --watchdog 1h: the run is killed by the watchdog" \
	wait_for 20 starts_at_least wd-usec 2
like "$(cat "$tmp/wd-usec.out")" 'no WATCHDOG=1 from the service in 300 ms' "after 300 ms"
timeout 20 "$HUTCH" stop wd-usec >/dev/null 2>&1

# With --ready, the watchdog counts from readiness (systemd: "activated
# when the start-up is completed"); fd:N's pipe and the socket together.
names+=(wd-rdy)
timeout 20 "$HUTCH" --daemon --root "$ROOTFS" --name wd-rdy --ro-bind "$tmp/bin:/mnt" \
	--ready fd:3 --watchdog 300ms -- /bin/sh -c 'sleep 1; echo >&3; exec sleep 1000' \
	>"$tmp/wd-rdy.out" 2>&1 </dev/null
is "$?" 0 "--ready fd:3 --watchdog 300ms, ready after 1 s: --daemon returns 0 (no watchdog before)"
ok "after readiness the silent service is killed by the watchdog" wait_for 20 starts_at_least wd-rdy 2
like "$(field wd-rdy last)" 'watchdog' "hutch status says so"
timeout 20 "$HUTCH" stop wd-rdy >/dev/null 2>&1

# A config file takes the same keys.
cat >"$tmp/wd.conf" <<EOF
watchdog = 400ms
health = true
health-interval = 200ms
health-timeout = 1s
health-retries = 2
EOF
run wd-conf -f "$tmp/wd.conf" -- /bin/sleep 1000
ok "a config file's watchdog = 400ms restarts a silent service" wait_for 20 starts_at_least wd-conf 2
ok "its health = true is run (healthy)" wait_for 20 sh -c "\"$HUTCH\" status wd-conf | grep -q '^health: healthy'"
timeout 20 "$HUTCH" stop wd-conf >/dev/null 2>&1

# --- health checks ---------------------------------------------------------------------------------

run wd-hfail --health 'exit 3' --health-interval 200ms --health-retries 3 --restart-delay 100ms \
	-- /bin/sleep 1000
svc=$(field wd-hfail 'service host pid')
ok "a check that fails 3 times in a row restarts the service" wait_for 20 starts_at_least wd-hfail 2
ok "the first run's process is gone" wait_for 10 test ! -d "/proc/$svc"
like "$(field wd-hfail last)" '^killed by signal 15 \(SIGTERM\): health check failed \(cause: health, ' \
	"by the stop signal; status names the health check"
like "$(cat "$tmp/wd-hfail.out")" 'health check failed 3 times in a row \(the last: exit 3\)' \
	"the log counts the failures"
like "$(cat "$tmp/wd-hfail.out")" 'health check failed \(exit 3\), 2 of 3 in a row' "one by one"
like "$(cat "$tmp/wd-hfail.out")" 'after [0-9]+ ms: health check failed \(cause: health\)' "the exit line names the cause"
timeout 20 "$HUTCH" stop wd-hfail >/dev/null 2>&1

: >"$tmp/w/checks"
run wd-hok --health 'echo x >>/w/checks' --health-interval 200ms -- /bin/sleep 1000
svc=$(field wd-hok 'service host pid')
ok "a check that succeeds runs again and again" wait_for 20 sh -c "[ \$(wc -l <$tmp/w/checks) -ge 6 ]"
is "$(field wd-hok starts)" 1 "and the service is not restarted"
is "$(field wd-hok 'service host pid')" "$svc" "the same process"
is "$(field wd-hok health)" "healthy (failures in a row: 0, last check: exit 0)" "hutch status: healthy"
timeout 20 "$HUTCH" stop wd-hok >/dev/null 2>&1

# A check that hangs is killed at --health-timeout, with its children.
run wd-hto --health 'sleep 4243 & exec sleep 4242' --health-interval 200ms --health-timeout 300ms \
	--health-retries 1000 -- /bin/sleep 1000
ok "a hanging check times out" wait_for 20 sh -c "\"$HUTCH\" status wd-hto | grep -q 'last check: timeout'"
ok "a few times" wait_for 20 sh -c "\"$HUTCH\" status wd-hto | grep -qE 'failures in a row: ([3-9]|[1-9][0-9])'"
ok "at most one check's sleep runs at a time (each timeout killed it)" \
	test "$(pgrep -fc '^sleep 4242$')" -le 1
ok "and its background child too (the check's keeper kills all it started)" \
	test "$(pgrep -fc '^sleep 4243$')" -le 1
is "$(field wd-hto starts)" 1 "below --health-retries the service stays"
timeout 20 "$HUTCH" stop wd-hto >/dev/null 2>&1
ok "after the stop no check process is left" wait_for 10 sh -c "! pgrep -f '^sleep 424[23]$' >/dev/null"

# The check runs inside the sandbox, as the service runs.
snap='for n in pid mnt net uts ipc; do readlink /proc/self/ns/$n; done; cat /proc/self/cgroup; id -u; id -g; grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status; pwd'
run wd-hin --user 1000:1000 --workdir /tmp --health "{ $snap; } >/w/check.tmp && mv /w/check.tmp /w/check.txt" --health-interval 200ms \
	-- /bin/sh -c "{ $snap; } >/w/service.txt; exec sleep 1000"
ok "the check ran" wait_for 20 test -s "$tmp/w/check.txt"
ok "the service wrote its own view" test -s "$tmp/w/service.txt"
is "$(cat "$tmp/w/check.txt")" "$(cat "$tmp/w/service.txt")" \
	"the check's namespaces, cgroup, ids, capabilities, no_new_privs, seccomp and workdir are the service's"
svc=$(field wd-hin 'service host pid')
is "$(head -5 "$tmp/w/check.txt")" \
	"$(for n in pid mnt net uts ipc; do readlink "/proc/$svc/ns/$n"; done)" \
	"and its namespaces are those the host sees for the service"
isnt "$(readlink /proc/self/ns/mnt)" "$(sed -n 2p "$tmp/w/check.txt")" "(not the host's mount namespace)"
grep -q '^Seccomp:[[:space:]]*2' "$tmp/w/check.txt"
ok "the check runs under the seccomp filter (Seccomp: 2)" test $? -eq 0
timeout 20 "$HUTCH" stop wd-hin >/dev/null 2>&1

# --- no timer while not running ------------------------------------------------------------------
# PID 1's context switches over 2 s, from the host's /proc.
switches() { awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n }' "/proc/$1/status"; }
# A service in its backoff has no watchdog or check armed: it exits after
# 0.3 s, its health check is due 1.5 s after each start; the first
# restart is at once, the second waits --restart-delay 30s, and PID 1
# must sleep through the check that would have been due.
run wd-idle --watchdog 1500ms --health true --health-interval 1500ms --restart-delay 30s \
	--restart-reset 1h -- /bin/sh -c 'sleep 0.3; exit 1'
ok "the service exits twice, then waits in its backoff" \
	wait_for 20 sh -c "\"$HUTCH\" status wd-idle | grep -q '^state: backoff'"
pid1=$(field wd-idle pid1)
before=$(switches "$pid1")
sleep 2
is "$(switches "$pid1")" "$before" "PID 1 made no wakeup in 2 s of backoff (no watchdog or check armed)"
timeout 20 "$HUTCH" stop wd-idle >/dev/null 2>&1

# Nor while it stops: a service that ignores SIGTERM, --stop-timeout 30s.
run wd-stop --watchdog 1500ms --health true --health-interval 1500ms --stop-timeout 30s \
	-- /bin/sh -c 'trap "" TERM; exec sleep 1000'
timeout 60 "$HUTCH" stop wd-stop >/dev/null 2>&1 &
ok "stopping" wait_for 20 sh -c "\"$HUTCH\" status wd-stop | grep -q '^state: stopping'"
pid1=$(field wd-stop pid1)
before=$(switches "$pid1")
sleep 2
is "$(switches "$pid1")" "$before" "PID 1 made no wakeup in 2 s of stopping (no watchdog or check armed)"
timeout 20 "$HUTCH" kill wd-stop KILL >/dev/null 2>&1
ok "then killed" wait_for 20 test ! -e /run/hutch/wd-stop

# --- nothing left ----------------------------------------------------------------------------------
stop_names "${names[@]}"
is "$(pgrep -f -- '--name wd-' | tr '\n' ' ')" "" "no wd- process is left"
is "$(ls -d /run/hutch/wd-* 2>/dev/null | tr '\n' ' ')" "" "no wd- state directory is left"

done_testing
