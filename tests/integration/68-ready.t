#!/bin/bash
# SPDX-License-Identifier: MIT
# 68-ready.t: readiness (issue 15.1). --daemon returns when the service
# says it is ready, the s6 way (--ready fd:N, a newline) or systemd's
# (--ready notify, READY=1 on $NOTIFY_SOCKET), not before; it fails when
# the service ends first or --ready-timeout passes. hutch status says
# starting or ready, and the STATUS= text, and a restarted service is
# starting again until it says so. Under a Type=notify unit hutch tells
# its own NOTIFY_SOCKET. Only processes of the sandbox are heard; a long
# datagram is dropped; a flood does not keep PID 1 from a stop; an idle
# PID 1 makes no wakeups. The sd_notify sender (and the systemd side) is
# tests/integration/helpers/notify.c, at /mnt/notify in the sandbox.
# Sandbox names start with rdy-.
. "$(dirname "$0")/../lib/tap.sh"
require_feature ready daemon control
. "$(dirname "$0")/../lib/sandbox.sh"
require_root
require_cmd timeout pgrep musl-gcc=musl-tools
sandbox_setup 68
mkdir -p "$tmp/w"
build_notify

names=()
trap 'stop_names "${names[@]}"; sandbox_cleanup' EXIT
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# field NAME KEY: the value of "KEY: value" in hutch status NAME.
field() { "$HUTCH" status "$1" 2>/dev/null | sed -n "s/^$2: //p"; }
is_ready() { [ "$(field "$1" ready)" = ready ]; }
no_state() { test ! -e "/run/hutch/$1"; }
# start NAME ARGS...: hutch --daemon for NAME, bounded; $rc, $took (ms)
# and $tmp/out (what the caller got on stdout and stderr).
start() {
	local name=$1 t0
	shift
	names+=("$name")
	t0=$(now_ms)
	timeout 20 "$HUTCH" --daemon --root "$ROOTFS" --name "$name" \
		--ro-bind "$tmp/bin:/mnt" --bind "$tmp/w:/w" "$@" >"$tmp/out" 2>&1 </dev/null
	rc=$?
	took=$(($(now_ms) - t0))
}
cd /tmp || bail_out "cd /tmp"

# --- --daemon returns once the service is ready ---------------------------------------------

start rdy-fd --ready fd:3 -- /bin/sh -c 'sleep 1; echo >&3; exec sleep 1000'
is "$rc" 0 "--ready fd:3, ready after 1 s: --daemon returns 0"
ok "only once the service wrote its newline (${took} ms >= 1000)" test "$took" -ge 1000
is "$(field rdy-fd ready)" ready "hutch status says ready"
timeout 20 "$HUTCH" stop rdy-fd >/dev/null 2>&1

start rdy-nt --ready notify -- /bin/sh -c \
	'echo "$NOTIFY_SOCKET" >/w/env; sleep 1; /mnt/notify "STATUS=serving on 80" READY=1; exec sleep 1000'
is "$rc" 0 "--ready notify, READY=1 after 1 s: --daemon returns 0"
ok "only once READY=1 came (${took} ms >= 1000)" test "$took" -ge 1000
is "$(cat "$tmp/w/env")" /dev/hutch-notify "the service's NOTIFY_SOCKET is the sandbox's own"
is "$(field rdy-nt ready)" ready "hutch status says ready"
is "$(field rdy-nt 'status text')" "serving on 80" "and the STATUS= text"

# An idle PID 1 sleeps in poll: no wakeups while nothing happens.
pid1=$(field rdy-nt pid1)
switches() { awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n }' "/proc/$pid1/status"; }
before=$(switches)
sleep 2
is "$(switches)" "$before" "an idle PID 1 with the notify socket made no wakeup in 2 s"
timeout 20 "$HUTCH" stop rdy-nt >/dev/null 2>&1

# --- a start that does not get ready fails ----------------------------------------------------

start rdy-early --ready notify -- /bin/sh -c 'sleep 0.3; exit 3'
is "$rc" 3 "a service that exits 3 before it is ready: --daemon fails with its code"
like "$(cat "$tmp/out")" "the service ended before it was ready: the start failed" "and says why"
ok "the sandbox is gone" wait_for 10 no_state rdy-early

start rdy-slow --ready fd:3 --ready-timeout 1s -- /bin/sleep 1000
is "$rc" 1 "never ready, --ready-timeout 1s: --daemon fails with 1"
ok "after the timeout (${took} ms), not at once and not much later" \
	test "$took" -ge 1000 -a "$took" -lt 8000
like "$(cat "$tmp/out")" "the service was not ready within --ready-timeout \(1000 ms\): the start failed" \
	"one line says why"
is "$(grep -c . "$tmp/out")" 1 "and only that line"
ok "the sandbox is gone" wait_for 10 no_state rdy-slow
is "$(pgrep -f -- '--name rdy-(early|slow)' | tr '\n' ' ')" "" "no process of them is left"

# Without --daemon a run not ready in time is killed, and --restart decides.
timeout 30 "$HUTCH" --ready fd:3 --ready-timeout 300ms --restart on-failure --start-limit 2/30s \
	--root "$ROOTFS" --name rdy-kill -- /bin/sleep 1000 >"$tmp/out" 2>&1 </dev/null
is "$?" 137 "without --daemon: each run killed (SIGKILL) at --ready-timeout, until the start limit"
is "$(grep -c 'not ready within --ready-timeout (300 ms): killing it' "$tmp/out")" 2 \
	"both runs were killed for it"

# A datagram longer than 512 bytes is dropped whole; a long STATUS= is cut.
start rdy-long --ready notify --ready-timeout 1s -- /bin/sh -c \
	's=$(head -c 600 /dev/zero | tr "\0" x); /mnt/notify "STATUS=$s" READY=1; exec sleep 1000'
is "$rc" 1 "READY=1 in a datagram of over 512 bytes is not heard"
start rdy-cut --ready notify -- /bin/sh -c \
	's=$(head -c 300 /dev/zero | tr "\0" y); /mnt/notify "STATUS=$s" READY=1; exec sleep 1000'
is "$rc" 0 "a 300-byte STATUS= with READY=1 is heard"
is "$(field rdy-cut 'status text' | wc -c)" 96 "its text is cut to 95 characters"
timeout 20 "$HUTCH" stop rdy-cut >/dev/null 2>&1

# --- starting, ready, and starting again after a restart ----------------------------------------

names+=(rdy-re)
timeout 60 "$HUTCH" --ready fd:7 --root "$ROOTFS" --name rdy-re --bind "$tmp/w:/w" -- /bin/sh -c \
	'while [ ! -e /w/go ]; do sleep 0.1; done; rm -f /w/go; echo >&7; exec sleep 1000' \
	>/dev/null 2>&1 </dev/null &
bg+=($!)
ok "the sandbox runs" wait_for 10 sh -c "\"$HUTCH\" status rdy-re 2>/dev/null | grep -q '^state: running'"
is "$(field rdy-re ready)" starting "hutch status says starting until the service says it is ready"
touch "$tmp/w/go"
ok "then ready (a newline on descriptor 7)" wait_for 10 is_ready rdy-re
# hutch restart returns once the new run is ready, not when it starts
timeout 60 "$HUTCH" restart rdy-re >"$tmp/restart.out" 2>&1 &
restarter=$!
ok "after hutch restart: starting again" wait_for 10 sh -c "[ \"\$(\"$HUTCH\" status rdy-re 2>/dev/null | sed -n 's/^ready: //p')\" = starting ]"
sleep 1
ok "hutch restart is still waiting while the new run is starting" kill -0 "$restarter"
touch "$tmp/w/go"
wait "$restarter"
is "$?" 0 "hutch restart returns 0 once the new run says it is ready" || diag "$(cat "$tmp/restart.out")"
is "$(field rdy-re ready)" ready "and the status it leaves says ready"
timeout 20 "$HUTCH" stop rdy-re >/dev/null 2>&1

# A new run that is not ready within --ready-timeout: restart says so.
names+=(rdy-never)
timeout 60 "$HUTCH" --ready fd:7 --ready-timeout 1s --start-limit 100/1m --root "$ROOTFS" \
	--name rdy-never --bind "$tmp/w:/w" -- /bin/sh -c \
	'if [ -e /w/first ]; then exec sleep 1000; fi; touch /w/first; echo >&7; exec sleep 1000' \
	>/dev/null 2>&1 </dev/null &
bg+=($!)
rm -f "$tmp/w/first"
ok "a first run that is ready" wait_for 10 is_ready rdy-never
timeout 60 "$HUTCH" restart rdy-never >"$tmp/restart.out" 2>&1
is "$?" 1 "hutch restart fails when no new run becomes ready"
like "$(cat "$tmp/restart.out")" 'rdy-never: the service did not restart and become ready in time' \
	"and says why"
timeout 20 "$HUTCH" stop rdy-never >/dev/null 2>&1

# --- only the sandbox is heard -------------------------------------------------------------------

names+=(rdy-cred)
timeout 60 "$HUTCH" --ready notify --root "$ROOTFS" --name rdy-cred --ro-bind "$tmp/bin:/mnt" -- \
	/bin/sleep 1000 >/dev/null 2>&1 </dev/null &
bg+=($!)
ok "the sandbox runs" wait_for 10 sh -c "\"$HUTCH\" status rdy-cred 2>/dev/null | grep -q '^state: running'"
pid1=$(field rdy-cred pid1)
NOTIFY_SOCKET=/proc/$pid1/root/dev/hutch-notify "$tmp/bin/notify" READY=1 "STATUS=from the host"
is "$?" 0 "a host process reaches the socket through /proc/PID/root"
sleep 0.5
is "$(field rdy-cred ready)" starting "but its READY=1 is not heard (pid 0 in the sandbox's namespace)"
is "$(field rdy-cred 'status text')" "" "nor its STATUS="
timeout 10 "$HUTCH" exec rdy-cred /mnt/notify READY=1 "STATUS=from inside" >/dev/null 2>&1
ok "a process of the sandbox (hutch exec) is heard" wait_for 10 is_ready rdy-cred
is "$(field rdy-cred 'status text')" "from inside" "with its STATUS="
timeout 20 "$HUTCH" stop rdy-cred >/dev/null 2>&1

# --- a flood does not keep PID 1 from a stop -----------------------------------------------------

start rdy-flood --ready notify --stop-timeout 5s -- /bin/sh -c \
	'/mnt/notify -n 100000000 STATUS=flood & /mnt/notify READY=1; exec sleep 1000'
is "$rc" 0 "a service flooding the socket still gets ready"
t0=$(now_ms)
timeout 20 "$HUTCH" stop rdy-flood >/dev/null 2>&1
stopped=$?
took=$(($(now_ms) - t0))
is "$stopped" 0 "hutch stop during the flood succeeds"
ok "promptly (${took} ms < 4000): the flooder got SIGTERM like the service" test "$took" -lt 4000

# --- systemd: READY=1 and STATUS= on hutch's own NOTIFY_SOCKET ---------------------------------

"$tmp/bin/notify" -l "$tmp/systemd.sock" 4 >"$tmp/systemd.out" &
listener=$!
bg+=($listener)
ok "a NOTIFY_SOCKET listener (systemd's side) is up" wait_for 5 test -S "$tmp/systemd.sock"
names+=(rdy-sd)
NOTIFY_SOCKET=$tmp/systemd.sock timeout 20 "$HUTCH" --ready notify --root "$ROOTFS" --name rdy-sd \
	--ro-bind "$tmp/bin:/mnt" -- /bin/sh -c \
	'/mnt/notify STATUS=loading; sleep 0.3; /mnt/notify READY=1 STATUS=up; sleep 0.3; /mnt/notify STATUS=busy; sleep 0.3' \
	>/dev/null 2>&1 </dev/null
is "$?" 0 "hutch under a NOTIFY_SOCKET runs the service to its end"
ok "systemd's side got its four messages" wait_for 5 sh -c "! kill -0 $listener 2>/dev/null"
is "$(cat "$tmp/systemd.out")" \
	"$(printf 'STATUS=loading\n--\nSTATUS=up\n--\nREADY=1\nSTATUS=up\n--\nSTATUS=busy\n--')" \
	"each STATUS= as it came, READY=1 (with the status) once the service was ready"

# --- nothing left --------------------------------------------------------------------------------
stop_names "${names[@]}"
is "$(pgrep -f -- '--name rdy-' | tr '\n' ' ')" "" "no rdy- process is left"
is "$(ls -d /run/hutch/rdy-* 2>/dev/null | tr '\n' ' ')" "" "no rdy- state directory is left"

done_testing
