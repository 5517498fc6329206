# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# Scenario hutch_test=linger, sourced by /init (tests/qemu/guest/init),
# booted by tests/qemu/10-amd64-boot.t only: the attack of
# tests/integration/74-notify-rights.t on a kernel without SO_PASSRIGHTS
# (Debian 12's 6.1, the boards' kernel). A service sends PID 1 a TCP
# socket with unsent data and SO_LINGER {1, 60} over NOTIFY_SOCKET and
# closes its own copy (/rootfs/bin/linger, tests/integration/helpers/
# linger.c, built on the host). The kernel lets the descriptor through
# here; PID 1 must still go on: READY=1 queued behind it is heard, the
# watchdog fires and restarts the run (which attacks again), hutch stop
# returns, each in far less than the linger's 60 s, and hutch -v says the
# datagram went to a child of PID 1 (src/ready.c's closer).

H=/bin/hutch
R=/rootfs
W=/tmp/hutch-test
mkdir -p "$W"

t_like "$(uname -r)" '^(5\.|6\.([0-9]|1[0-5])\.)' "this kernel predates SO_PASSRIGHTS (6.16): $(uname -r)"

started=$(date +%s)
"$H" -v --root "$R" --name lg --net none --ready notify --watchdog 2s --restart always \
	--start-limit 100/1m -- /bin/linger /dev/stdout >"$W/lg.out" 2>"$W/lg.err" </dev/null &
lg=$!
# Each READY=1 that PID 1 hears is one "service ready after N ms" line of
# hutch -v. Counted there, not polled from hutch status: the status says
# "ready" only until the 2 s watchdog kills the run (no WATCHDOG=1 comes),
# a window a poll on a slow TCG guest can miss run after run.
readies() { [ "$(grep -c 'service ready after' "$W/lg.err")" -ge "$1" ]; }
t_ok "READY=1, queued behind the lingering socket, is heard within 30 s" t_wait 30 readies 1 ||
	t_show "$W/lg.err"
t_diag "ready after $(($(date +%s) - started)) s"
t_is "$(head -n 1 "$W/lg.out")" sent "the kernel let the descriptor through (no SO_PASSRIGHTS)"
t_like "$(cat "$W/lg.err")" 'no SO_PASSRIGHTS' "hutch -v: PID 1 found no SO_PASSRIGHTS on this kernel"
t_like "$(cat "$W/lg.err")" 'a message with descriptors, taken by a child' \
	"the datagram with the descriptor went to a child of PID 1"
t_unlike "$("$H" status lg 2>&1)" 'status text: linger' "its STATUS=linger was not heard"
# the linger's wait (sk_stream_wait_close) shows as wait_woken
p1=$(pid1_of "$lg")
t_unlike "$(cat "/proc/$p1/wchan" 2>/dev/null)" 'wait_woken|wait_close|linger' \
	"PID 1 is not waiting in a close ($(cat "/proc/$p1/wchan" 2>/dev/null))"
starts2() { [ "$("$H" status lg 2>/dev/null | sed -n 's/^starts: //p')" -ge 2 ] 2>/dev/null; }
t_ok "the watchdog (2 s) fires and the run restarts within 30 s" t_wait 30 starts2
restarted=$(date +%s)
if ! t_ok "and the next run gets ready (a second descriptor sent)" t_wait 30 readies 2; then
	t_show "$W/lg.err" 40
	t_diag "$("$H" status lg 2>&1)"
	t_diag "lg.out: $(cat "$W/lg.out")"
	t_diag "processes: $(for p in /proc/[0-9]*; do
		printf '%s %s %s; ' "${p#/proc/}" "$(cat "$p/comm" 2>/dev/null)" "$(cat "$p/wchan" 2>/dev/null)"
	done)"
fi
t_diag "ready again $(($(date +%s) - restarted)) s after the restart was seen; uptime $(cut -d' ' -f1 /proc/uptime)"
t_diag "$(grep -E 'service ready after|watchdog:|restarting in' "$W/lg.err" | head -n 8)"

stopping=$(date +%s)
"$H" stop lg >/dev/null 2>&1 &
stopper=$!
t_ok "hutch stop returns within 30 s (the linger is 60 s)" t_wait 30 exited "$stopper"
wait "$stopper"
t_is "$?" 0 "hutch stop succeeds"
t_diag "the stop took $(($(date +%s) - stopping)) s"
t_ok "the sandbox ends" t_wait 10 exited "$lg"
wait "$lg"
t_ok "nothing of it is left" test ! -e /run/hutch/lg
