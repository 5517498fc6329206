#!/bin/bash
# SPDX-License-Identifier: MIT
# 60-respawn.t: restart policies, the backoff schedule, the start limit, a
# stop during backoff, a sandbox that outlives restarts, and what a crash
# loop or an idle supervisor costs. No timing is asserted but the generous
# bounds named below; runs are counted from lines the service appends to a
# bound host file.
source "$(dirname "$0")/../lib/tap.sh"
require_root
. "$(dirname "$0")/../lib/sandbox.sh"
sandbox_setup 60

# start NAME HUTCH-ARGS...: hutch in the background, bounded by timeout, the
# sandbox's /run bound to the host directory $tmp/NAME, its output in
# $tmp/NAME.out and .err; sets tpid (timeout's pid), launcher and pid1.
start() {
	local name=$1
	shift
	mkdir -p "$tmp/$name"
	launcher='' pid1=''
	timeout -k 5 30 "$HUTCH" --root "$ROOTFS" --bind "$tmp/$name:/run" "$@" \
		</dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	tpid=$!
	bg+=("$tpid")
	wait_for 5 set_child launcher "$tpid" && wait_for 5 set_child pid1 "$launcher"
}

# run NAME HUTCH-ARGS...: the same in the foreground; sets rc.
run() {
	local name=$1
	shift
	mkdir -p "$tmp/$name"
	timeout -k 5 30 "$HUTCH" --root "$ROOTFS" --bind "$tmp/$name:/run" "$@" \
		</dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
}

# stop: TERM to the launcher, wait for it; sets rc.
stop() {
	kill -TERM "$launcher"
	wait "$tpid"
	rc=$?
}

lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
at_least() { [ "$(lines "$2")" -ge "$1" ]; }
# new_service: svc2=a service pid other than $svc1 under PID 1.
new_service() {
	local s
	s=$(pgrep -o -P "$pid1") && [ "$s" != "$svc1" ] && grep -qx sleep "/proc/$s/comm" &&
		svc2=$s
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
vcsw() { awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$1/status"; }

append_fail='echo run >>/run/runs; exit 1'

# --- Backoff schedule --------------------------------------------------------
start backoff --restart-delay 50ms --restart-max-delay 400ms -- sh -c "$append_fail"
ok "a failing service is restarted until it has run 8 times" \
	wait_for 15 at_least 8 "$tmp/backoff/runs"
stop
ok "hutch stopped with the last status (1, or 143 if stopped mid-run): $rc" \
	test "$rc" -eq 1 -o "$rc" -eq 143
err=$(cat "$tmp/backoff.err")
delays=$(grep -oE 'restarting in [0-9]+ ms' <<<"$err" | awk '{ print $3 }')
# E: one run ended; R<ms>: a restart was scheduled after that delay.
events=$(grep -oE 'service (exited|killed)|restarting in [0-9]+ ms' <<<"$err" |
	sed -E 's/^service.*/E/; s/restarting in ([0-9]+) ms/R\1/' | tr '\n' ' ')
is "$(grep -c '^E$' <<<"${events// /$'\n'}")" "$(lines "$tmp/backoff/runs")" \
	"every run's end is logged once"
like "$events" '^E E R' "the first restart is immediate: no 'restarting in' line before it"
like "$events" '^E E (R[0-9]+ E )*(R[0-9]+ )?$' \
	"after that, every restart has exactly one 'restarting in' line"
is "$(head -n 1 <<<"$delays")" 50 "the 2nd restart waits --restart-delay, 50 ms"
# shellcheck disable=SC2016 # awk's own \$1
ok "the delays never decrease: ${delays//$'\n'/ }" \
	awk 'NR > 1 && $1 < prev { exit 1 } { prev = $1 }' <<<"$delays"
# shellcheck disable=SC2016
ok "each delay doubles the one before, capped at 400 ms: ${delays//$'\n'/ }" \
	awk 'NR > 1 && $1 != (2 * prev < 400 ? 2 * prev : 400) { exit 1 } { prev = $1 }' <<<"$delays"
is "$(sort -n <<<"$delays" | tail -n 1)" 400 "the delay reaches --restart-max-delay, 400 ms"
ok "and stays there" test "$(grep -cx 400 <<<"$delays")" -ge 2

# --- --restart-reset: a run that long resets the backoff ------------------------
# Each run lasts at least 400 ms (sleep 0.4), then fails; the start limit
# ends hutch after 4 runs.
slow_fail='echo run >>/run/runs; sleep 0.4; exit 1'
run reset --restart-reset 300ms --start-limit 4/1m -- sh -c "$slow_fail"
is "$rc" 1 "--restart-reset 300ms, runs of 400 ms: hutch gives up at the start limit with 1"
is "$(lines "$tmp/reset/runs")" 4 "after 4 runs"
unlike "$(cat "$tmp/reset.err")" 'restarting in' "every run reset the backoff: each restart was immediate"
run noreset --restart-reset 10s --start-limit 4/1m -- sh -c "$slow_fail"
is "$(lines "$tmp/noreset/runs")" 4 "--restart-reset 10s: 4 runs as well"
is "$(grep -oE 'restarting in [0-9]+ ms' "$tmp/noreset.err" | tr '\n' ' ')" \
	"restarting in 100 ms restarting in 200 ms " "but runs of 400 ms back off: 100 ms, then 200 ms"

# --- Policies ----------------------------------------------------------------
run no --restart no -- sh -c "$append_fail"
is "$rc" 1 "--restart no: hutch exits with the service's 1"
is "$(lines "$tmp/no/runs")" 1 "--restart no: the service ran once"

run ok0 --restart on-failure -- sh -c 'echo run >>/run/runs; exit 0'
is "$rc" 0 "on-failure, exit 0: hutch exits 0"
is "$(lines "$tmp/ok0/runs")" 1 "on-failure, exit 0: the service ran once"

run selfterm --restart on-failure -- sh -c 'echo run >>/run/runs; kill -TERM $$; sleep 5'
is "$rc" 143 "on-failure, service dies of its own SIGTERM: a clean stop, exit 143"
is "$(lines "$tmp/selfterm/runs")" 1 "on-failure, SIGTERM: not restarted"

run selfhup --restart on-failure -- sh -c 'echo run >>/run/runs; kill -HUP $$; sleep 5'
is "$rc" 129 "on-failure, service dies of its own SIGHUP: a clean stop, exit 129"
is "$(lines "$tmp/selfhup/runs")" 1 "on-failure, SIGHUP: not restarted"

# SIGKILL from the host is a failure: restarted, in the same PID namespace.
start kill9 --restart on-failure -- sleep 1000
svc1='' svc2=''
wait_for 5 set_child svc1 "$pid1" && wait_for 5 grep -qx sleep "/proc/$svc1/comm"
ok "the sleep service runs" test -n "$svc1"
ns1=$(readlink "/proc/$svc1/ns/pid")
kill -9 "$svc1"
ok "on-failure, SIGKILL from the host: a new service process appears" wait_for 5 new_service
ns2=$(readlink "/proc/$svc2/ns/pid")
like "$(cat "$tmp/kill9.err")" 'killed by signal 9' "the SIGKILL is logged"
isnt "$ns1" "$(readlink /proc/self/ns/pid)" "the service is not in the host's PID namespace"
is "$ns2" "$ns1" "the restarted service is in the same PID namespace as the first"
is "$ns2" "$(readlink "/proc/$pid1/ns/pid")" "which is PID 1's"
stop
is "$rc" 143 "TERM then stops the sleep: 143"

# --restart always: exit 0 is restarted too. A long delay after the
# immediate first restart leaves hutch in backoff, so the end is certain.
start always --restart always --restart-delay 5s -- sh -c 'echo run >>/run/runs; exit 0'
ok "--restart always, exit 0: restarted, then waits 5 s" \
	wait_for 10 grep -q 'restarting in 5000 ms' "$tmp/always.err"
is "$(lines "$tmp/always/runs")" 2 "--restart always, exit 0: two runs so far"
stop
is "$rc" 0 "stopped in backoff after exit 0: hutch exits 0"

# --- Stop while in backoff ---------------------------------------------------
start idle --restart-delay 5s -- sh -c "$append_fail"
ok "a 5 s backoff starts after the immediate restart" \
	wait_for 10 grep -q 'restarting in 5000 ms' "$tmp/idle.err"
kill -TERM "$launcher"
ok "TERM during the backoff: hutch exits at once (well within the 5 s)" \
	wait_for 3 test ! -e "/proc/$launcher"
wait "$tpid"
rc=$?
is "$rc" 1 "and with the last run's status, 1"
is "$(lines "$tmp/idle/runs")" 2 "no start happened after the stop"
like "$(cat "$tmp/idle.err")" 'stopped while waiting to restart' "the stop in backoff is logged"

# --- Start limit ---------------------------------------------------------------
run limit --start-limit 3/60s -- sh -c "$append_fail"
is "$rc" 1 "--start-limit 3/60s: hutch gives up with the service's 1"
is "$(lines "$tmp/limit/runs")" 3 "after exactly 3 runs"
like "$(cat "$tmp/limit.err")" 'start limit reached' "and says so"

# --- The sandbox persists across restarts --------------------------------------
run persist -- sh -c 'if [ -e /tmp/mark ]; then echo second >>/run/runs; exit 0; fi
	echo first >>/run/runs; echo x >/tmp/mark; exit 1'
is "$rc" 0 "the second run exits 0"
is "$(tr '\n' ' ' <"$tmp/persist/runs")" "first second " \
	"a file run 1 left in the sandbox's /tmp is seen by run 2"

# --- Cost of a crash loop, and of an idle supervisor ---------------------------
# Default delays: immediate, 100, 200, 400, 800, 1600 ms: 7 runs take ~3 s.
start loop -- sh -c "$append_fail"
ok "the crash loop with default delays ran 7 times" wait_for 15 at_least 7 "$tmp/loop/runs"
cpu=$(($(ticks "$launcher") + $(ticks "$pid1")))
ok "launcher + PID 1 used $cpu clock ticks of CPU in the ~3 s crash loop (bound: 50)" \
	test "$cpu" -lt 50
stop

start sleeper -- sleep 1000
svc1=''
wait_for 5 set_child svc1 "$pid1" && wait_for 5 grep -qx sleep "/proc/$svc1/comm"
ok "the idle service runs" test -n "$svc1"
sleep 0.3 # let PID 1 settle into its wait
before=$(vcsw "$pid1")
sleep 1.5
after=$(vcsw "$pid1")
is "$after" "$before" "an idle PID 1 does not wake up: voluntary context switches unchanged over 1.5 s"
stop

done_testing
