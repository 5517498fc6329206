#!/bin/bash
# SPDX-License-Identifier: MIT
# 50-signals.t: signals reach the service through the launcher and through
# PID 1; TERM and INT stop it, with SIGKILL after --stop-timeout; the service
# starts with an empty signal mask, no ignored signals and only fds 0, 1, 2,
# whatever hutch itself was started with (the signals hutch was started
# ignoring, hutch as a whole ignores: 52-signals-peers.t).
source "$(dirname "$0")/../lib/tap.sh"
require_root
. "$(dirname "$0")/../lib/sandbox.sh"
sandbox_setup 50

# start NAME CMD...: CMD (hutch, or env execing hutch) in the background,
# bounded by timeout, its output in $tmp/NAME.out and .err; sets tpid
# (timeout's pid), launcher (hutch's) and pid1 (the sandbox's PID 1).
start() {
	local name=$1
	shift
	launcher='' pid1=''
	timeout -k 5 30 "$@" </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	tpid=$!
	bg+=("$tpid")
	wait_for 5 set_child launcher "$tpid" && wait_for 5 set_child pid1 "$launcher"
}

# count LINE FILE: how many lines of FILE are exactly LINE.
count() { grep -cx -- "$1" "$2" 2>/dev/null; }
has_n() { [ "$(count "$1" "$3")" -eq "$2" ]; }
sig_fields() { grep -E '^Sig(Blk|Ign):' "$1" | tr -s ' \t' ' ' | tr '\n' ' '; }
fds() { find "/proc/$1/fd" -mindepth 1 -printf '%f\n' 2>/dev/null | sort -n | tr '\n' ' '; }

zero='SigBlk: 0000000000000000 SigIgn: 0000000000000000 '

# --- Forwarding: launcher and PID 1 -----------------------------------------
mkdir "$tmp/fwd"
cat >"$tmp/fwd/svc.sh" <<'EOF'
for s in HUP USR1 USR2; do trap "echo $s >>/run/log" $s; done
trap 'echo TERM >>/run/log; exit 0' TERM
echo ready >>/run/log
while :; do sleep 1; done
EOF
start fwd "$HUTCH" --root "$ROOTFS" --bind "$tmp/fwd:/run" -- sh /run/svc.sh
ok "hutch started: launcher and PID 1 found" test -n "$pid1"
ok "the service is up with its traps set" wait_for 10 has_n ready 1 "$tmp/fwd/log"
for s in HUP USR1 USR2; do
	kill -s "$s" "$launcher"
	ok "SIG$s sent to the launcher reaches the service" \
		wait_for 5 has_n "$s" 1 "$tmp/fwd/log"
done
is "$(tr '\n' ' ' <"$tmp/fwd/log")" "ready HUP USR1 USR2 " \
	"each signal arrived once, in the order sent"
like "$(grep NSpid "/proc/$pid1/status")" '[[:space:]]1$' \
	"the launcher's child is PID 1 of its own namespace"
for s in HUP USR1; do
	kill -s "$s" "$pid1"
	ok "SIG$s sent from the host straight to PID 1 reaches the service" \
		wait_for 5 has_n "$s" 2 "$tmp/fwd/log"
done
kill -TERM "$launcher"
wait "$tpid"
rc=$?
is "$rc" 0 "TERM: the service records it and exits 0, and so does hutch"
is "$(tail -n 1 "$tmp/fwd/log")" TERM "the service got the TERM"
like "$(cat "$tmp/fwd.err")" 'stopping' "hutch logs that it is stopping"
is "$(count ready "$tmp/fwd/log")" 1 "forwarded signals never restarted the service"

# TERM straight to PID 1 stops as well.
mkdir "$tmp/term1"
cp "$tmp/fwd/svc.sh" "$tmp/term1/"
start term1 "$HUTCH" --root "$ROOTFS" --bind "$tmp/term1:/run" -- sh /run/svc.sh
wait_for 10 has_n ready 1 "$tmp/term1/log"
kill -TERM "$pid1"
wait "$tpid"
rc=$?
is "$rc" 0 "TERM sent to PID 1 from the host stops the sandbox: exit 0"
is "$(tr '\n' ' ' <"$tmp/term1/log")" "ready TERM " "the service got that TERM, once"
like "$(cat "$tmp/term1.err")" 'stopping' "and hutch logs stopping"

# SIGINT is a stop too: sent on to the service, which dies of it, no restart.
start int "$HUTCH" --root "$ROOTFS" -- sleep 1000
svc=''
wait_for 5 set_child svc "$pid1"
ok "the sleep service runs" wait_for 5 grep -qx sleep "/proc/$svc/comm"
kill -INT "$launcher"
wait "$tpid"
rc=$?
is "$rc" 130 "SIGINT to the launcher: the service dies of SIGINT, hutch exits 130"
err=$(cat "$tmp/int.err")
like "$err" 'stopping' "SIGINT is logged as stopping"
like "$err" 'killed by signal 2' "the service was killed by SIGINT"
unlike "$err" 'restarting' "a SIGINT stop does not restart the service"

# --- Stop timeout: a service that ignores TERM is SIGKILLed -----------------
mkdir "$tmp/deaf"
start deaf "$HUTCH" --root "$ROOTFS" --bind "$tmp/deaf:/run" --stop-timeout 300ms -- \
	sh -c 'trap "" TERM; echo ready >/run/ready; while :; do sleep 1; done'
ok "the TERM-ignoring service is up" wait_for 10 test -s "$tmp/deaf/ready"
kill -TERM "$launcher"
wait "$tpid"
rc=$?
is "$rc" 137 "a service ignoring TERM is killed after --stop-timeout: exit 137"
err=$(cat "$tmp/deaf.err")
like "$err" 'stopping' "the stop is logged"
like "$err" 'did not stop' "the escalation to SIGKILL is logged"

# --- Clean signal state for the service -------------------------------------
timeout -k 5 30 "$HUTCH" --root "$ROOTFS" --restart no -- \
	grep -E '^Sig(Blk|Ign):' /proc/self/status </dev/null >"$tmp/plain.out" 2>"$tmp/plain.err"
rc=$?
is "$rc" 0 "the signal-state service ran"
is "$(sig_fields "$tmp/plain.out")" "$zero" "the service has no blocked and no ignored signal"

# hutch started nohup-like and with signals blocked. env(1) comes after
# timeout(1), which installs its own handlers (HUP among them) and so would
# undo an ignore set before it.
mkdir "$tmp/nohup"
# shellcheck disable=SC2054 # the commas are env's, not array separators
dirty=(env --ignore-signal=HUP,INT,QUIT,PIPE,USR1 --block-signal=USR2,TERM,ALRM,CHLD,WINCH)
# The launcher's own SigBlk cannot show it (it waits in sigwaitinfo, which
# unblocks what it waits for), so check what env(1) hands down on a probe.
probe=$(timeout 5 "${dirty[@]}" grep -E '^Sig(Blk|Ign):' /proc/self/status | tr -s ' \t' ' ')
like "$probe" '^SigBlk: 0*[1-9a-f]' "env(1) starts a program with signals blocked"
start nohup "${dirty[@]}" "$HUTCH" --root "$ROOTFS" --bind "$tmp/nohup:/run" -- \
	sh -c 'grep -E "^Sig(Blk|Ign):" /proc/self/status >/run/sig.tmp; mv /run/sig.tmp /run/sig; exec sleep 1000'
ok "the service wrote its signal state" wait_for 10 test -s "$tmp/nohup/sig"
ign=$(awk '/^SigIgn:/ {print $2}' "/proc/$launcher/status")
# HUP is signal 1, bit 0 of the mask.
ok "hutch really was started with SIGHUP ignored (SigIgn $ign)" test $((0x${ign:-0} & 1)) -eq 1
is "$(sig_fields "$tmp/nohup/sig")" "$zero" \
	"hutch started with HUP ignored and signals blocked: the service has neither"
svc=''
wait_for 5 set_child svc "$pid1"
wait_for 5 grep -qx sleep "/proc/$svc/comm"
is "$(sig_fields "/proc/$svc/status")" "$zero" "the same, read from the host in /proc/PID/status"
kill -HUP "$launcher"
kill -TERM "$launcher"
wait "$tpid"
rc=$?
is "$rc" 143 "SIGHUP, which hutch was started ignoring, stays ignored (52-signals-peers.t): the SIGTERM after it ends the service (143)"

# --- Descriptors: only 0, 1, 2 ----------------------------------------------
exec 7>"$tmp/fd7" 8</dev/null 9>>"$tmp/fd9"
start fds "$HUTCH" --root "$ROOTFS" -- sleep 1000
exec 7>&- 8<&- 9>&-
ok "hutch was started holding fds 7, 8 and 9" \
	test -e "/proc/$launcher/fd/7" -a -e "/proc/$launcher/fd/8" -a -e "/proc/$launcher/fd/9"
svc=''
wait_for 5 set_child svc "$pid1"
ok "the sleep service runs" wait_for 5 grep -qx sleep "/proc/$svc/comm"
is "$(fds "$svc")" "0 1 2 " "the service has only fds 0, 1 and 2"
extra=$(fds "$pid1" | tr ' ' '\n' | grep -vxE '0|1|2|')
is "$(printf '%s\n' "$extra" | wc -l)" 2 "PID 1 keeps none of them either: only 0, 1, 2 and two more"
like "$(for f in $extra; do readlink "/proc/$pid1/fd/$f"; done | sort | tr '\n' ' ')" \
	"^/run/hutch/sleep/status anon_inode:\[signalfd\] \$" \
	"which are its status file (the name defaults to the command: sleep) and its signalfd"
kill -TERM "$launcher"
wait "$tpid"

done_testing
