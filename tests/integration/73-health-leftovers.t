#!/bin/bash
# SPDX-License-Identifier: MIT
# 73-health-leftovers.t: a --health check leaves nothing behind, whatever
# it starts. Its background processes are killed at --health-timeout and
# when it exits normally, also when they left its process group and
# session (setsid) or were double-forked away from it: hutch runs the
# check under a keeper that is their child subreaper (liveness_check.c).
# Each check writes the pid of a background sleeper (as the sandbox sees
# it) into a bind that the test reads; the test finds that process on the
# host by its NSpid and waits (with a generous bound, no timing claim)
# for it to be gone from the host's /proc. With --userns too, as root and
# rootless. Sandbox names start with hc-.
. "$(dirname "$0")/../lib/tap.sh"
require_feature liveness control userns
. "$(dirname "$0")/../lib/sandbox.sh"
require_root
require_cmd timeout pgrep setpriv
sandbox_setup 73
mkdir -p "$tmp/w"
# The bind is written by root of a user namespace too (a host uid of
# --userns-base's, or 65534's rootless).
chmod 777 "$tmp/w"
chmod 711 "$tmp"

names=()
trap 'stop_names "${names[@]}"; sandbox_cleanup' EXIT
field() { "$HUTCH" status "$1" 2>/dev/null | sed -n "s/^$2: //p"; }
# run NAME ARGS...: a sandbox in the background, its output in $tmp/NAME.out
run() {
	local name=$1
	shift
	names+=("$name")
	timeout 120 "$HUTCH" --root "$ROOTFS" --name "$name" --bind "$tmp/w:/w" "$@" \
		>"$tmp/$name.out" 2>&1 </dev/null &
	bg+=($!)
	wait_for 10 test -s "/run/hutch/$name/launcher"
	wait_for 10 sh -c "\"$HUTCH\" status $name 2>/dev/null | grep -q '^state: running'" ||
		diag "$name did not start: $(cat "$tmp/$name.out")"
}
# host_pid PID1 NSPID: the host pid of the process that the sandbox whose
# PID 1 is host pid PID1 sees as NSPID (the last NSpid field), or nothing.
host_pid() {
	local p ns
	for p in /proc/[0-9]*; do
		ns=$(sed -n 's/^NSpid:.*[[:space:]]//p' "$p/status" 2>/dev/null)
		[ "$ns" = "$2" ] || continue
		[ "$(readlink "$p/ns/pid")" = "$(readlink "/proc/$1/ns/pid")" ] || continue
		echo "${p#/proc/}"
		return
	done
}
# sleeper NAME FILE: waits for the check to write FILE, then prints the
# host pid of the sleeper it names (checked to be a sleep on the host).
sleeper() {
	local pid1 ns p
	wait_for 20 test -s "$tmp/w/$2" || return 1
	pid1=$(field "$1" pid1)
	ns=$(head -n 1 "$tmp/w/$2")
	p=$(host_pid "$pid1" "$ns")
	[ -n "$p" ] && grep -q '^sleep' "/proc/$p/cmdline" && echo "$p" && return
	diag "no sleeper found for $1: $(cat "$tmp/$1.out")"
}
# gone PID: the host has no process PID any more (or a different one).
gone() { [ -n "$1" ] && { [ ! -d "/proc/$1" ] || ! grep -q '^sleep' "/proc/$1/cmdline" 2>/dev/null; }; }
cd /tmp || bail_out "cd /tmp"

# check_case NAME HOW ARGS...: both cases in one mode. The sleeper runs
# under setsid (its own session and group, the way a daemon leaves its
# parent's); "$!" is its pid as the sandbox sees it. Each check waits
# for the test's go file before it goes on, so the sleeper is found on
# the host while the check still runs, whatever the machine's speed.
check_case() {
	local name=$1 how=$2 p
	shift 2
	rm -f "$tmp/w/$name".*
	# (a) a check that hangs past --health-timeout
	run "$name-a" "$@" --health "setsid sleep 4301 & echo \$! >/w/$name.pid; while [ ! -e /w/$name.go ]; do sleep 0.1; done; exec sleep 4302" \
		--health-interval 100ms --health-timeout 2s --health-retries 1000 -- /bin/sleep 1000
	p=$(sleeper "$name-a" "$name.pid")
	touch "$tmp/w/$name.go"
	ok "$how: a hanging check's setsid'd sleeper is seen on the host (pid $p)" test -n "$p"
	ok "$how: the check times out" wait_for 30 sh -c \
		"\"$HUTCH\" status $name-a | grep -q 'last check: timeout'"
	ok "$how: after the timeout its setsid'd sleeper is gone" wait_for 20 gone "$p"
	is "$(field "$name-a" starts)" 1 "$how: the service stays (below --health-retries)"
	timeout 20 "$HUTCH" stop "$name-a" >/dev/null 2>&1
	rm -f "$tmp/w/$name".*
	# (b) a check that exits 0 and leaves a double-forked, setsid'd daemon
	run "$name-b" "$@" --health "sh -c 'setsid sleep 4303 & echo \$! >/w/$name.pid'; while [ ! -e /w/$name.go ]; do sleep 0.1; done; exit 0" \
		--health-interval 500ms --health-timeout 60s -- /bin/sleep 1000
	p=$(sleeper "$name-b" "$name.pid")
	touch "$tmp/w/$name.go"
	ok "$how: a check that exits 0 left a daemonized sleeper (pid $p)" test -n "$p"
	ok "$how: the check is healthy" wait_for 20 sh -c \
		"\"$HUTCH\" status $name-b | grep -q '^health: healthy'"
	ok "$how: the daemonized sleeper is gone after the check's end" wait_for 20 gone "$p"
	timeout 20 "$HUTCH" stop "$name-b" >/dev/null 2>&1
}

check_case hc-root "as root"
check_case hc-userns "--userns" --userns

# Rootless: PID 1 is root of a user namespace of an ordinary user's
# (65534, as 48-userns.t); the bind is reachable for that user.
NOBODY=$(id -u nobody)
mkdir -p "$tmp/xdg"
chown "$NOBODY:$NOBODY" "$tmp/xdg"
rm -f "$tmp/w"/hc-rl.*
(cd /tmp && exec setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
	env XDG_RUNTIME_DIR="$tmp/xdg" timeout 120 "$HUTCH" --userns --root "$ROOTFS" \
	--name hc-rl --bind "$tmp/w:/w" --health "setsid sleep 4305 & echo \$! >/w/hc-rl.pid; while [ ! -e /w/hc-rl.go ]; do sleep 0.1; done; exec sleep 4306" \
	--health-interval 100ms --health-timeout 2s --health-retries 1000 -- /bin/sleep 1000 \
	>"$tmp/hc-rl.out" 2>&1 </dev/null) &
rl=$!
ok "rootless: the check wrote its sleeper's pid" wait_for 20 test -s "$tmp/w/hc-rl.pid"
p=$(pgrep -f '^sleep 4305$' | head -n 1)
touch "$tmp/w/hc-rl.go"
ok "rootless: the setsid'd sleeper is seen on the host (pid $p)" test -n "$p"
ok "rootless: after the timeout it is gone" wait_for 30 gone "$p"
kill -TERM "$rl" # timeout(1), which passes it on to hutch
ok "rootless: the sandbox ended" wait_for 20 test ! -d "/proc/$rl"

# --- nothing left ----------------------------------------------------------------------------------
stop_names "${names[@]}"
ok "no sleeper of a check is left" wait_for 20 sh -c "! pgrep -f '^sleep 43[0-9][0-9]$' >/dev/null"
is "$(pgrep -f -- '--name hc-' | tr '\n' ' ')" "" "no hc- process is left"
is "$(ls -d /run/hutch/hc-* 2>/dev/null | tr '\n' ' ')" "" "no hc- state directory is left"

done_testing
