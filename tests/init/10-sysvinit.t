#!/bin/bash
# SPDX-License-Identifier: MIT
# init/sysvinit/hutch-web on this machine, against real sandboxes: BusyBox
# httpd in a sandbox on a free loopback port, driven through the script
# alone (start, status, restart, stop), under dash and under BusyBox ash
# (what an rcS on a board runs). Checked: the LSB exit codes, the service
# reachable, a killed service respawned by hutch, a launcher killed with
# SIGKILL reported as dead (status 1) and started again cleanly, setup
# errors failing the start with hutch's own message.
#
# Not checked here: a boot through real sysvinit or rcS (the machine's init
# is not ours to change); the script is run as an init system runs it:
# `/etc/init.d/hutch-web ACTION`, with its paths moved to a temporary
# directory through the environment.
. "$(dirname "$0")/../lib/tap.sh"
require_root
require_cmd busybox=busybox-static pgrep dash=dash
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
top=$(cd "$(dirname "$0")/../.." && pwd)
script=$top/init/sysvinit/hutch-web
tmp=$(mktemp -d)
export HUTCH STATE_DIR=$tmp/state PIDFILE=$tmp/hutch-web.pid LOGFILE=$tmp/hutch-web.log
export CONFIG=$tmp/web.conf
cleanup() {
	for f in "$STATE_DIR"/*/launcher; do
		[ -f "$f" ] && kill -9 "$(sed -n 's/^pid=//p' "$f")" 2>/dev/null
	done
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

# A TCP port nobody uses on this machine (/proc/net/tcp{,6} list every
# socket's local port, in hex).
free_port() {
	used=$(awk 'FNR > 1 { split($2, a, ":"); print a[2] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
	for p in $(seq 18080 18999); do
		printf '%s\n' "$used" | grep -qx "$(printf '%04X' "$p")" || { echo "$p"; return 0; }
	done
	return 1
}
port=$(free_port) || bail_out "no free TCP port in 18080..18999"
mkdir -p "$tmp/htdocs"
echo "hello from hutch-web $$" >"$tmp/htdocs/index.html"
cat >"$CONFIG" <<EOF
name = web
root = $ROOTFS
stop-timeout = 2s
tmpfs = /run:1M
ro-bind = $tmp/htdocs:/run/www
command = /usr/sbin/httpd -f -p 127.0.0.1:$port -h /run/www
EOF
diag "httpd on 127.0.0.1:$port"

# LSB header: what insserv and update-rc.d read.
hdr=$(sed -n '/^### BEGIN INIT INFO$/,/^### END INIT INFO$/p' "$script")
for f in Provides Required-Start Required-Stop Default-Start Default-Stop Short-Description; do
	like "$hdr" "^# $f:" "LSB header: $f"
done

# (BusyBox 1.35's wget -T crashes on a refused connection: timeout(1) instead.)
page() { timeout 3 busybox wget -q -O - "http://127.0.0.1:$port/index.html" 2>/dev/null; }
launcher() { sed -n 's/^pid=//p' "$STATE_DIR/web/launcher" 2>/dev/null; }
status_field() { "$HUTCH" status --state-dir "$STATE_DIR" web 2>/dev/null | sed -n "s/^$1: //p"; }
running() { [ -n "$1" ] && [ -d "/proc/$1" ] && [ "$(sed 's/.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
gone() { ! running "$1"; }
# The service's pid on the host: the child of the sandbox's PID 1, itself
# the launcher's child.
service_pid() { pgrep -P "$(pgrep -P "$(launcher)")"; }

for sh in dash "busybox sh"; do
	initd() { $sh "$script" "$@"; }
	t="[$sh]"

	out=$(initd status)
	is "$?" 3 "$t status before any start: 3 (not running)"
	like "$out" "not running" "$t and says so"

	out=$(initd start 2>&1)
	is "$?" 0 "$t start: 0" || diag "$out"
	like "$out" "started \(launcher pid [0-9]+\)" "$t start names the launcher's pid"
	l=$(launcher)
	is "$(cat "$PIDFILE" 2>/dev/null)" "$l" "$t the pid file holds the launcher's pid"
	ok "$t the launcher runs" running "$l"
	out=$(initd status)
	is "$?" 0 "$t status: 0 (running)"
	like "$out" "^state: running$" "$t status shows hutch's state"
	out=$(initd start)
	is "$?" 0 "$t start while running: 0"
	like "$out" "already running" "$t and says so"
	# --daemon returns once httpd has exec'd, which is before it listens.
	ok "$t the service is reachable: httpd answers on 127.0.0.1:$port" wait_for 5 page
	is "$(page)" "hello from hutch-web $$" "$t with the page from the read-only bind"

	svc=$(service_pid)
	kill -KILL "$svc" 2>/dev/null
	ok "$t httpd killed with SIGKILL: hutch starts it again" wait_for 10 sh -c \
		"[ \"\$('$HUTCH' status --state-dir '$STATE_DIR' web | sed -n 's/^starts: //p')\" = 2 ]"
	like "$(status_field last)" '^killed by signal 9 \(SIGKILL\) \(cause: signal, ' \
		"$t hutch status names the SIGKILL and its cause"
	ok "$t a new httpd process" sh -c "[ -n \"\$(pgrep -P \$(pgrep -P $l))\" ] && [ \"\$(pgrep -P \$(pgrep -P $l))\" != $svc ]"
	ok "$t and it answers again" wait_for 5 page
	is "$(launcher)" "$l" "$t the launcher stayed (init saw nothing)"

	svc=$(service_pid)
	out=$(initd reload 2>&1)
	is "$?" 0 "$t reload: 0" || diag "$out"
	ok "$t httpd got SIGHUP and goes on: the same process" running "$svc"
	is "$(service_pid)" "$svc" "$t no new start"
	is "$(status_field starts)" 2 "$t hutch counted no start"
	ok "$t and it answers" wait_for 5 page

	out=$(initd restart 2>&1)
	is "$?" 0 "$t restart: 0" || diag "$out"
	l2=$(launcher)
	ok "$t restart: a new launcher" test -n "$l2" -a "$l2" != "$l"
	ok "$t the old launcher is gone" gone "$l"
	ok "$t it answers after the restart" wait_for 5 page

	out=$(initd stop 2>&1)
	is "$?" 0 "$t stop: 0" || diag "$out"
	ok "$t the launcher is gone" gone "$l2"
	ok "$t its state directory is gone" test ! -e "$STATE_DIR/web"
	ok "$t the pid file is gone" test ! -e "$PIDFILE"
	ok "$t httpd no longer answers" sh -c "! timeout 3 busybox wget -q -O /dev/null http://127.0.0.1:$port/index.html 2>/dev/null"
	out=$(initd status)
	is "$?" 3 "$t status after stop: 3"
	out=$(initd stop 2>&1)
	is "$?" 0 "$t stop when stopped: 0"
	out=$(initd try-restart 2>&1)
	is "$?" 0 "$t try-restart when stopped: 0"
	ok "$t and it stays stopped" test ! -e "$STATE_DIR/web"

	# A launcher killed by SIGKILL: its state and pid file stay behind.
	initd start >/dev/null 2>&1
	l=$(launcher)
	kill -KILL "$l"
	ok "$t launcher killed with SIGKILL: the sandbox dies with it" wait_for 10 sh -c \
		"! pgrep -P $l >/dev/null && ! timeout 3 busybox wget -q -O /dev/null http://127.0.0.1:$port/ 2>/dev/null"
	out=$(initd status)
	is "$?" 1 "$t status of the killed launcher: 1 (dead, state left)"
	like "$out" "stale state \(launcher $l is gone\)" "$t naming hutch's stale state"
	ok "$t hutch removed the stale pid file with the state" test ! -e "$PIDFILE"
	out=$(initd status)
	is "$?" 3 "$t status again: 3, not running (nothing is left)"
	like "$out" "not running" "$t saying so"
	out=$(initd start 2>&1)
	is "$?" 0 "$t start after the crash: 0" || diag "$out"
	ok "$t it answers" wait_for 5 page
	initd stop >/dev/null 2>&1
	is "$?" 0 "$t stop: 0"

	# Setup errors reach the caller of start, with hutch's own line.
	sed "s|^root = .*|root = $tmp/no-such-root|" "$CONFIG" >"$tmp/badroot.conf"
	out=$(CONFIG=$tmp/badroot.conf initd start 2>&1)
	is "$?" 1 "$t start with a missing root: 1"
	like "$out" "failed to start \(hutch exited 125\)" "$t says hutch exited 125"
	like "$out" "no-such-root" "$t and shows hutch's message naming the root"
	sed "s|^command = .*|command = /no/such/httpd|" "$CONFIG" >"$tmp/badcmd.conf"
	out=$(CONFIG=$tmp/badcmd.conf initd start 2>&1)
	is "$?" 1 "$t start with a command not in the sandbox: 1"
	like "$out" "cannot run /no/such/httpd: not found in the sandbox" "$t with hutch's message"
	out=$(initd status)
	is "$?" 3 "$t nothing is left running or stale: status 3"
	ok "$t no pid file is left" test ! -e "$PIDFILE"

	out=$(CONFIG=$tmp/none.conf initd start 2>&1)
	is "$?" 6 "$t start without a config file: 6 (not configured)"
	out=$(HUTCH=$tmp/no-hutch initd start 2>&1)
	is "$?" 5 "$t start without hutch: 5 (not installed)"
	out=$(initd reload 2>&1)
	is "$?" 7 "$t reload when not running: 7 (LSB: not running)"
	out=$(initd frobnicate 2>&1)
	is "$?" 2 "$t an unknown action: 2, with the usage"
done

like "$(cat "$LOGFILE")" "cannot run /no/such/httpd" "hutch's lines went to the log file"

done_testing
