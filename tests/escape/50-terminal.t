#!/bin/bash
# SPDX-License-Identifier: MIT
# 50-terminal.t: the caller's terminal cannot be reached from inside. hutch
# runs on a real pty (script(1)) with a shell around it, as a user would
# start it; the attacker is the probe (probe.c, "the caller's terminal").
#   - TIOCSTI: keystrokes pushed into the terminal would be read by the
#     caller's shell after hutch ends; hutch in front, and in the
#     background with its input from /dev/null (with and without a
#     terminal on its output);
#   - TIOCLINUX on whatever terminal the service has;
#   - taking the terminal's foreground and reading the user's next line;
#   - tcflow(TCOOFF) on the terminal, under PID 1's log writes: `hutch
#     stop` must still stop the sandbox.
# Each wins against a hutch that leaves the service in the caller's session
# with the caller's terminal (see the commit that added this file).
#
# Needs root. HUTCH, ROOTFS and PROBE come from `make check-escape`.

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"
require_feature tty
require_cmd script=bsdutils mkfifo

export HUTCH root tmp

# on_tty FILE: runs the bash script FILE on a new pty (script -e passes
# its exit status through), its output with CRs removed in $tty_out. Its
# input is the FIFO $tmp/keys, which feed writes to.
on_tty() {
	rm -f "$tmp/keys" "$tmp/keys.done"
	mkfifo "$tmp/keys"
	( exec 3>"$tmp/keys"; wait_for 60 test -e "$tmp/keys.done"; ) &
	local writer=$!
	tty_out=$(timeout -k 5 40 script -qec "bash $1" /dev/null <"$tmp/keys" | tr -d '\r')
	tty_rc=${PIPESTATUS[0]}
	touch "$tmp/keys.done"
	wait "$writer" 2>/dev/null
}

# feed WHEN-FILE TEXT: once WHEN-FILE exists, TEXT is typed on the pty.
feed() {
	# bounded: once the pty is gone, nothing opens the FIFO to read
	( wait_for 30 test -e "$1" &&
		timeout 10 sh -c 'printf "%s" "$1" >"$2"' - "$2" "$tmp/keys" ) &
}

# --- TIOCSTI ------------------------------------------------------------------

# The probe pushes "echo INJECTED-...\n"; the caller's shell then reads
# one line with a bound: what it gets is what was pushed into the
# caller's terminal, or nothing. The shell has job control (set -m), as an
# interactive one has: it takes the terminal back after each job.
sti() {
	cat >"$tmp/sti.sh" <<EOF
set -m
$1 "\$HUTCH" --root "\$root" --restart no --name tty-sti -- /probe tiocsti \$'echo INJECTED-$2\n' $3
$4
read -r -t 2 line
echo "next line: [\$line]"
EOF
	on_tty "$tmp/sti.sh"
	note "$(grep 'tiocsti:' <<<"$tty_out")"
	like "$tty_out" 'next line: \[\]' "TIOCSTI, $5: the caller's shell reads nothing pushed" ||
		diag "$tty_out"
}
sti '' front '' '' "hutch in front"
sti '' back-null '</dev/null >$tmp/sti.out 2>&1 &' 'wait $!' \
	"hutch in the background, no terminal at all"
sti '' back-out '</dev/null &' 'wait $!' \
	"hutch in the background, input from /dev/null, output on the terminal"
ok "without a terminal, the service has none (/dev/tty: ENXIO)" \
	grep -q 'tiocsti: blocked (no terminal took it: ENXIO' "$tmp/sti.out"

# --- TIOCLINUX ------------------------------------------------------------------

cat >"$tmp/linux.sh" <<'EOF'
"$HUTCH" --root "$root" --restart no --name tty-linux -- /probe tioclinux
"$HUTCH" --root "$root" --restart no --name tty-linux -- /probe tioclinux </dev/null >"$tmp/linux.out" 2>&1
EOF
on_tty "$tmp/linux.sh"
note "$(grep 'tioclinux:' <<<"$tty_out")"
like "$tty_out" 'tioclinux: blocked' "TIOCLINUX on the service's terminal (the sandbox's pty) is refused"
ok "TIOCLINUX without a terminal: nothing to call it on" \
	grep -q 'tioclinux: blocked (ENXIO' "$tmp/linux.out"

# --- the user's next line ----------------------------------------------------------

# hutch in the background; the probe takes the terminal's foreground and
# waits for a line; the user then types one, meant for the shell.
tty_read() {
	rm -f "$tmp/mnt/ready" "$tmp/armed"
	mkdir -p "$tmp/mnt"
	cat >"$tmp/read.sh" <<EOF
"\$HUTCH" --root "\$root" --restart no --name tty-read --bind "\$tmp/mnt:/mnt" \
	-- /probe tty-read /mnt/ready </dev/null $1 &
h=\$!
until [ -e "\$tmp/mnt/ready" ]; do sleep 0.1; done
: >"\$tmp/armed"
read -r -t 10 line
echo "shell got [\$line]"
kill \$h 2>/dev/null
wait \$h
EOF
	feed "$tmp/armed" $'secret-line\n'
	on_tty "$tmp/read.sh"
	note "$(grep -h 'tty-read:' - "$tmp/read.out" <<<"$tty_out" 2>/dev/null)"
	like "$tty_out" 'shell got \[secret-line\]' "$2: the line reaches the caller's shell" ||
		diag "$tty_out"
	unlike "$tty_out$(cat "$tmp/read.out" 2>/dev/null)" 'ESCAPED' "$2: the service never read it"
}
: >"$tmp/read.out"
tty_read '>"$tmp/read.out" 2>&1' "no terminal for the service"
ok "it had no terminal to take (/dev/tty: ENXIO)" grep -q 'tty-read: blocked (/dev/tty: ENXIO' "$tmp/read.out"
: >"$tmp/read.out"
tty_read '' "output on the terminal (the service gets a pty)"

# --- tcflow: a stopped terminal under PID 1's log writes -----------------------

# The probe stops the output of every terminal it has, then waits; `hutch
# stop` makes PID 1 log ("stopping: ...") before it signals the service.
rm -f "$tmp/mnt/ready"
cat >"$tmp/flow.sh" <<'EOF'
"$HUTCH" --root "$root" --restart no --name tty-flow --stop-timeout 1s \
	--bind "$tmp/mnt:/mnt" -- /probe tcflow-stop /mnt/ready
echo "hutch exit $?" >"$tmp/flow.rc"
EOF
rm -f "$tmp/flow.rc"
( wait_for 20 test -e "$tmp/mnt/ready" && timeout 30 "$HUTCH" stop tty-flow \
	>"$tmp/flow.stop" 2>&1; echo "stop $?" >>"$tmp/flow.stop" ) &
stopper=$!
on_tty "$tmp/flow.sh"
wait "$stopper"
note "$(cat "$tmp/flow.stop")"
ok "tcflow(TCOOFF) on the service's terminal: hutch stop still works" \
	grep -q '^stop 0$' "$tmp/flow.stop"
ok "and the sandbox ended (143: SIGTERM)" grep -q 'hutch exit 143' "$tmp/flow.rc"
ok "nothing of tty-flow is left" wait_for 10 test ! -d /run/hutch/tty-flow
# --- a full pipe on stderr -------------------------------------------------------

# hutch's stderr is a pipe that nobody reads (held open here): a crash
# loop with -v fills it within a few hundred runs. A blocking log write
# would wedge PID 1 there; it drops the lines instead, the runs go on, and
# hutch stop works.
rm -f "$tmp/logpipe"
mkfifo "$tmp/logpipe"
exec 9<>"$tmp/logpipe"
timeout -k 5 60 "$HUTCH" --root "$root" --name tty-pipe --restart always --restart-delay 1ms \
	--restart-max-delay 1ms -v -- /bin/true </dev/null >/dev/null 2>"$tmp/logpipe" &
pipe_pid=$!
starts() {
	sed -n 's/^starts=//p' /run/hutch/tty-pipe/status 2>/dev/null
}
ok "stderr a full pipe: the crash loop goes on past 2000 runs (about 250 KB of log)" \
	wait_for 30 sh -c "[ \"\$(sed -n 's/^starts=//p' /run/hutch/tty-pipe/status)\" -ge 2000 ]"
note "starts: $(starts)"
dropped=$(timeout 20 grep -a -m1 'log lines dropped' <&9)
note "$dropped"
like "$dropped" '^hutch: [0-9]+ log lines dropped' "read again, the pipe first gets the count of lines dropped"
ok "and hutch stop stops it" timeout 30 "$HUTCH" stop tty-pipe
wait "$pipe_pid"
exec 9<&-

for n in tty-sti tty-linux tty-read tty-flow tty-pipe; do
	"$HUTCH" kill "$n" KILL >/dev/null 2>&1
done

done_testing
