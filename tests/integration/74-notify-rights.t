#!/bin/bash
# SPDX-License-Identifier: MIT
# 74-notify-rights.t: a service cannot freeze PID 1 through its notify
# socket. The attack (tests/integration/helpers/linger.c, at /mnt/linger
# in a --net none sandbox): a TCP socket on loopback with data that cannot
# leave and SO_LINGER {1, 60}, sent to $NOTIFY_SOCKET with SCM_RIGHTS and
# closed by the sender, so that the receiver's close is the last and waits
# up to 60 s (inet_release). PID 1 must go on: READY=1, queued behind it,
# is heard (--daemon returns), the watchdog fires and restarts the run
# (which attacks again), hutch stop returns; each in far less than the
# linger. On Linux 6.16+ the kernel refuses the descriptor to the sender
# (SO_PASSRIGHTS off: EPERM); on older kernels PID 1 never holds it (a
# child takes the datagram and exits), which tests/qemu/guest/linger.sh
# shows on the QEMU guest's 6.1 kernel. Sandbox names start with lg-.
. "$(dirname "$0")/../lib/tap.sh"
require_feature ready liveness daemon control
. "$(dirname "$0")/../lib/sandbox.sh"
require_root
require_cmd timeout pgrep uname musl-gcc=musl-tools
sandbox_setup 74
mkdir -p "$tmp/w"
build_notify
musl-gcc -static -O2 -o "$tmp/bin/linger" "$(dirname "$0")/helpers/linger.c" ||
	bail_out "cannot build tests/integration/helpers/linger.c"

names=(lg-rights)
# A frozen PID 1 (a build without the defence) does not stop: SIGKILL.
trap 'stop_names "${names[@]}"; kill_named /run/hutch "${names[@]}"; sandbox_cleanup' EXIT
now_ms() { echo $(($(date +%s%N) / 1000000)); }
field() { "$HUTCH" status "$1" 2>/dev/null | sed -n "s/^$2: //p"; }
starts_at_least() { [ "$(field "$1" starts)" -ge "$2" ] 2>/dev/null; }
cd /tmp || bail_out "cd /tmp"

# The kernel decides which defence answers: SO_PASSRIGHTS is 6.16's.
IFS=. read -r major minor _ <<<"$(uname -r)"
if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "${minor%%[!0-9]*}" -ge 16 ]; }; then
	expect='refused: errno 1 (EPERM)'
	diag "Linux $(uname -r): SO_PASSRIGHTS refuses the descriptor to the sender"
else
	expect=sent
	diag "Linux $(uname -r): no SO_PASSRIGHTS, a child of PID 1 takes the descriptor"
fi

# The linger is 60 s; every bound below is at most half of it.
t0=$(now_ms)
timeout 40 "$HUTCH" --daemon --root "$ROOTFS" --name lg-rights --net none \
	--ready notify --watchdog 2s --restart always --start-limit 100/1m \
	--ro-bind "$tmp/bin:/mnt" --bind "$tmp/w:/w" -- /mnt/linger /w/result \
	>"$tmp/out" 2>&1 </dev/null
rc=$?
took=$(($(now_ms) - t0))
is "$rc" 0 "--daemon returns 0: READY=1, queued behind the lingering socket, was heard" ||
	diag "$(cat "$tmp/out")"
ok "in far less than the linger of 60 s (${took} ms < 30000)" test "$took" -lt 30000
is "$(cat "$tmp/w/result" 2>/dev/null)" "$expect" "the attacker's sendmsg: $expect"
isnt "$(field lg-rights 'status text')" linger \
	"the datagram that carried the descriptor was not heard (its STATUS=linger)"
# A close held by the linger sleeps in sk_stream_wait_close, whose wchan
# is wait_woken; an idle PID 1 sleeps in poll.
pid1=$(field lg-rights pid1)
wchan=$(cat "/proc/$pid1/wchan" 2>/dev/null)
unlike "$wchan" 'wait_woken|wait_close|linger' "PID 1 is not waiting in a close (wchan: ${wchan:-?})"

# No WATCHDOG=1 comes: the watchdog kills the run (SIGABRT) and the
# restart attacks again; PID 1 keeps its deadlines through both.
ok "the watchdog (2 s) fires and the service is restarted, within 30 s" \
	wait_for 30 starts_at_least lg-rights 2
ok "and the next run gets ready too (READY=1 behind a second descriptor)" \
	wait_for 30 sh -c "\"$HUTCH\" status lg-rights 2>/dev/null | grep -q '^ready: ready'"

t0=$(now_ms)
timeout 40 "$HUTCH" stop lg-rights >/dev/null 2>&1
rc=$?
took=$(($(now_ms) - t0))
is "$rc" 0 "hutch stop succeeds"
ok "in far less than the linger (${took} ms < 30000)" test "$took" -lt 30000
ok "the sandbox is gone" wait_for 10 test ! -e /run/hutch/lg-rights
is "$(pgrep -f -- '--name lg-' | tr '\n' ' ')" "" "no lg- process is left"

done_testing
