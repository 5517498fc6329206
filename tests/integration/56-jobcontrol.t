#!/bin/bash
# SPDX-License-Identifier: MIT
# 56-jobcontrol.t: signals to hutch's process group, job control and the
# caller's terminal, with Debian's dumb-init (and tini) run side by side as
# the oracle where they define the behaviour:
#   - a signal sent once to hutch's process group reaches the service once;
#   - SIGTSTP stops the service and then hutch itself, SIGCONT continues
#     both (dumb-init; tini stops only its child);
#   - on a terminal: Ctrl-Z typed into the sandbox gives the caller's shell
#     its prompt back, `fg` resumes the service, `hutch ... &` then `fg`
#     gives the service the terminal;
#   - after hutch, the terminal's foreground group is the caller's again
#     (dumb-init; tini leaves its child's), and its modes are as before on
#     every way out.
source "$(dirname "$0")/../lib/tap.sh"
require_feature tty control
require_root
require_cmd script=bsdutils dumb-init=dumb-init tini=tini setsid=util-linux mkfifo stty
. "$(dirname "$0")/../lib/sandbox.sh"
sandbox_setup 56
export HUTCH ROOTFS tmp
# What a failing run leaves behind on a pty that timeout ended.
names="tty-grp tty-sess tty-ctrlz tty-bgfg tty-winch tty-front tty-modes"
trap 'for n in $names; do "$HUTCH" kill "$n" KILL >/dev/null 2>&1; done; sandbox_cleanup' EXIT

# state PID: the one-letter state of PID (S, R, T...), from /proc.
state() {
	awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null
}
is_state() {
	[ "$(state "$1")" = "$2" ]
}

# --- a signal to the process group arrives once ------------------------------

# The service counts SIGUSR1 into $dir/count. Ten signals go to the whole
# process group of the program under test (its own: setsid), each after
# the count of the one before arrived; then SIGTERM to the program alone,
# which PID 1 takes after any USR1 still pending (lower numbers first).
counter='n=0; trap "n=\$((n+1)); echo \$n >$D/count" USR1; trap "exit 0" TERM
echo 0 >$D/count; while :; do sleep 5 & wait $!; done'
count_group_signals() { # DIR COMMAND...
	local dir=$1 pid k
	shift
	mkdir -p "$dir"
	setsid "$@" </dev/null >"$dir/out" 2>&1 &
	pid=$!
	bg+=("$pid")
	wait_for 10 test -s "$dir/count" || { echo "no start"; return; }
	[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ] || { echo "not a group leader"; return; }
	for k in 1 2 3 4 5 6 7 8 9 10; do
		kill -USR1 -- "-$pid"
		wait_for 10 sh -c "[ \"\$(cat '$dir/count')\" -ge $k ]" || break
	done
	kill -TERM "$pid"
	wait "$pid"
	cat "$dir/count"
}
is "$(count_group_signals "$tmp/dumb" dumb-init sh -c "${counter//\$D/$tmp/dumb}")" 10 \
	"oracle: dumb-init passes 10 signals to its group as 10"
is "$(count_group_signals "$tmp/tini" tini -s -- sh -c "${counter//\$D/$tmp/tini}")" 10 \
	"oracle: tini passes 10 signals to its group as 10"
is "$(count_group_signals "$tmp/hutch" "$HUTCH" --root "$ROOTFS" --name tty-grp \
	--bind "$tmp/hutch:/mnt" -- /bin/sh -c "${counter//\$D//mnt}")" 10 \
	"hutch passes 10 signals to its group as 10"

# Why: PID 1 leads a session of its own, so kill -- -PGID reaches the
# launcher only. Without a terminal, that session has none.
timeout 20 "$HUTCH" --root "$ROOTFS" --name tty-sess -- /bin/sleep 60 </dev/null >/dev/null 2>&1 &
t=$!
bg+=("$t")
launcher='' pid1='' svc=''
# Read once the service runs: PID 1 calls setsid before it starts the
# service, and right after its fork it is still in the launcher's session
# (the ASan build was once read in between).
wait_for 5 set_child launcher "$t" && wait_for 5 set_child pid1 "$launcher" &&
	wait_for 10 set_child svc "$pid1"
read -r _ _ _ _ pgid1 sid1 tty1 _ <"/proc/$pid1/stat"
is "$sid1 $pgid1" "$pid1 $pid1" "PID 1 leads a session and process group of its own"
is "$tty1" 0 "and without a terminal that session has none"
isnt "$(ps -o pgid= -p "$launcher")" "$(ps -o pgid= -p "$pid1")" \
	"the launcher's process group holds no process of the sandbox"

# --- SIGTSTP and SIGCONT, without a terminal ---------------------------------------

# tstp_cont LAUNCHER SERVICE: "A B / C D": their states after SIGTSTP to
# the launcher, then after SIGCONT (T: stopped, -: running).
tstp_cont() {
	local l=$1 s=$2 a b c d
	kill -TSTP "$l"
	wait_for 10 is_state "$s" T && wait_for 10 is_state "$l" T
	a=$(state "$l") b=$(state "$s")
	kill -CONT "$l"
	wait_for 10 sh -c "[ \"\$(awk '{print \$3}' /proc/$s/stat)\" != T ]"
	wait_for 10 sh -c "[ \"\$(awk '{print \$3}' /proc/$l/stat)\" != T ]"
	c=$(state "$l") d=$(state "$s")
	echo "${a/[!T]/-} ${b/[!T]/-} / ${c/[!T]/-} ${d/[!T]/-}"
}
dumb-init sh -c 'exec sleep 60' </dev/null >/dev/null 2>&1 &
d=$!
bg+=("$d")
wait_for 5 set_child dchild "$d"
oracle=$(tstp_cont "$d" "$dchild")
kill "$d"
is "$oracle" "T T / - -" "oracle: dumb-init stops its child and itself, SIGCONT continues both"
wait_for 5 set_child svc "$pid1"
is "$(tstp_cont "$launcher" "$svc")" "$oracle" "hutch does as dumb-init"
kill "$launcher"
wait "$t"
is "$?" 143 "and stops as usual afterwards"

# --- on a terminal -----------------------------------------------------------------

# on_tty FILE: runs the bash script FILE on a new pty; output (CRs
# removed) in $tty_out. Its input is the FIFO $tmp/keys: type writes there.
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
# type WHEN-FILE TEXT: once WHEN-FILE exists, TEXT is typed on the pty.
type_keys() {
	# bounded: once the pty is gone, nothing opens the FIFO to read
	( wait_for 30 test -e "$1" &&
		timeout 10 sh -c 'printf "%s" "$1" >"$2"' - "$2" "$tmp/keys" ) &
}

# Ctrl-Z typed while the service runs in the sandbox's pty: the shell (with
# job control, as an interactive one) gets its prompt back and sees a
# stopped job; fg resumes it; Ctrl-C then ends it.
mkdir -p "$tmp/z"
cat >"$tmp/z.sh" <<'EOF'
set -m
stty -g >"$tmp/z/modes.before"
"$HUTCH" --root "$ROOTFS" --name tty-ctrlz --bind "$tmp/z:/mnt" -- /bin/sh -c 'touch /mnt/up; exec sleep 60'
echo "hutch stopped: $?"
jobs -l | sed 's/^/jobs: /'
read -r -a f </proc/$$/stat; echo "front after stop: $([ "${f[7]}" = "${f[4]}" ] && echo shell)"
: >"$tmp/z/fg"
fg
echo "fg returned: $?"
stty -g >"$tmp/z/modes.after"
read -r -a f </proc/$$/stat; echo "front at the end: $([ "${f[7]}" = "${f[4]}" ] && echo shell)"
EOF
type_keys "$tmp/z/up" $'\032'
type_keys "$tmp/z/fg" $'\003'
on_tty "$tmp/z.sh"
like "$tty_out" "hutch stopped: 14[78]" "Ctrl-Z in the sandbox stops hutch: the shell's prompt is back" ||
	diag "$tty_out"
like "$tty_out" "jobs: .*Stopped" "the shell lists it as a stopped job"
like "$tty_out" "front after stop: shell" "and holds the terminal again"
like "$tty_out" "fg returned: 130" "fg resumes it; Ctrl-C then ends it (130)"
like "$tty_out" "front at the end: shell" "after hutch, the terminal's front is the shell's"
is "$(cat "$tmp/z/modes.after")" "$(cat "$tmp/z/modes.before")" "and its modes are as before"

# hutch ... & then fg: in the background the relay leaves the terminal
# alone (the service waits for input); fg gives it the terminal.
mkdir -p "$tmp/bgfg"
cat >"$tmp/bgfg.sh" <<'EOF'
set -m
"$HUTCH" --root "$ROOTFS" --restart no --name tty-bgfg --bind "$tmp/bgfg:/mnt" -- \
	/bin/sh -c 'touch /mnt/up; read -r line; echo "service read [$line]"' &
until [ -e "$tmp/bgfg/up" ]; do sleep 0.1; done
: >"$tmp/bgfg/fg"
fg
echo "fg returned: $?"
EOF
type_keys "$tmp/bgfg/fg" $'typed-after-fg\r'
on_tty "$tmp/bgfg.sh"
like "$tty_out" 'service read \[typed-after-fg\]' "hutch ... & then fg: the service reads the terminal" ||
	diag "$tty_out"
like "$tty_out" "fg returned: 0" "and its exit code comes back"

# The window size: the pty starts with the terminal's, and a change of the
# terminal's (which sends SIGWINCH to its foreground group, hutch) is set
# on the pty, which sends SIGWINCH to the service.
mkdir -p "$tmp/winch"
cat >"$tmp/winch.sh" <<'EOF'
stty rows 31 cols 97
( until [ -e "$tmp/winch/up" ]; do sleep 0.1; done; stty rows 42 cols 123 </dev/tty ) &
"$HUTCH" --root "$ROOTFS" --restart no --name tty-winch --bind "$tmp/winch:/mnt" -- /bin/sh -c '
	echo "first size: $(stty size)"
	trap "echo \"new size: \$(stty size)\"; exit 0" WINCH
	touch /mnt/up
	while :; do sleep 1; done'
EOF
on_tty "$tmp/winch.sh"
like "$tty_out" "first size: 31 97" "the pty starts with the terminal's window size" || diag "$tty_out"
like "$tty_out" "new size: 42 123" "a change reaches the service with SIGWINCH, the pty's new size"

# After hutch, without job control in the caller (a script, make): the
# terminal's foreground group is the caller's again, as dumb-init leaves
# it (tini leaves its child's, a dead group: the caller then reads EIO).
front_after() {
	printf '%s\n' "$* >/dev/null 2>&1" 'read -r -a f </proc/$$/stat' \
		'echo "front: $([ "${f[7]}" = "${f[4]}" ] && echo caller)"' >"$tmp/front.sh"
	on_tty "$tmp/front.sh"
	sed -n 's/^front: //p' <<<"$tty_out"
}
is "$(front_after dumb-init /bin/true)" caller "oracle: dumb-init returns the terminal"
is "$(front_after "$HUTCH" --name tty-front --root "$ROOTFS" --restart no -- /bin/true)" caller \
	"hutch returns the terminal"

# The terminal's modes after each way out while relaying.
modes_after() { # HUTCH-ARGS...
	printf '%s\n' 'echo "modes: $(stty -g)"' "$* >/dev/null 2>&1" 'echo "modes: $(stty -g)"' \
		>"$tmp/modes.sh"
	on_tty "$tmp/modes.sh"
	grep '^modes: ' <<<"$tty_out" | sort -u | wc -l
}
is "$(modes_after "$HUTCH" --name tty-modes --root "$ROOTFS" --restart no -- /bin/sh -c \'kill -9 \$\$\')" 1 \
	"modes restored: service killed by SIGKILL"
is "$(modes_after "$HUTCH" --name tty-modes --root "$ROOTFS" --restart no -- /no/such/command)" 1 \
	"modes restored: the command cannot be run (127)"
is "$(modes_after "$HUTCH" --name tty-modes --root "$ROOTFS" --restart no --seccomp /no/such/file -- /bin/true)" 1 \
	"modes restored: a setup error (125)"

done_testing
