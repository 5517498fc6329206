#!/bin/bash
# SPDX-License-Identifier: MIT
# 62-restart-wait.t: what happens between two runs. A restart waits until
# the last run's processes are gone (a leftover holding the service's port
# would make the new start fail); the leftovers get SIGTERM and
# --kill-grace before SIGKILL, as dumb-init gives them SIGTERM (dumb-init,
# run beside hutch, is the oracle); --stop-signal and --reload-signal with
# hutch reload. Sandbox names start with rst-.
source "$(dirname "$0")/../lib/tap.sh"
require_root
require_cmd musl-gcc=musl-tools dumb-init=dumb-init
. "$(dirname "$0")/../lib/sandbox.sh"
sandbox_setup 62
top=$(cd "$(dirname "$0")/../.." && pwd)

# holdport (tests/integration/helpers/holdport.c), reached in the sandbox
# at /mnt/holdport through a read-only bind.
mkdir -p "$tmp/bin"
musl-gcc -static -O2 -o "$tmp/bin/holdport" "$top/tests/integration/helpers/holdport.c" ||
	bail_out "cannot build tests/integration/helpers/holdport.c"

# A TCP port nobody uses on this machine (/proc/net/tcp{,6}: local ports in hex).
free_port() {
	local used p
	used=$(awk 'FNR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
	for p in $(seq $((19000 + $$ % 500)) 19999); do
		grep -qx "$(printf '%04X' "$p")" <<<"$used" || { echo "$p"; return 0; }
	done
	return 1
}

# start NAME HUTCH-ARGS...: hutch in the background (bounded by timeout),
# /run bound to $tmp/NAME, output in $tmp/NAME.err; sets tpid, launcher, pid1.
start() {
	local name=$1
	shift
	mkdir -p "$tmp/$name"
	launcher='' pid1=''
	timeout -k 5 60 "$HUTCH" --name "$name" --state-dir "$tmp/state" --root "$ROOTFS" \
		--bind "$tmp/$name:/run" --ro-bind "$tmp/bin:/mnt" "$@" \
		</dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	tpid=$!
	bg+=("$tpid")
	wait_for 5 set_child launcher "$tpid" && wait_for 5 set_child pid1 "$launcher"
}
stop() {
	kill -TERM "$launcher"
	wait "$tpid"
	rc=$?
}
count() { if [ -f "$2" ]; then grep -c "^$1" "$2"; else echo 0; fi; }
ups_at_least() { [ "$(count up "$1")" -ge "$2" ]; }
# The service's main process (sh, the child of PID 1 that leads its group).
main_of() {
	local c
	for c in $(pgrep -P "$pid1"); do
		[ "$(ps -o pgid= -p "$c" | tr -d ' ')" = "$c" ] && grep -qx sh "/proc/$c/comm" &&
			{ echo "$c"; return 0; }
	done
	return 1
}

# --- A restart waits for the last run's processes to be gone ---------------------
# The service's worker (holdport) holds 127.0.0.1:PORT and 512 MiB, and
# lingers 200 ms after SIGTERM. The main process is killed with SIGKILL;
# the restarted service must bind every time.
port=$(free_port) || bail_out "no free TCP port in 19000..19999"
diag "holdport on 127.0.0.1:$port"
svc="/mnt/holdport $port 512 200 /run/log & wait \$!"
kills=5
start rst-port -- sh -c "$svc"
ok "the service is up" wait_for 10 ups_at_least "$tmp/rst-port/log" 1
for k in $(seq "$kills"); do
	m=$(main_of) || break
	kill -9 "$m"
	wait_for 10 ups_at_least "$tmp/rst-port/log" $((k + 1)) || break
done
is "$(count bindfail "$tmp/rst-port/log")" 0 \
	"$kills kills of the main process: the restarted worker never found the port taken"
is "$(count up "$tmp/rst-port/log")" $((kills + 1)) "the service came up $((kills + 1)) times"
like "$(cat "$tmp/rst-port.err")" 'killed by signal 9' "the kills are logged"
stop

# The issue's case: with --start-limit 3/1m, a failed bind after a kill
# counted as a start and the next kill gave up for good.
start rst-limit --start-limit 3/1m -- sh -c "$svc"
ok "--start-limit 3/1m: the service is up" wait_for 10 ups_at_least "$tmp/rst-limit/log" 1
for k in 1 2; do
	m=$(main_of) || break
	kill -9 "$m"
	wait_for 10 ups_at_least "$tmp/rst-limit/log" $((k + 1)) || break
done
is "$(count up "$tmp/rst-limit/log")" 3 "two kills: up three times, the start limit's three starts"
ok "hutch did not give up" kill -0 "$launcher"
unlike "$(cat "$tmp/rst-limit.err")" 'start limit reached' "no 'start limit reached'"
stop

# --- Leftovers get SIGTERM and a grace, as under dumb-init -------------------------
# The main process starts a child that traps TERM (writing a marker) and
# tells it is ready through a fifo, then exits 3.
leftover() { # DIR: the script, its files in DIR
	printf '%s' "mkfifo $1/ready; (trap 'echo term >$1/marker; exit 0' TERM
		echo ready >$1/ready; while :; do sleep 1 & wait; done) & read x <$1/ready; exit 3"
}
mkdir -p "$tmp/dumb"
timeout -k 5 30 dumb-init sh -c "$(leftover "$tmp/dumb")" </dev/null >/dev/null 2>&1
drc=$?
ok "dumb-init: the leftover wrote its marker" wait_for 5 test -s "$tmp/dumb/marker"
is "$drc" 3 "dumb-init: the main process's exit code, 3"

mkdir -p "$tmp/rst-grace"
timeout -k 5 30 "$HUTCH" --name rst-grace --state-dir "$tmp/state" --root "$ROOTFS" \
	--bind "$tmp/rst-grace:/run" --restart no -- sh -c "$(leftover /run)" </dev/null \
	>/dev/null 2>"$tmp/rst-grace.err"
is "$?" "$drc" "hutch: the same exit code as dumb-init"
is "$(cat "$tmp/rst-grace/marker" 2>/dev/null)" term \
	"hutch: the leftover got SIGTERM and wrote its marker before hutch exited, as under dumb-init"

mkdir -p "$tmp/rst-nograce"
timeout -k 5 30 "$HUTCH" --name rst-nograce --state-dir "$tmp/state" --root "$ROOTFS" \
	--bind "$tmp/rst-nograce:/run" --restart no --kill-grace 0 -- sh -c "$(leftover /run)" \
	</dev/null >/dev/null 2>"$tmp/rst-nograce.err"
is "$?" 3 "--kill-grace 0: exit code 3"
ok "--kill-grace 0: the immediate SIGKILL, no marker" test ! -e "$tmp/rst-nograce/marker"

# A leftover that ignores SIGTERM: SIGKILL after the grace.
mkdir -p "$tmp/rst-deaf"
timeout -k 5 30 "$HUTCH" --name rst-deaf --state-dir "$tmp/state" --root "$ROOTFS" \
	--bind "$tmp/rst-deaf:/run" --restart no --kill-grace 300ms -- sh -c \
	"mkfifo /run/ready; (trap '' TERM; echo ready >/run/ready; exec sleep 1000) & read x </run/ready; exit 4" \
	</dev/null >/dev/null 2>"$tmp/rst-deaf.err"
is "$?" 4 "a leftover that ignores SIGTERM: hutch still ends, with the service's 4"
like "$(cat "$tmp/rst-deaf.err")" 'still running 300 ms after SIGTERM' "and says it killed it"

# --- --stop-signal, --reload-signal and hutch reload --------------------------------
# The service notes each signal it gets in /run/sig, and ends with 0 on
# QUIT or TERM.
sigsvc='trap "echo hup >>/run/sig" HUP; trap "echo usr1 >>/run/sig" USR1
	trap "echo quit >>/run/sig; exit 0" QUIT; trap "echo term >>/run/sig; exit 0" TERM
	echo ready >>/run/sig; while :; do sleep 1000 & wait; done'
h() { timeout 30 "$HUTCH" "$@"; }
start rst-sig --stop-signal QUIT -- sh -c "$sigsvc"
ok "a service that notes its signals runs" wait_for 5 grep -qx ready "$tmp/rst-sig/sig"
h reload --state-dir "$tmp/state" rst-sig
is "$?" 0 "hutch reload: exit 0"
ok "the service got the default reload signal, SIGHUP" wait_for 5 grep -qx hup "$tmp/rst-sig/sig"
stop
is "$rc" 0 "--stop-signal QUIT: hutch's SIGTERM reached the service as QUIT, which ends it with 0"
is "$(grep -v -e ready -e hup "$tmp/rst-sig/sig" | tr '\n' ' ')" "quit " "it got QUIT and no TERM"
like "$(cat "$tmp/rst-sig.err")" 'stopping: SIGQUIT sent to the service' "the stop names SIGQUIT"

start rst-usr1 --reload-signal USR1 -- sh -c "$sigsvc"
ok "a second one runs" wait_for 5 grep -qx ready "$tmp/rst-usr1/sig"
h reload --state-dir "$tmp/state" rst-usr1
is "$?" 0 "hutch reload with --reload-signal USR1: exit 0"
ok "the service got SIGUSR1" wait_for 5 grep -qx usr1 "$tmp/rst-usr1/sig"
ok "and is still the same run" test "$(grep -c ready "$tmp/rst-usr1/sig")" -eq 1
h restart --state-dir "$tmp/state" rst-usr1
is "$?" 0 "hutch restart: the service started again"
ok "the default stop signal for a restart is TERM" grep -qx term "$tmp/rst-usr1/sig"
stop
is "$rc" 0 "without --stop-signal, TERM is passed on: the service's 0"
h reload --state-dir "$tmp/state" rst-usr1 2>/dev/null
is "$?" 3 "hutch reload of a sandbox that is not running: 3"

# While the last run's processes end, hutch reload finds no service: a
# leftover (a group leader of its own, trapping HUP, deaf to TERM) is not
# taken for it.
state_is() { [ "$(h status --state-dir "$tmp/state" "$1" 2>/dev/null | sed -n 's/^state: //p')" = "$2" ]; }
start rst-end --restart no --kill-grace 2s -- sh -c "mkfifo /run/ready; setsid sh -c \
	'trap \"\" TERM; trap \"echo hup >>/run/left\" HUP; echo ready >/run/ready; while :; do sleep 1; done' &
	read x </run/ready; exit 1"
ok "the main process exited, a leftover runs: hutch status says ending" \
	wait_for 5 state_is rst-end ending
out=$(h reload --state-dir "$tmp/state" rst-end 2>&1)
is "$?" 1 "hutch reload while ending: 1"
like "$out" "the service is not running now" "the service is not running now"
wait "$tpid"
is "$?" 1 "after the grace the leftover is killed; hutch exits with the service's 1"
ok "the leftover never got the reload's SIGHUP" test ! -e "$tmp/rst-end/left"

# A stop while a deaf leftover has a long grace: the stop timeout bounds it.
start rst-endstop --restart no --kill-grace 60s --stop-timeout 1s -- sh -c \
	"mkfifo /run/ready; (trap '' TERM; echo ready >/run/ready; exec sleep 1000) & read x </run/ready; exit 5"
ok "ending, with a 60 s grace" wait_for 5 state_is rst-endstop ending
kill -TERM "$launcher"
ok "SIGTERM to hutch: it ends within the 1 s stop timeout, not the 60 s grace" \
	wait_for 5 test ! -e "/proc/$launcher"
wait "$tpid"
is "$?" 5 "with the last run's status, 5"

done_testing
