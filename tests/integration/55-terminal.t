#!/bin/bash
# SPDX-License-Identifier: MIT
# hutch in a terminal's foreground (script(1) gives it a real pty): the
# service gets a terminal (the sandbox's pty, relayed: an interactive shell
# works), PID 1 takes it back between runs, and Ctrl-C stops the sandbox.
. "$(dirname "$0")/../lib/tap.sh"
require_feature tty
require_root
require_cmd script=bsdutils
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"

# tty CMD: runs CMD on a new pty, its output with CRs removed on stdout,
# its exit status returned (script -e passes the child's through).
tty() {
	timeout 20 script -qec "$1" /dev/null | tr -d '\r'
	return "${PIPESTATUS[0]}"
}
# tty_idle CMD: the same with nothing typed and the input held open: at
# the end of its input script(1) types an end-of-file character, which
# hutch, relaying a raw terminal, passes to the service like any key.
tty_idle() {
	local fifo rc w
	fifo=$(mktemp -u /tmp/hutch-55.XXXXXX) && mkfifo "$fifo" || bail_out "mkfifo failed"
	( exec 3>"$fifo"; while [ ! -e "$fifo.done" ]; do sleep 0.1; done ) >/dev/null &
	w=$!
	tty "$1" <"$fifo"
	rc=$?
	touch "$fifo.done"
	wait "$w"
	rm -f "$fifo" "$fifo.done"
	return "$rc"
}
# Inside the service: is stdin a terminal, and is the service's process
# group the terminal's foreground group (stat fields 5 and 8)?
probe='test -t 0 && echo TTY; awk "{ print (\$5 == \$8) ? \"FG\" : \"BG\" }" /proc/self/stat'

out=$(tty_idle "'$HUTCH' --name tty-term --root '$ROOTFS' --restart no -- /bin/sh -c '$probe'")
is "$?" 0 "a service run from a terminal finishes (no SIGTTOU stop)"
like "$out" "^TTY$" "its stdin is the terminal"
like "$out" "^FG$" "its process group is in the foreground"

out=$(printf 'echo inside-$((6*7))\nexit 3\n' | tty "'$HUTCH' --name tty-term --root '$ROOTFS' --restart no -- /bin/sh")
is "$?" 3 "an interactive shell in the sandbox reads the terminal; its exit code comes back"
like "$out" "^inside-42$" "and runs what was typed"

out=$(tty_idle "'$HUTCH' --name tty-term --root '$ROOTFS' --restart always --restart-delay 10ms --start-limit 3/1m -- /bin/sh -c '$probe; exit 1'")
is "$?" 1 "three runs, then the start limit"
is "$(printf '%s\n' "$out" | grep -c '^FG$')" 3 "each run gets the terminal in front again"

# Ctrl-C: the terminal sends SIGINT to its foreground group (the service):
# a clean stop under on-failure, so hutch ends with 128+2.
out=$( (sleep 1; printf '\003'; sleep 5) | tty "'$HUTCH' --name tty-term --root '$ROOTFS' -- /bin/sleep 30")
is "$?" 130 "Ctrl-C stops the sandbox: exit 130"
like "$out" "killed by signal 2 \(SIGINT\)" "the service died of SIGINT"
unlike "$out" "restarting" "and was not restarted"

done_testing
