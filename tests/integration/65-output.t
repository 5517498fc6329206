#!/bin/bash
# SPDX-License-Identifier: MIT
# --output FILE and --output-max SIZE: the service's stdout and stderr
# appended to a host file by the launcher (hutch's own messages stay on its
# stderr), rotated to FILE.1 at whole lines, an oversized FILE rotated at
# the first output, nothing lost when the service exits, every start of a
# respawned service appended, a character device never rotated, bad
# values refused before anything is made, a full disk that neither blocks
# nor kills the service (and one line about it), and --daemon.
. "$(dirname "$0")/../lib/tap.sh"
require_feature output
require_root
require_cmd timeout pgrep stat mount umount mountpoint=util-linux
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
tmp=$(mktemp -d /tmp/hutch-t65.XXXXXX) || bail_out "mktemp -d failed"
small=$tmp/small
launchers=()
cleanup() {
	local l
	for l in "${launchers[@]}"; do
		kill -0 "$l" 2>/dev/null && kill -9 "$l"
	done 2>/dev/null
	wait 2>/dev/null
	mountpoint -q "$small" && umount "$small"
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

# run [HUTCH-OPTION...] -- CMD...: to the end; rc, sout (hutch's stdout)
# and err (hutch's stderr).
run() {
	(cd /tmp && timeout 30 "$HUTCH" --root "$ROOTFS" --restart no "$@") \
		</dev/null >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	sout=$(cat "$tmp/stdout")
	err=$(cat "$tmp/stderr")
}
count() { printf '%s\n' "$1" | grep -cE -e "$2"; }
size() { stat -c %s "$1" 2>/dev/null || echo none; }
no_state() { test ! -e "/run/hutch/$1"; }
# numbered N FROM: N lines "line NNNN xxx...x" (47 bytes each) from FROM
# on, odd ones on stdout, even ones on stderr: a service's shell script.
numbered() {
	echo "i=$2; while [ \$i -lt $(($2 + $1)) ]; do
		if [ \$((i % 2)) = 1 ]; then printf 'line %04d %s\n' \$i $x36;
		else printf 'line %04d %s\n' \$i $x36 >&2; fi; i=\$((i + 1)); done"
}
x36=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx

# --- stdout and stderr into FILE, hutch's messages not -------------------------------

log=$tmp/basic.log
run --name t65-basic --output "$log" -- /bin/sh -c 'echo to-stdout; echo to-stderr >&2; echo again-stdout'
is "$rc" 0 "--output FILE: the service runs"
is "$(cat "$log" 2>&1)" "$(printf 'to-stdout\nto-stderr\nagain-stdout')" \
	"FILE holds its stdout and stderr, in the order written"
is "$sout" "" "nothing of the service reaches hutch's stdout"
like "$err" "service exited with code 0" "hutch's own messages stay on its stderr"
unlike "$err" "to-std" "and the service's output is not there"
unlike "$(cat "$log")" "service exited" "FILE holds none of hutch's messages"
is "$(stat -c %a "$log" 2>&1)" 640 "a new FILE is created with mode 0640"
ok "FILE is the host's path, not one in the sandbox's root" test ! -e "$ROOTFS$log"
ok "no state directory is left" no_state t65-basic

run --name t65-basic --output "$log" -- /bin/sh -c 'echo second run'
is "$(cat "$log" 2>&1)" "$(printf 'to-stdout\nto-stderr\nagain-stdout\nsecond run')" \
	"a second run appends to FILE"
printf 'kept\n' >"$tmp/pre.log" && chmod 604 "$tmp/pre.log"
run --name t65-basic --output "$tmp/pre.log" -- /bin/echo added
is "$(cat "$tmp/pre.log")" "$(printf 'kept\nadded')" "an existing FILE is appended to"
is "$(stat -c %a "$tmp/pre.log")" 604 "and keeps its mode"

# The launcher opens FILE on the host, as root, whoever the service is.
run --name t65-basic --userns --user service --output "$tmp/owner.log" -- /bin/sh -c 'id -u'
is "$(cat "$tmp/owner.log" 2>&1)" 1000 "--userns --user service: its output reaches FILE"
is "$(stat -c %u:%g "$tmp/owner.log" 2>&1)" 0:0 "FILE is opened by the launcher: owned by root of the host"

# --- --output-max: rotation at whole lines ---------------------------------------------

log=$tmp/rot.log
run --name t65-rot --output "$log" --output-max 4K -- /bin/sh -c "$(numbered 300 1)"
is "$rc" 0 "--output-max 4K: 300 numbered lines (14100 bytes), stdout and stderr in turn"
ok "FILE.1 exists" test -f "$log.1"
ok "no FILE.2" test ! -e "$log.2"
ok "FILE is at most 4096 bytes ($(size "$log"))" test "$(size "$log")" -le 4096
ok "FILE.1 is at most 4096 bytes ($(size "$log.1"))" test "$(size "$log.1")" -le 4096
ok "FILE.1 was cut after the last whole line that fits: over 4096 - 47 bytes" \
	test "$(size "$log.1")" -gt $((4096 - 47))
both=$(cat "$log.1" "$log" 2>/dev/null)
is "$(count "$both" "^line [0-9]{4} $x36\$")" "$(printf '%s\n' "$both" | wc -l)" \
	"FILE.1 and FILE hold only whole lines"
is "$(tail -c 1 "$log.1" | od -An -c | tr -d ' ')" '\n' "FILE.1 ends with a newline"
is "$(tail -c 1 "$log" | od -An -c | tr -d ' ')" '\n' "FILE ends with a newline"
nums=$(printf '%s\n' "$both" | awk '{ print $2 + 0 }')
is "$(printf '%s\n' "$nums" | tail -n 1)" 300 "the last line of FILE is the newest, line 300"
is "$(printf '%s\n' "$nums" | awk 'NR > 1 && $1 != p + 1 { bad++ } { p = $1 } END { print bad + 0 }')" 0 \
	"FILE.1 then FILE: consecutive lines, no gap and no repeat"
n=$(printf '%s\n' "$nums" | wc -l)
ok "they hold the newest $n lines, fewer than 300 (the older ones rotated away)" \
	test "$n" -lt 300 -a "$n" -gt $((4096 / 47))
ok "no state directory is left" no_state t65-rot

# One line longer than the cap: cut into pieces that fit, each marked,
# nothing lost.
log=$tmp/long.log
run --name t65-rot --output "$log" --output-max 4K -- /bin/sh -c 'printf "%05000d\n" 0'
is "$(cat "$log.1" "$log" 2>/dev/null | sed 's/ \[cut\]$//' | tr -d '\n' | wc -c)" 5000 \
	"a line longer than the cap: all of its 5000 characters kept"
is "$(grep -c ' \[cut\]$' "$log.1")" 1 "the piece in FILE.1 ends with the mark ' [cut]'"
ok "FILE.1 holds at most the cap" test "$(size "$log.1")" -le 4096
is "$(tail -c 1 "$log.1" | od -An -c | tr -d ' ')" '\n' "and ends with a newline"

# FILE already bigger than the cap: rotated at the first output.
log=$tmp/big.log
awk 'BEGIN { for (i = 0; i < 100; i++) printf "old %055d\n", i }' >"$log"
old_sum=$(cksum <"$log")
run --name t65-big --output "$log" --output-max 4K -- /bin/echo fresh
is "$rc" 0 "FILE of 6000 bytes, --output-max 4K: the service runs"
is "$(cksum <"$log.1" 2>&1)" "$old_sum" "the old FILE became FILE.1, unchanged"
is "$(cat "$log" 2>&1)" fresh "FILE starts again with the first output"

# --- nothing lost at the end --------------------------------------------------------------

log=$tmp/last.log
run --name t65-last --output "$log" -- /bin/sh -c 'echo last; exit 3'
is "$rc" 3 "sh -c 'echo last; exit 3': exit 3"
is "$(cat "$log" 2>&1)" last "the line written just before the exit is in FILE"
log=$tmp/burst.log
run --name t65-last --output "$log" --output-max 0 -- /bin/sh -c "$(numbered 3000 1)"
is "$rc" 0 "3000 lines (141000 bytes, over a pipe's buffer) and exit"
is "$(wc -l <"$log")" 3000 "all 3000 lines are in FILE"
is "$(tail -n 1 "$log" | cut -d' ' -f2)" 3000 "up to the last one"
ok "no state directory is left" no_state t65-last

# --- respawn: every start appended --------------------------------------------------------

log=$tmp/always.log
run --name t65-respawn --output "$log" --restart always --start-limit 3/10s --restart-delay 10ms \
	-- /bin/sh -c 'echo start; echo start-err >&2'
is "$(grep -c '^start$' "$log")" 3 "--restart always, 3 starts: each start's stdout is in FILE"
is "$(grep -c '^start-err$' "$log")" 3 "and each start's stderr"
log=$tmp/onfail.log
run --name t65-respawn --output "$log" --restart on-failure --start-limit 3/10s --restart-delay 10ms \
	-- /bin/sh -c 'echo failing; exit 1'
is "$(grep -c '^failing$' "$log")" 3 "--restart on-failure, 3 starts: all three appended"
ok "no state directory is left" no_state t65-respawn

# --- a character device ---------------------------------------------------------------

run --name t65-null --output /dev/null --output-max 4K -- /bin/sh -c "$(numbered 200 1)"
is "$rc" 0 "--output /dev/null (9400 bytes, cap 4K): runs"
ok "/dev/null is still the character device" test -c /dev/null
ok "no /dev/null.1" test ! -e /dev/null.1
is "$(count "$err" .)" 1 "hutch says only that the service exited (no rotation attempted)"

# --- refused --------------------------------------------------------------------------------

pad() { printf "%0$1d" 0 | tr 0 a; } # pad N: N a's
long_ok=$tmp/$(pad $((250 - ${#tmp} - 1)))
long_bad=$tmp/$(pad $((251 - ${#tmp} - 1)))
for bad in "--output /nonexistent-dir/x" "--output $tmp" "--output ''" "--output-max 100" \
	"--output-max 4095" "--output-max abc" "--output-max -1" "--output $long_bad"; do
	eval "set -- $bad"
	[ "$1" = --output ] || set -- --output "$tmp/bad.log" "$@"
	run --name t65-bad "$@" -- /bin/echo ran
	desc=$bad
	[ "$bad" != "--output $long_bad" ] || desc="--output (a path of 251 characters)"
	is "$rc" 125 "$desc: exit 125"
	is "$(count "$err" .)" 1 "$desc: one line"
	ok "$desc: nothing left in /run/hutch" no_state t65-bad
done
run --name t65-bad --output /nonexistent-dir/x -- /bin/echo ran
like "$err" "/nonexistent-dir/x" "the message names the path"
is "$sout" "" "the service did not run"
ok "no output-max case made FILE" test ! -e "$tmp/bad.log"
run --name t65-bad --output "$long_ok" -- /bin/echo ran
is "$rc" 0 "a path of 250 characters is taken"
is "$(cat "$long_ok" 2>&1)" ran "and written"
run --name t65-bad --output "$tmp/ok.log" --output-max 4096 -- /bin/echo ran
is "$rc" 0 "--output-max 4096 is taken"

# --- a full disk ----------------------------------------------------------------------------

mkdir "$small" "$tmp/b"
mount -t tmpfs -o size=64k t65 "$small" || bail_out "cannot mount a tmpfs on $small"
run --name t65-full --output "$small/log" --output-max 0 --bind "$tmp/b:/mnt" \
	-- /bin/sh -c "$(numbered 4300 1); echo done >/mnt/done"
is "$rc" 0 "200 KB into a 64 KB file system: the service exits 0"
is "$(cat "$tmp/b/done" 2>&1)" "done" "it got past its output: neither blocked nor killed"
is "$(count "$err" "dropped until it works again")" 1 "hutch says once that the output is dropped"
is "$(count "$err" .)" 2 "and only that, and the exit"
ok "FILE holds what fitted" test "$(size "$small/log")" -gt 0
ok "no state directory is left" no_state t65-full

# The disk fills, then has room again: the output comes back, and hutch says so.
rm -f "$small/log" "$tmp/b/"*
head -c 40k /dev/zero >"$small/filler"
(cd /tmp && timeout 30 "$HUTCH" --root "$ROOTFS" --restart no --name t65-full --output "$small/log" \
	--output-max 0 --bind "$tmp/b:/mnt" -- /bin/sh -c "$(numbered 1000 1); echo >/mnt/full
		i=0; while [ ! -e /mnt/go ] && [ \$i -lt 200 ]; do sleep 0.1; i=\$((i + 1)); done
		echo after-the-mend") </dev/null >/dev/null 2>"$tmp/mend.err" &
bgpid=$!
ok "the service writes on through a full disk" wait_for 10 test -e "$tmp/b/full"
ok "hutch finds the disk full" wait_for 10 grep -q "dropped until it works again" "$tmp/mend.err"
rm -f "$small/filler" && touch "$tmp/b/go"
wait "$bgpid"
is "$?" 0 "once there is room again, it ends as usual"
like "$(tail -n 1 "$small/log")" "after-the-mend$" "its later output is in FILE again"
err=$(cat "$tmp/mend.err")
is "$(count "$err" "dropped until it works again")" 1 "one line when the output is dropped"
is "$(count "$err" "writing again")" 1 "one line when it is written again"
umount "$small"

# --- --daemon ---------------------------------------------------------------------------

log=$tmp/daemon.log
(cd /tmp && timeout 20 "$HUTCH" --daemon --root "$ROOTFS" --name t65-daemon --output "$log" \
	--pidfile "$tmp/daemon.pid" -- /bin/sh -c 'i=0; while :; do echo tick $i; i=$((i + 1)); sleep 0.1; done') \
	</dev/null >"$tmp/daemon.out" 2>"$tmp/daemon.err"
is "$?" 0 "--daemon --output FILE: returns 0"
launcher=$(cat "$tmp/daemon.pid" 2>/dev/null) && launchers+=("$launcher")
ok "the service keeps writing into FILE" wait_for 10 sh -c "[ \$(wc -l <'$log') -ge 5 ]"
n1=$(wc -l <"$log")
ok "and on" wait_for 10 sh -c "[ \$(wc -l <'$log') -gt $n1 ]"
is "$(cat "$tmp/daemon.out")" "" "nothing of it on hutch's stdout"
timeout 20 "$HUTCH" stop t65-daemon 2>/dev/null
is "$?" 0 "hutch stop: 0"
ok "the launcher is gone" wait_for 5 test ! -e "/proc/$launcher"
ok "the state directory is gone" no_state t65-daemon
n2=$(wc -l <"$log")
sleep 0.3
is "$(wc -l <"$log")" "$n2" "FILE grows no more"
like "$(tail -n 1 "$log")" "^tick [0-9]+$" "its last line is whole"

# A caller that reads hutch's stdout, as $(...) does, sees its end when
# --daemon returns: with --output the service's output does not go there,
# so the sandbox need not keep it open. (The daemon does not end by itself:
# a pipe to cat, polled, instead of a $(...) that would wait for it.)
{
	(cd /tmp && timeout 20 "$HUTCH" --daemon --root "$ROOTFS" --name t65-daemon2 --output "$tmp/daemon2.log" \
		--pidfile "$tmp/daemon2.pid" -- /bin/sleep 100) </dev/null 2>/dev/null | cat >/dev/null
	touch "$tmp/daemon2.eof"
} &
ok "--daemon --output: hutch's stdout is let go (a reader sees its end)" wait_for 5 test -e "$tmp/daemon2.eof"
[ -s "$tmp/daemon2.pid" ] && launchers+=("$(cat "$tmp/daemon2.pid")")
timeout 20 "$HUTCH" stop t65-daemon2 2>/dev/null
is "$?" 0 "hutch stop of the second: 0"
ok "and the reader sees the end then at the latest" wait_for 5 test -e "$tmp/daemon2.eof"

# --- nothing left ---------------------------------------------------------------------------
is "$(pgrep -f -- '--name t65-' | tr '\n' ' ')" "" "no t65- sandbox process is left"
is "$(ls -d /run/hutch/t65-* 2>/dev/null | tr '\n' ' ')" "" "no t65- state directory is left"

done_testing
