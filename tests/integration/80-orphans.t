#!/bin/bash
# SPDX-License-Identifier: MIT
# 80-orphans.t: PID 1 reaps every orphan (1,000 of them leave no zombie), and
# what a service's main process leaves behind is killed before a restart and
# when hutch ends. Processes of the sandbox are told from the host by their
# PID namespace (ps -o pidns, which also works for zombies).
source "$(dirname "$0")/../lib/tap.sh"
require_root
. "$(dirname "$0")/../lib/sandbox.sh"
sandbox_setup 80

# start NAME HUTCH-ARGS...: hutch in the background, bounded by timeout, the
# sandbox's /run bound to the host directory $tmp/NAME, its output in
# $tmp/NAME.out and .err; sets tpid (timeout's pid), launcher, pid1 and ns
# (the sandbox's PID namespace inode).
start() {
	local name=$1
	shift
	mkdir -p "$tmp/$name"
	launcher='' pid1='' ns=''
	timeout -k 5 30 "$HUTCH" --root "$ROOTFS" --bind "$tmp/$name:/run" "$@" \
		</dev/null >"$tmp/$name.out" 2>"$tmp/$name.err" &
	tpid=$!
	bg+=("$tpid")
	wait_for 5 set_child launcher "$tpid" && wait_for 5 set_child pid1 "$launcher" &&
		ns=$(ps -o pidns= -p "$pid1" | tr -d ' ')
}

stop() {
	kill -TERM "$launcher"
	wait "$tpid"
	rc=$?
}

# in_ns: "PID STAT ARGS" of every process in the sandbox's PID namespace.
in_ns() {
	ps -e -o pidns=,pid=,stat=,args= | awk -v ns="$ns" '$1 == ns { $1 = ""; print substr($0, 2) }'
}
zombies() { in_ns | awk '$2 ~ /^Z/' | wc -l; }
n_in_ns() { in_ns | wc -l; }
# settled_at_most N: at most N processes in the sandbox, none a zombie.
settled_at_most() { [ "$(n_in_ns)" -le "$1" ] && [ "$(zombies)" -eq 0 ]; }
# n_args ARGS: how many processes of the sandbox run exactly ARGS.
n_args() { in_ns | awk -v a="$1" '{ $1 = $2 = ""; sub(/^ +/, "") } $0 == a' | wc -l; }
# n_args_is ARGS N: exactly N processes of the sandbox run ARGS.
n_args_is() { [ "$(n_args "$1")" -eq "$2" ]; }
no_zombies() { [ "$(zombies)" -eq 0 ]; }

# --- 1,000 orphans ---------------------------------------------------------------
# Each ( ... &) subshell exits at once, so its sleep is reparented to PID 1,
# which must reap it when it ends. Then the service waits for the host's go
# and lists the processes it sees itself.
cat >"$tmp/orphans.sh" <<'EOF'
for i in $(seq 1000); do (sleep 0.0$((i % 5)) &); done
echo 1000 >/run/forked
while [ ! -e /run/go ]; do sleep 0.1; done
ps -o stat=,args= >/run/ps.tmp
mv /run/ps.tmp /run/ps
exec sleep 1000
EOF
mkdir -p "$tmp/orph"
cp "$tmp/orphans.sh" "$tmp/orph/"
start orph -- sh /run/orphans.sh
ok "the sandbox is up (PID 1 in namespace ${ns:-?})" test -n "$ns"
isnt "$ns" "$(ps -o pidns= -p $$ | tr -d ' ')" "(its PID namespace is not the host's)"
ok "the service forked 1000 short-lived orphans" wait_for 20 test -s "$tmp/orph/forked"
# PID 1, the service's shell and at most its own 'sleep 0.1': nothing else.
ok "all orphans reaped: no zombie, nothing left but PID 1 and the service" \
	wait_for 10 settled_at_most 3 ||
	diag "$(in_ns | head -n 20)"
touch "$tmp/orph/go"
ok "the service listed its processes" wait_for 10 test -s "$tmp/orph/ps"
ps_in=$(cat "$tmp/orph/ps")
unlike "$ps_in" '^Z' "ps inside the sandbox shows no zombie"
is "$(wc -l <<<"$ps_in")" 3 "ps inside sees 3 processes: PID 1, the shell and ps itself" ||
	diag "$(head -n 20 <<<"$ps_in")"
ok "the service went on (exec sleep 1000)" wait_for 5 n_args_is "sleep 1000" 1
is "$(zombies)" 0 "no zombie at the end either"
stop
is "$rc" 143 "TERM stops it (143)"

# --- Leftovers of a run are killed before the restart -----------------------------
# Run 1 leaves a 'sleep 1000' in its group and a 'sleep 1001' in a session of
# its own, then fails. Run 2 starts one 'sleep 1000' of its own and waits.
cat >"$tmp/leftover.sh" <<'EOF'
if [ -e /tmp/ran ]; then
	sleep 1000 &
	echo second >>/run/runs
	wait
	exit 0
fi
echo x >/tmp/ran
sleep 1000 &
setsid sleep 1001 &
echo first >>/run/runs
exit 1
EOF
mkdir -p "$tmp/left"
cp "$tmp/leftover.sh" "$tmp/left/"
start left -- sh /run/leftover.sh
ok "the service was restarted once" wait_for 10 grep -qx second "$tmp/left/runs"
ok "after the restart only one 'sleep 1000' is left in the sandbox" \
	wait_for 5 n_args_is "sleep 1000" 1 || diag "$(in_ns)"
ok "and the first run's 'sleep 1001' in its own session is gone" \
	wait_for 5 n_args_is "sleep 1001" 0
ok "no zombie is left of them" wait_for 5 no_zombies
is "$(tr '\n' ' ' <"$tmp/left/runs")" "first second " "two runs, no more"
stop
is "$rc" 143 "TERM stops it (143)"

# --- Leftovers do not keep hutch alive ------------------------------------------------
timeout -k 5 20 "$HUTCH" --root "$ROOTFS" --restart no -- \
	sh -c 'sleep 1000 & setsid sleep 1001 & exit 3' </dev/null >/dev/null 2>"$tmp/end.err"
rc=$?
is "$rc" 3 "the main process exits 3 with children still running: hutch exits 3 (not 124, a timeout)"

done_testing
