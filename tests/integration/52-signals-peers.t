#!/bin/bash
# SPDX-License-Identifier: MIT
# 52-signals-peers.t: hutch's signal semantics beside Debian's tini and
# dumb-init, run side by side as the oracle (issue 12, items 1, 2, 6, 7,
# 8): every signal from 1 to SIGRTMAX is forwarded (32-34 and the fault
# signals too), a second stop signal reaches the service, a signal during
# set-up leaves nothing behind, and what the caller ignored stays ignored.
# Each deliberate difference from a peer is asserted as such.
source "$(dirname "$0")/../lib/tap.sh"
require_root
. "$(dirname "$0")/../lib/sandbox.sh"
sandbox_setup 52
require_cmd tini=tini dumb-init=dumb-init perl nohup=coreutils

H=("$HUTCH" --root "$ROOTFS" --restart no)
TINI=(tini -s --)	# -s: a subreaper, as hutch's PID 1 is
DINIT=(dumb-init)

# GNU make runs its commands with 32 and 33 ignored (glibc's own signals),
# and an ignored signal stays ignored across exec: under `make check`,
# hutch (as docs/usage.md says it should) and its peers all found them ignored,
# and none passed them on. Each run here starts from default dispositions,
# as from a login shell: the bare rt_sigaction (x86_64's 13), because
# glibc's sigaction refuses 32 and 33.
defaults=(perl -e 'my $dfl = "\0" x 32;
	syscall(13, $_, $dfl, 0, 8) for 1 .. 64;
	exec @ARGV or die "exec $ARGV[0]: $!\n"' --)

# launch NAME CMD...: CMD in the background under timeout(1), from default
# signal dispositions, output in $tmp/NAME.out and .err; sets tpid
# (timeout's) and top (CMD's process: hutch's launcher, tini, dumb-init).
launch() {
	local name=$1
	shift
	top=''
	timeout -k 5 60 "${defaults[@]}" "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	tpid=$!
	bg+=("$tpid")
	wait_for 5 set_child top "$tpid"
}

# finish: waits for the run launched last; rc is its exit code.
finish() {
	wait "$tpid"
	rc=$?
}

declare -A code # exit codes of the side-by-side runs, by scenario-peer
ready() { grep -qx ready "$1"; }
readies() { [ "$(grep -cx ready "$2")" -eq "$1" ]; }
no_state() { [ ! -e "/run/hutch/$1" ]; }
gone() { ! pgrep -af -- "$1" >&2; }

# --- Items 1 and 6: signals 32-34, the other real-time ones and the fault
# signals, sent to the top process with kill(1), reach the service ----------
svc='echo ready; exec sleep 5252'
# SIGRTMAX (64) is hutch restart (below); 36 was, until SIGRTMAX took its
# place: now forwarded like any other.
for sig in 32 33 34 35 36 50 63 ABRT SEGV ILL BUS FPE TRAP SYS; do
	name=sig-fwd-$sig
	launch "$name" "${H[@]}" --name "$name" -- sh -c "$svc"
	wait_for 10 ready "$tmp/$name.out"
	kill -s "$sig" "$top"
	finish
	hutch_rc=$rc
	num=$sig
	[ -n "${sig//[0-9]/}" ] && num=$(kill -l "$sig")
	if [ "$num" -le 33 ] && [ "$num" -ge 32 ]; then
		# dumb-init and tini, glibc programs, cannot catch 32 and 33
		# (below): no oracle, the service must die of it all the same.
		is "$hutch_rc" $((128 + num)) "signal $sig: hutch exits $((128 + num)): the service died of it"
	else
		launch "$name-dumb" "${DINIT[@]}" sh -c "$svc"
		wait_for 10 ready "$tmp/$name-dumb.out"
		kill -s "$sig" "$top"
		finish
		is "$hutch_rc" "$rc" "signal $sig: hutch exits as dumb-init does ($rc: the service died of it)"
	fi
	like "$(cat "$tmp/$name.err")" "service killed by signal $num " \
		"signal $sig: hutch's service, not hutch, died of it"
	unlike "$(cat "$tmp/$name.err")" "PID 1 was killed" "signal $sig: the sandbox's PID 1 lived on"
	ok "signal $sig: no stale state directory" no_state "$name"
done
ok "no service left running by any of them" gone "sleep 5252"

# tini and dumb-init (glibc) die of 32 and 33, tini of the fault signals
# too, and leave their child running: hutch's deliberate difference
# (docs/usage.md, "Signals").
for peer in tini dumb; do
	if [ $peer = tini ]; then
		launch $peer-32 "${TINI[@]}" sh -c "$svc"
	else
		launch $peer-32 "${DINIT[@]}" sh -c "$svc"
	fi
	wait_for 10 ready "$tmp/$peer-32.out"
	child=''
	wait_for 5 set_child child "$top"
	kill -s 32 "$top"
	finish
	is "$rc" 160 "$peer dies of signal 32 itself (160)"
	ok "and leaves its child running, where hutch forwarded the signal" kill -0 "$child"
	kill "$child"
done
launch tini-segv "${TINI[@]}" sh -c "$svc"
wait_for 10 ready "$tmp/tini-segv.out"
child=''
wait_for 5 set_child child "$top"
kill -s SEGV "$top"
finish
ok "tini dies of SIGSEGV sent to it, and leaves its child running" kill -0 "$child"
kill "$child"

# hutch restart is SIGRTMAX, a number glibc and musl name alike.
name="sig-restart"
launch "$name" "$HUTCH" --root "$ROOTFS" --name "$name" -- sh -c "$svc"
wait_for 10 ready "$tmp/$name.out"
ok "hutch restart works on SIGRTMAX" "$HUTCH" restart "$name"
ok "the service started again" wait_for 10 readies 2 "$tmp/$name.out"
kill -s RTMAX "$top"
ok "kill -s RTMAX to the launcher restarts it too" wait_for 10 readies 3 "$tmp/$name.out"
"$HUTCH" stop "$name"
finish
is "$rc" 143 "then hutch stop ends it (143)"

# --- Item 2: a second stop signal reaches the service -----------------------
# The service drains on the first SIGTERM and quits (0) on the second.
drain='n=0; trap '\''n=$((n+1)); echo "term $n"'\'' TERM; echo ready
while [ "$n" -lt 2 ]; do sleep 0.1; done; exit 0'
for who in hutch tini dumb; do
	case $who in
	hutch) launch drain-$who "${H[@]}" --name sig-drain --stop-timeout 5s -- sh -c "$drain" ;;
	tini) launch drain-$who "${TINI[@]}" sh -c "$drain" ;;
	dumb) launch drain-$who "${DINIT[@]}" sh -c "$drain" ;;
	esac
	wait_for 10 ready "$tmp/drain-$who.out"
	kill -TERM "$top"
	ok "$who: the service took the first SIGTERM" wait_for 10 grep -qx "term 1" "$tmp/drain-$who.out"
	kill -TERM "$top"
	finish
	code[drain-$who]=$rc
done
is "${code[drain-tini]}" 0 "tini: the second SIGTERM ends the draining service: 0"
is "${code[drain-dumb]}" 0 "dumb-init: the same: 0"
is "${code[drain-hutch]}" "${code[drain-tini]}" "hutch forwards the second SIGTERM as they do: 0, not 137 at the stop timeout"
like "$(cat "$tmp/drain-hutch.out")" '^term 2$' "the service saw both"

# --- Item 7: a signal during set-up leaves nothing behind -------------------
# 200 starts, each hit by SIGTERM: a third as soon as the process exists, a
# third once hutch has exec'd, a third once its state directory exists.
# perl forks and execs (a bash child killed before its exec would run this
# script's EXIT trap). Each result: "exit N" or "signal N" (hutch itself
# died of it: only before it made anything); "stale" for a state left.
early() {
	perl -MPOSIX=:sys_wait_h -e '
	my ($hutch, $rootfs, $err) = @ARGV;
	for my $i (1 .. 200) {
		my $name = "sig-early-$i";
		my $pid = fork // die "fork: $!";
		if (!$pid) {
			open STDIN, "<", "/dev/null"; open STDOUT, ">", "/dev/null";
			open STDERR, ">>", $err;
			exec $hutch, "--root", $rootfs, "--restart", "no", "--name", $name,
			     "--", "sleep", "5252";
			exit 127;
		}
		my $reaped = 0;
		my $wait = $i % 3 == 1 ? sub { (readlink("/proc/$pid/exe") // "") eq $hutch }
			 : $i % 3 == 2 ? sub { -e "/run/hutch/$name" } : sub { 1 };
		until ($wait->()) { $reaped = 1, last if waitpid($pid, WNOHANG) == $pid }
		kill "TERM", $pid;
		waitpid($pid, 0) unless $reaped;
		print $? & 127 ? "signal " . ($? & 127) : "exit " . ($? >> 8), "\n";
		print "stale\n" if -e "/run/hutch/$name";
	}' "$HUTCH" "$ROOTFS" "$tmp/early.err"
}
early >"$tmp/early.out"
diag "$(sort "$tmp/early.out" | uniq -c)"
is "$(grep -cvxE 'exit 143|exit 125|signal 15|stale' "$tmp/early.out")" 0 \
	"200 starts hit by SIGTERM: each exits 143 (forwarded), 125 (set-up abort), or died before set-up"
is "$(grep -cx stale "$tmp/early.out")" 0 "no stale state directory"
is "$(find /sys/fs/cgroup -maxdepth 4 -name 'sig-early-*' 2>/dev/null | wc -l)" 0 "no stale cgroup"
ok "no service left running" gone "sleep 5252"
rm -rf /run/hutch/sig-early-*

# --- Item 8: signals the caller ignored ---------------------------------------
sigsvc='grep "^SigIgn:" /proc/self/status; echo ready; exec sleep 5252'
ign() { awk '/^SigIgn:/ {print $2}' "$1"; }

# nohup: the caller ignores SIGHUP. tini leaves it ignored for the child,
# so a hangup does not end the service; hutch ignores it as a whole (the
# service starts with the defaults). dumb-init resets and forwards it.
for who in hutch tini dumb; do
	case $who in
	hutch) launch nohup-$who nohup "${H[@]}" --name sig-nohup -- sh -c "$sigsvc" ;;
	tini) launch nohup-$who nohup "${TINI[@]}" sh -c "$sigsvc" ;;
	dumb) launch nohup-$who nohup "${DINIT[@]}" sh -c "$sigsvc" ;;
	esac
	wait_for 10 ready "$tmp/nohup-$who.out"
	kill -HUP "$top"
	kill -TERM "$top"
	finish
	code[nohup-$who]=$rc
done
is "${code[nohup-tini]}" 143 "nohup tini: SIGHUP has no effect, SIGTERM ends it (143)"
is "${code[nohup-hutch]}" "${code[nohup-tini]}" "nohup hutch: the same as tini (not 129: the hangup does not reach the service)"
is "${code[nohup-dumb]}" 129 "dumb-init differs from both: it resets SIGHUP and forwards it (129)"
is "$(ign "$tmp/nohup-tini.out")" 0000000000000001 "tini's child inherits the ignored SIGHUP"
is "$(ign "$tmp/nohup-hutch.out")" 0000000000000000 \
	"hutch's service does not (deliberate difference from tini): default dispositions"
is "$(ign "$tmp/nohup-hutch.out")" "$(ign "$tmp/nohup-dumb.out")" "as under dumb-init"

# `X &` in a non-interactive script: the shell ignores SIGINT and SIGQUIT
# for it, so the terminal's Ctrl-C is not for it.
for who in hutch tini dumb; do
	case $who in
	hutch) cmd="${H[*]} --name sig-bg --" ;;
	tini) cmd="${TINI[*]}" ;;
	dumb) cmd="${DINIT[*]}" ;;
	esac
	launch bg-$who sh -c "$cmd sh -c '$sigsvc' & echo \$! >$tmp/bg-$who.pid; wait \$!"
	wait_for 10 ready "$tmp/bg-$who.out"
	p=$(cat "$tmp/bg-$who.pid")
	kill -INT "$p"
	kill -QUIT "$p"
	kill -TERM "$p"
	finish
	code[bg-$who]=$rc
done
is "${code[bg-tini]}" 143 "tini in the background of a script: SIGINT and SIGQUIT have no effect (143)"
is "${code[bg-hutch]}" "${code[bg-tini]}" "hutch in the background: the same (not 130: no stop on SIGINT)"
is "${code[bg-dumb]}" 130 "dumb-init differs: it resets SIGINT and forwards it (130)"
is "$(ign "$tmp/bg-hutch.out")" 0000000000000000 "and its service starts with default dispositions"

# SIGCHLD ignored by the caller: dumb-init still reports its child's exit
# (tini waits forever); hutch takes SIGCHLD back and does too.
chld() { timeout -k 5 20 perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV or die' "$@" </dev/null >/dev/null 2>&1; }
chld "${DINIT[@]}" sh -c 'exit 3'
dumb_rc=$?
chld "${H[@]}" --name sig-chld -- sh -c 'exit 3'
is "$?" "$dumb_rc" "started with SIGCHLD ignored, hutch exits with the service's code as dumb-init does ($dumb_rc)"
ok "and leaves no state" no_state sig-chld

done_testing
