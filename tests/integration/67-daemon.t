#!/bin/bash
# SPDX-License-Identifier: MIT
# --daemon returns the caller's descriptors and reports a crash loop as a
# failure: x=$(hutch --daemon ...) returns once the service has run for
# --daemon-settle, with or without --output, and nothing of the sandbox
# keeps the caller's stdout or stderr; a service that exits at every start
# makes --daemon fail with its code and its exit line, and leaves nothing
# running; --daemon-settle 0 reports at the exec.
. "$(dirname "$0")/../lib/tap.sh"
require_feature daemon output control
. "$(dirname "$0")/../lib/sandbox.sh"
require_root
require_cmd timeout pgrep readlink
sandbox_setup t67
daemons=()
trap 'stop_names "${daemons[@]}"; sandbox_cleanup' EXIT
no_state() { test ! -e "/run/hutch/$1"; }
# holders FILE: the pids (but ours) that hold an open descriptor on FILE.
holders() {
	local p
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = $$ ] && continue
		ls -l "$p/fd" 2>/dev/null | grep -qF -- "-> $1" && echo "${p#/proc/}"
	done
}

# --- x=$(hutch --daemon ...) returns ------------------------------------------------------

# in_shell SCRIPT: SCRIPT in a shell of its own, bounded: "$x" and "$?" of
# it come back through a file, so a $(...) that waits for the sandbox to end
# fails the test rather than hanging it.
in_shell() {
	rm -f "$tmp/shell.out"
	HUTCH=$HUTCH ROOTFS=$ROOTFS timeout 20 bash -c "$1"' ; echo "rc=$?"; echo "x=$x"' \
		>"$tmp/shell.out" 2>/dev/null </dev/null
	rc=$(sed -n 's/^rc=//p' "$tmp/shell.out")
	x=$(sed -n '/^x=/,$p' "$tmp/shell.out" | sed '1s/^x=//')
}

cd /tmp || bail_out "cd /tmp"
daemons+=(out-d1 out-d2)
in_shell 'x=$(timeout 10 "$HUTCH" --daemon --root "$ROOTFS" --name out-d1 -- /bin/sleep 1000)'
is "$rc" 0 "x=\$(timeout 10 hutch --daemon ... -- sleep 1000): returns 0 (not 124, not hanging)"
is "$x" "" "with nothing on stdout"
ok "the sandbox runs on" "$HUTCH" status out-d1
timeout 20 "$HUTCH" stop out-d1 >/dev/null 2>&1

in_shell 'x=$(timeout 10 "$HUTCH" --daemon --root "$ROOTFS" --name out-d2 -- /bin/sh -c "echo out; echo err >&2; exec sleep 1000" 2>&1)'
is "$rc" 0 "x=\$(hutch --daemon ... 2>&1), a service that writes to both: returns 0"
is "$x" "" "and the service's lines do not reach the caller (no --output: /dev/null)"
timeout 20 "$HUTCH" stop out-d2 >/dev/null 2>&1

# The caller's pipes, held by no process of the sandbox: a fifo as the
# caller's stdout and stderr, and who has it open once --daemon returned.
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/fifo.out" &
reader=$!
timeout 10 "$HUTCH" --daemon --root "$ROOTFS" --name out-d3 --output "$tmp/d3.log" \
	--pidfile "$tmp/d3.pid" -- /bin/sleep 1000 >"$tmp/fifo" 2>&1 </dev/null
is "$?" 0 "--daemon --output FILE with a fifo as stdout and stderr: 0"
daemons+=(out-d3)
ok "the fifo's reader sees its end: no one holds it" wait_for 5 sh -c "! kill -0 $reader 2>/dev/null"
is "$(holders "$tmp/fifo" | tr '\n' ' ')" "" "no process has the fifo open"
launcher=$(cat "$tmp/d3.pid" 2>/dev/null)
is "$(readlink "/proc/$launcher/fd/2")" /dev/null "the launcher's stderr is /dev/null once the start is reported"
timeout 20 "$HUTCH" stop out-d3 >/dev/null 2>&1

# --- a crash loop is a failure -------------------------------------------------------------

daemons+=(out-crash out-late out-zero)
in_shell 'x=$(timeout 10 "$HUTCH" --daemon --root "$ROOTFS" --name out-crash -- /bin/sh -c "echo failing >&2; exit 1" 2>&1)'
is "$rc" 1 "a service that exits 1 at every start: --daemon fails with its code, 1"
like "$x" "service exited with code 1 after [0-9]+ ms" "the caller gets its exit line"
like "$x" "did not stay up for --daemon-settle \(1000 ms\)" "and why the start failed"
ok "nothing keeps running" no_state out-crash
is "$(pgrep -f -- '--name out-crash' | tr '\n' ' ')" "" "no process of it is left"

in_shell 'x=$(timeout 10 "$HUTCH" --daemon --restart always --root "$ROOTFS" --name out-crash -- /bin/true 2>&1)'
is "$rc" 1 "--restart always, a service that exits 0 at once: a failed start (1), never 0"

in_shell 'x=$(timeout 10 "$HUTCH" --daemon --root "$ROOTFS" --name out-crash -- /bin/sh -c "kill -9 \$\$" 2>&1)'
is "$rc" 137 "a service killed by SIGKILL at start: 137"

# A service that stays up for the settle time succeeds, even when it dies later.
in_shell 'x=$(timeout 10 "$HUTCH" --daemon --daemon-settle 300ms --root "$ROOTFS" --name out-late -- /bin/sh -c "sleep 1; exit 1" 2>&1)'
is "$rc" 0 "--daemon-settle 300ms, a service that exits 1 after a second: the start succeeded"
ok "and it runs on under --restart (a crash later is the supervisor's)" "$HUTCH" status out-late
timeout 20 "$HUTCH" stop out-late >/dev/null 2>&1

# --daemon-settle 0: report at the exec, as before.
in_shell 'x=$(timeout 10 "$HUTCH" --daemon --daemon-settle 0 --restart no --root "$ROOTFS" --name out-zero -- /bin/sh -c "sleep 0.5; exit 1" 2>&1)'
is "$rc" 0 "--daemon-settle 0: 0 once the service exec'd"
ok "the sandbox ends by itself later" wait_for 20 no_state out-zero

# A setup error is still a setup error.
in_shell 'x=$(timeout 10 "$HUTCH" --daemon --root "$ROOTFS" --name out-nf -- /no/such/command 2>&1)'
is "$rc" 127 "a command not found: 127"

# --- nothing left ---------------------------------------------------------------------------
stop_names "${daemons[@]}"
is "$(pgrep -f -- '--name out-(d|crash|late|zero|nf)' | tr '\n' ' ')" "" "no out- daemon process is left"
is "$(ls -d /run/hutch/out-* 2>/dev/null | tr '\n' ' ')" "" "no out- state directory is left"

done_testing
