#!/bin/bash
# SPDX-License-Identifier: MIT
# 75-exec.t: hutch exec's child is born inside the sandbox's PID namespace
# with the caller's full privileges, and keeps them until it has entered
# everything and dropped them before its exec. A process of the sandbox
# (root of it, no capabilities, no seccomp filter: exec-racer.c) races it:
# reading its environment (which holds the caller's marker until the exec)
# and descriptors, and ptrace-attaching while it is still hutch; the test
# freezes children in that window from the host, so the race is won for
# the racer on purpose, every time one is caught. It must
# never win: the child is non-dumpable from birth (and has capabilities
# the racer lacks). The control: the racer does read the environment of
# an exec'd command of its own uid, so the attack is real. Also: no host
# descriptor but 0-2 reaches the exec'd command.
#
# HUTCH_EXEC_RUNS sets the number of execs (default 100). Needs musl-gcc.

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"

require_cmd musl-gcc seq pgrep
runs=${HUTCH_EXEC_RUNS:-100}
musl-gcc -std=gnu11 -Wall -Wextra -Werror -O2 -static -o "$root/exec-racer" \
	"$(dirname "$0")/exec-racer.c" || bail_out "cannot build the racer"
S=$tmp/state
name=hutch-t75-exec
M=HUTCH_T75_MARKER_$$

timeout 30 "$HUTCH" --daemon --daemon-settle 200ms --state-dir "$S" --name "$name" \
	--root "$root" --restart no --seccomp off --output "$tmp/racer.log" \
	-- /exec-racer "$M" 600 </dev/null
is "$?" 0 "the racer runs as the sandbox's service"
launchers+=("$(sed -n 's/^pid=//p' "$S/$name/launcher")")

# Each child is frozen from the host (SIGSTOP) as soon as it is seen: when
# it is still hutch, the racer has 0.2 s at it in that state (before its
# privileges are dropped, or after but before the exec). The host's
# polling is slow (a pgrep per look): on a loaded machine a whole run
# may see no child in time, so the loop goes on until one was caught,
# up to five times the runs.
fails=0 caught=0 n=0
while [ "$n" -lt "$runs" ] || { [ "$caught" -eq 0 ] && [ "$n" -lt $((5 * runs)) ]; }; do
	n=$((n + 1))
	env "$M=secret" "$HUTCH" exec --state-dir "$S" "$name" true </dev/null &
	e=$! c=
	while [ -z "$c" ] && kill -0 "$e" 2>/dev/null; do c=$(pgrep -P "$e"); done
	if [ -n "$c" ] && kill -STOP "$c" 2>/dev/null; then
		if [ "$(cat "/proc/$c/comm" 2>/dev/null)" = hutch ]; then
			caught=$((caught + 1))
			sleep 0.2
		fi
		kill -CONT "$c" 2>/dev/null
	fi
	wait "$e" || fails=$((fails + 1))
done
is "$fails" 0 "$n execs ran"
ok "the racer had $caught hutch exec children frozen before their exec" test "$caught" -gt 0
for _ in 1 2 3; do
	timeout 20 "$HUTCH" exec --state-dir "$S" "$name" env CONTROL_T75=1 sleep 0.5 </dev/null
done
out=$(timeout 20 "$HUTCH" exec --state-dir "$S" "$name" ls /proc/self/fd 3</etc/hostname 9<"$marker" </dev/null)
is "$(tr "\n" " " <<<"$out")" "0 1 2 3 " "a host descriptor (3, 9) never reaches the exec'd command"
timeout 30 "$HUTCH" stop --state-dir "$S" "$name"
is "$?" 0 "stopped"
log=$(cat "$tmp/racer.log")
note "$(grep -c . <<<"$log") lines from the racer"
like "$log" "^CONTROL" "control: the racer reads the environment of a same-uid exec'd command"
unlike "$log" "^WIN" "it never reached a hutch exec child before its exec"
grep '^WIN' <<<"$log" | head -5 | while read -r l; do diag "$l"; done
done_testing
