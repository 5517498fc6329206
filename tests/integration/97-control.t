#!/bin/bash
# SPDX-License-Identifier: MIT
# Running alongside an init system: the state directory and the control
# commands (list, status, stop, restart, kill) with their exit codes, two
# sandboxes at once, a stale state directory, --daemon (returns once the
# service runs; setup errors still fail), --pidfile, and --log kmsg and
# syslog read back.
. "$(dirname "$0")/../lib/tap.sh"
require_feature control daemon
require_root
require_cmd busybox=busybox-static dmesg=util-linux strace
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
tmp=$(mktemp -d)
S=$tmp/state
cleanup() {
	for d in "$S"/*/; do
		[ -f "$d/launcher" ] && kill -9 "$(sed -n 's/^pid=//p' "$d/launcher")" 2>/dev/null
	done
	# A launcher killed with SIGKILL (as two and four are, on purpose)
	# cannot remove its cgroups; the emptied groups are removed here.
	sleep 0.2
	for g in /sys/fs/cgroup/*/hutch/two /sys/fs/cgroup/*/hutch/four \
		/sys/fs/cgroup/hutch/two /sys/fs/cgroup/hutch/four; do
		[ -d "$g" ] && rmdir "$g" 2>/dev/null
	done
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
h() { timeout 30 "$HUTCH" "$@"; }
field() { printf '%s\n' "$out" | sed -n "s/^$1: //p"; }
launcher_of() { sed -n 's/^pid=//p' "$S/$1/launcher"; }
# A process that runs (a zombie, waiting for whoever reaps it, does not).
running() {
	[ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
gone() { ! running "$1"; }

# --- two sandboxes, started as daemons ---------------------------------------
h --daemon --state-dir "$S" --name one --root "$ROOTFS" --pidfile "$tmp/one.pid" \
	-- /bin/sh -c 'while :; do sleep 1; done' </dev/null 2>"$tmp/one.log"
is "$?" 0 "--daemon returns 0 once the service runs"
ok "its state directory exists" test -f "$S/one/launcher" -a -f "$S/one/status"
is "$(cat "$tmp/one.pid")" "$(launcher_of one)" "--pidfile holds the launcher's pid, which runs"
ok "that launcher runs" kill -0 "$(cat "$tmp/one.pid")"
h --daemon --state-dir "$S" --name two --root "$ROOTFS" -- /bin/sleep 1000 </dev/null 2>/dev/null
is "$?" 0 "a second sandbox starts beside it"

out=$(h list --state-dir "$S")
is "$out" "$(printf 'one running\ntwo running')" "hutch list shows both, running"

out=$(h status --state-dir "$S" one)
is "$?" 0 "hutch status of a running sandbox: exit 0"
is "$(field name)" one "status: name"
is "$(field state)" running "status: state"
is "$(field launcher)" "$(launcher_of one)" "status: the launcher's pid"
is "$(field service)" 2 "status: the service is PID 2 in the sandbox"
is "$(field starts)" 1 "status: one start so far"
is "$(field last)" none "status: no exit yet"

# A transient error is not a stale sandbox: with pidfd_open failing for
# want of descriptors (EMFILE), or the launcher's /proc/PID/stat unreadable
# for the same reason, the control commands must not remove the record of
# a launcher that runs (they did: "stale state ... removed").
out=$(strace -f -qq -o /dev/null -e trace=pidfd_open -e inject=pidfd_open:error=EMFILE \
	-- timeout 30 "$HUTCH" status --state-dir "$S" one 2>&1)
is "$?" 0 "hutch status with pidfd_open failing (EMFILE): still running, exit 0" ||
	diag "$out"
ok "and the state is kept" test -f "$S/one/launcher"
out=$(strace -f -qq -o /dev/null -P "/proc/$(launcher_of one)/stat" -e trace=openat \
	-e inject=openat:error=EMFILE -- timeout 30 "$HUTCH" status --state-dir "$S" one 2>&1)
ok "hutch status with the launcher's /proc/PID/stat unreadable (EMFILE) does not call it stale" \
	test -f "$S/one/launcher" || diag "$out"

out=$(h --state-dir "$S" --name one --root "$ROOTFS" -- /bin/true 2>&1)
is "$?" 125 "a third start with a running sandbox's name: exit 125"
like "$out" "a sandbox named one is already running" "and says so"

# --- restart: the service only; kill: a signal to the service -----------------
pid1=$(pgrep -P "$(launcher_of one)")
h restart --state-dir "$S" one
is "$?" 0 "hutch restart: exit 0 once the service started again"
out=$(h status --state-dir "$S" one)
is "$(field starts)" 2 "a second start"
like "$(field last)" '^killed by signal 15 \(SIGTERM\): restart requested \(cause: restart, [0-9]+ s ago\)$' \
	"the first run ended with the SIGTERM of the restart"
is "$(pgrep -P "$(launcher_of one)")" "$pid1" "the sandbox (its PID 1) stays"

h kill --state-dir "$S" one KILL
is "$?" 0 "hutch kill one KILL: exit 0"
ok "the service is killed and restarted (on-failure)" wait_for 10 sh -c \
	"'$HUTCH' status --state-dir '$S' one | grep -qx 'starts: 3'"
out=$(h status --state-dir "$S" one)
like "$(field last)" '^killed by signal 9 \(SIGKILL\) \(cause: signal, [0-9]+ s ago\)$' \
	"status names the SIGKILL"

out=$(h kill --state-dir "$S" one NOSUCHSIG 2>&1)
is "$?" 125 "hutch kill with a bad signal: 125"
out=$(h status --state-dir "$S" 2>&1)
is "$?" 125 "hutch status without a name: 125"
like "$out" "usage: hutch status" "with the usage"

# The lock file (state.c): the launcher's, 0600, so no other user can
# open it and hold a start back; held while the sandbox runs.
is "$(stat -c '%a %U' "$S/one/lock" 2>&1)" "600 root" "a running sandbox's lock file is 0600, root's"
ok "and its launcher holds it" sh -c "! flock -n -s '$S/one/lock' true"

# --- stop -------------------------------------------------------------------------
l1=$(launcher_of one)
h stop --state-dir "$S" one
is "$?" 0 "hutch stop: exit 0 once stopped"
ok "the launcher is gone" gone "$l1"
ok "its state directory is gone" test ! -e "$S/one"
ok "its pidfile is gone" test ! -e "$tmp/one.pid"
out=$(h status --state-dir "$S" one 2>&1)
is "$?" 3 "hutch status of a stopped sandbox: 3"
h stop --state-dir "$S" one 2>/dev/null
is "$?" 0 "hutch stop of a sandbox not running: 0 (as LSB stop)"
is "$(h list --state-dir "$S")" "two running" "hutch list: only two is left"

# --- a stale state directory (launcher killed with SIGKILL) -------------------------
l2=$(launcher_of two)
kill -9 "$l2"
ok "the killed launcher's sandbox dies with it" wait_for 10 sh -c "! pgrep -P $l2 >/dev/null"
ok "its state directory is left behind" test -d "$S/two"
out=$(h status --state-dir "$S" two 2>&1)
is "$?" 1 "hutch status finds it stale: 1"
like "$out" "stale state \(launcher $l2 is gone\): removed" "says so"
ok "and removes it" test ! -e "$S/two"
# A start's directory is never seen without its lock: hutch status polled
# beside a start whose flock is held back 500 ms (strace) must not take
# its directory for a stale one and remove it (it did when the launcher
# made the directory with a plain mkdir and locked it after: the start
# then died, "cannot write .../launcher: No such file or directory").
(strace -f -qq -o /dev/null -e trace=flock -e inject=flock:delay_enter=500000:when=1 -- \
	timeout 30 "$HUTCH" --state-dir "$S" --name six --root "$ROOTFS" --restart no -- /bin/sleep 1 \
	>"$tmp/six.out" 2>&1 </dev/null; echo "rc=$?" >>"$tmp/six.out") &
six=$!
for _ in $(seq 50); do h status --state-dir "$S" six >>"$tmp/six.status" 2>&1; sleep 0.02; done
wait "$six"
like "$(cat "$tmp/six.out")" 'rc=0$' "a start whose lock comes late runs to its end beside hutch status" ||
	diag "$(cat "$tmp/six.out")"
unlike "$(cat "$tmp/six.status")" 'stale state' "and hutch status never called it stale"
ok "its state is gone after it" test ! -e "$S/six"
is "$(ls -A "$S" | grep -c '^\.')" 0 "no hidden directory of the start is left"

# A directory without a launcher file, held by a launcher (its flock):
# one that is starting (between the mkdir and the launcher file) or
# ending. Control commands leave it alone, a second start is refused;
# once the lock goes, it is stale like any other. util-linux's flock on
# the directory's lock file holds the lock as a launcher does.
mkdir -p "$S/five"
(exec 9>"$S/five/lock" && flock -x 9 && exec sleep 30) &
holder=$!
ok "the lock is held" wait_for 5 sh -c "! flock -n -s '$S/five/lock' true"
out=$(h status --state-dir "$S" five 2>&1)
is "$?" 3 "hutch status of a starting sandbox (locked, no launcher file): 3"
like "$out" "five: starting or ending" "says it is starting or ending"
ok "and leaves its directory" test -d "$S/five"
out=$(h --state-dir "$S" --name five --root "$ROOTFS" -- /bin/true 2>&1)
is "$?" 125 "a second start of that name is refused: 125"
like "$out" "a sandbox named five is starting or ending" "naming why"
ok "the directory is still there" test -d "$S/five"
out=$(h check --state-dir "$S" --name five --root "$ROOTFS" 2>&1)
like "$out" "missing .*a sandbox named five is starting or ending" "hutch check says so too"
kill "$holder"; wait "$holder" 2>/dev/null
out=$(h status --state-dir "$S" five 2>&1)
is "$?" 1 "unlocked and without a launcher file, it is stale: 1"
ok "and removed" test ! -e "$S/five"

# A stale --pidfile goes with the state, only while it holds the dead
# launcher's pid; a relative path was made absolute at start.
(cd "$tmp" && h --daemon --state-dir "$S" --name four --root "$ROOTFS" \
	--pidfile four.pid -- /bin/sleep 1000 </dev/null 2>/dev/null)
l4=$(cat "$tmp/four.pid")
like "$(cat "$S/four/launcher")" "^pidfile=$tmp/four.pid\$" "the state records the pid file's absolute path"
kill -9 "$l4"
ok "the killed launcher's sandbox dies with it" wait_for 10 sh -c "! pgrep -P $l4 >/dev/null"
ok "its pid file is left behind" test -e "$tmp/four.pid"
(cd / && h status --state-dir "$S" four >/dev/null 2>&1)
is "$?" 1 "hutch status, from another directory, finds it stale: 1"
ok "and removes the stale pid file with the state" test ! -e "$tmp/four.pid"
(cd "$tmp" && h --daemon --state-dir "$S" --name four --root "$ROOTFS" \
	--pidfile four.pid -- /bin/sleep 1000 </dev/null 2>/dev/null)
l4=$(cat "$tmp/four.pid")
kill -9 "$l4"
wait_for 10 sh -c "! pgrep -P $l4 >/dev/null"
echo 1 >"$tmp/four.pid" # another launcher's by now
h status --state-dir "$S" four >/dev/null 2>&1
is "$?" 1 "stale again: 1"
is "$(cat "$tmp/four.pid" 2>&1)" 1 "a pid file that names another process is left alone"
rm -f "$tmp/four.pid"
mkdir -p "$S/three" && printf 'pid=%s\nstart=1\n' "$$" >"$S/three/launcher"
h --daemon --state-dir "$S" --name three --root "$ROOTFS" -- /bin/sleep 1000 </dev/null 2>/dev/null
is "$?" 0 "a start over a stale directory whose pid was reused (start time differs) works"
h stop --state-dir "$S" three

# --- --daemon with --log kmsg lets go of the caller's stdout and stderr -------------
# (a caller reading them, as $(...) does, would otherwise wait for the
# sandbox to end; the timeout bounds that case).
out=$(timeout 10 "$HUTCH" --daemon --log kmsg --state-dir "$S" --name quiet --root "$ROOTFS" \
	-- /bin/sleep 1000 </dev/null)
is "$?" 0 "--daemon --log kmsg returns at once even inside \$(...)"
h stop --state-dir "$S" quiet

# --- --daemon with a setup error or a command that cannot run ---------------------
out=$(h --daemon --state-dir "$S" --name bad --root "$tmp/nope" -- /bin/true 2>&1 </dev/null)
is "$?" 125 "--daemon with a bad root: 125, seen by the caller"
out=$(h --daemon --state-dir "$S" --name bad --root "$ROOTFS" -- /no/such/cmd 2>&1 </dev/null)
is "$?" 127 "--daemon with a missing command: 127"
ok "no state is left behind" test ! -e "$S/bad"

# --- --log kmsg and --log syslog ----------------------------------------------------
marker="kmsg-$$-$RANDOM"
h --log kmsg --name "$marker" --root "$ROOTFS" --restart no -- /bin/true 2>"$tmp/kmsg.err"
is "$?" 0 "--log kmsg: the service runs"
like "$(dmesg | grep -F "hutch[$marker]")" "hutch\[$marker\]: service exited with code 0" \
	"its lines are in the kernel's log"
is "$(cat "$tmp/kmsg.err")" "" "and not on stderr"

# syslog: BusyBox syslogd on /dev/log, in a private mount namespace with a
# /dev of its own (this machine runs no syslog daemon).
unshare -m bash -c "
	mkdir '$tmp/olddev' && mount --bind /dev '$tmp/olddev' && mount -t tmpfs none /dev || exit 9
	for d in null zero full random urandom tty; do
		touch /dev/\$d && mount --bind '$tmp/olddev/'\$d /dev/\$d
	done
	busybox syslogd -n -O '$tmp/syslog.out' & s=\$!
	for i in \$(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
	timeout 10 '$HUTCH' --log syslog --name sl --root '$ROOTFS' --restart no -- /bin/true \
		2>'$tmp/syslog.err'
	echo \$? >'$tmp/syslog.rc'
	sleep 0.3; kill \$s"
is "$(cat "$tmp/syslog.rc")" 0 "--log syslog: the service runs"
like "$(cat "$tmp/syslog.out")" "daemon.info sl: service exited with code 0" \
	"its lines reach syslogd, at facility daemon, the name as ident"
is "$(cat "$tmp/syslog.err")" "" "and not stderr"
out=$(unshare -m bash -c "mount -t tmpfs none /dev && timeout 10 '$HUTCH' --log syslog --name x -- /bin/true" 2>&1)
is "$?" 125 "--log syslog without /dev/log: 125"
like "$out" "--log syslog \(/dev/log\): No such file or directory" "naming /dev/log"

done_testing
