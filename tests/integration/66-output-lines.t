#!/bin/bash
# SPDX-License-Identifier: MIT
# --output keeps whole lines: programs whose stdout is buffered (seq, yes)
# write chunks that do not end at a newline, and FILE.1 must still end
# with one and hold only whole lines; a line longer than the cap is cut
# and marked; --output-timestamps; --output kmsg and syslog, one message a
# line tagged with the name; --output-rate drops and counts the excess and
# keeps the rest in whole lines; a character device is fed by splice(2).
. "$(dirname "$0")/../lib/tap.sh"
require_feature output
require_root
require_cmd timeout seq dmesg unshare busybox strace od stat awk pgrep
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
tmp=$(mktemp -d /tmp/hutch-t66.XXXXXX) || bail_out "mktemp -d failed"
trap 'rm -rf --one-file-system -- "$tmp"' EXIT

# run [HUTCH-OPTION...] -- CMD...: to the end; rc and err (hutch's stderr).
run() {
	(cd /tmp && timeout 60 "$HUTCH" --root "$ROOTFS" --restart no "$@") \
		</dev/null >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	err=$(cat "$tmp/stderr")
}
size() { stat -c %s "$1" 2>/dev/null || echo none; }
last_byte() { tail -c 1 "$1" | od -An -c | tr -d ' '; }

# --- seq 1 100000 under --output-max 16k ------------------------------------------

log=$tmp/seq.log
run --name out-seq --output "$log" --output-max 16k -- seq 1 100000
is "$rc" 0 "seq 1 100000 --output-max 16k: exit 0"
ok "FILE.1 is at most 16384 bytes ($(size "$log.1"))" test "$(size "$log.1")" -le 16384
is "$(last_byte "$log.1")" '\n' "FILE.1 ends with a newline"
is "$(last_byte "$log")" '\n' "FILE ends with a newline"
is "$(grep -cvE '^[0-9]+$' "$log.1" "$log" | awk -F: '{ s += $2 } END { print s }')" 0 \
	"FILE.1 and FILE hold only whole numbers, one a line"
is "$(cat "$log.1" "$log" | awk 'NR > 1 && $1 != p + 1 { bad++ } { p = $1 } END { print bad + 0 }')" 0 \
	"FILE.1 then FILE: consecutive numbers, none cut, none lost"
is "$(tail -n 1 "$log")" 100000 "the last line is 100000"

# --- yes under --output-max 16k ---------------------------------------------------------

log=$tmp/yes.log
run --name out-yes --output "$log" --output-max 16k -- /bin/sh -c 'yes | head -c 2000001'
is "$rc" 0 "yes | head -c 2000001 --output-max 16k: exit 0"
ok "FILE.1 is at most 16384 bytes ($(size "$log.1"))" test "$(size "$log.1")" -le 16384
is "$(last_byte "$log.1")" '\n' "FILE.1 ends with a newline"
is "$(grep -cvx y "$log.1")" 0 "FILE.1 holds only whole lines 'y'"
is "$(grep -cvx y "$log")" 0 "so does FILE: the last, unfinished 'y' got a newline at the end"
is "$(last_byte "$log")" '\n' "FILE ends with a newline"

# --- a line longer than the cap ---------------------------------------------------------

log=$tmp/long.log
run --name out-long --output "$log" --output-max 0 -- /bin/sh -c \
	'printf "%040000d\n" 0; echo after'
is "$rc" 0 "one line of 40000 characters, then 'after'"
is "$(grep -c ' \[cut\]$' "$log")" 2 "it is cut twice, each piece ending in ' [cut]'"
is "$(awk '{ sub(/ \[cut\]$/, ""); n += length($0) } END { print n }' "$log")" 40005 \
	"nothing is lost: 40000 characters and 'after'"
ok "no piece is longer than 16 KiB" awk 'length($0) > 16384 { exit 1 }' "$log"
is "$(tail -n 1 "$log")" after "and the next line is whole"

# --- --output-timestamps ----------------------------------------------------------------

log=$tmp/ts.log
before=$(date -u +%s)
run --name out-ts --output "$log" --output-timestamps -- /bin/sh -c \
	'echo one; printf "two "; sleep 0.1; echo halves; printf last'
after=$(date -u +%s)
is "$rc" 0 "--output-timestamps: exit 0"
is "$(sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z //' "$log")" \
	"$(printf 'one\ntwo halves\nlast')" \
	"each line starts with an ISO 8601 UTC time in milliseconds and a space; a line written in halves is one line"
first=$(head -n 1 "$log" | cut -d' ' -f1)
t=$(date -u -d "${first%Z}" +%s 2>/dev/null || echo 0)
ok "the time is the time of day, in UTC ($first)" test "$t" -ge "$before" -a "$t" -le "$after"

# --- --output kmsg -------------------------------------------------------------------------

marker="out-kmsg-$$-$RANDOM"
run --name "$marker" --output kmsg -- /bin/sh -c 'echo first line; echo second line'
is "$rc" 0 "--output kmsg: exit 0"
is "$(dmesg | grep -F "$marker: " | sed 's/^\[[^]]*\] //')" \
	"$(printf '%s: first line\n%s: second line' "$marker" "$marker")" \
	"each line is one record in the kernel's log, tagged with the name"
is "$(cat "$tmp/stdout")" "" "nothing on hutch's stdout"

# --- --output syslog: BusyBox syslogd on /dev/log in a private mount namespace ---------

unshare -m bash -c "
	mkdir '$tmp/olddev' && mount --bind /dev '$tmp/olddev' && mount -t tmpfs none /dev || exit 9
	for d in null zero full random urandom tty; do
		touch /dev/\$d && mount --bind '$tmp/olddev/'\$d /dev/\$d
	done
	busybox syslogd -n -O '$tmp/syslog.out' & s=\$!
	for i in \$(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
	cd /tmp && timeout 20 '$HUTCH' --output syslog --name out-sl --root '$ROOTFS' --restart no \
		-- /bin/sh -c 'echo hello from the service; echo and again' 2>'$tmp/syslog.err'
	echo \$? >'$tmp/syslog.rc'
	sleep 0.3; kill \$s"
is "$(cat "$tmp/syslog.rc" 2>&1)" 0 "--output syslog: exit 0"
like "$(cat "$tmp/syslog.out" 2>&1)" "daemon.info out-sl: hello from the service$" \
	"a line reaches syslogd as one message, ident the name, facility daemon"
like "$(cat "$tmp/syslog.out" 2>&1)" "daemon.info out-sl: and again$" "and the next one"
run --name out-sl --output syslog -- /bin/true
out=$(unshare -m bash -c "mount -t tmpfs none /dev && cd /tmp && timeout 10 '$HUTCH' --root '$ROOTFS' --output syslog --name out-sl -- /bin/true" 2>&1)
is "$?" 125 "--output syslog without /dev/log: exit 125"
like "$out" "^hutch.*--output syslog: No such file or directory$" "one line that says so"

# --- --output-rate ------------------------------------------------------------------------

log=$tmp/rate.log
run --name out-rate --output "$log" --output-max 0 --output-rate 8k/1h -- /bin/sh -c \
	'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i + 1)); done'
total=$(awk 'BEGIN { for (i = 0; i < 2000; i++) n += length("line " i) + 1; print n }')
is "$rc" 0 "2000 lines ($total bytes) under --output-rate 8k/1h: exit 0"
ok "at most 8 KiB kept ($(size "$log"))" test "$(size "$log")" -le 8192
ok "and nearly that: whole lines up to the cap" test "$(size "$log")" -gt $((8192 - 12))
is "$(last_byte "$log")" '\n' "FILE ends with a newline"
is "$(awk 'NR - 1 != $2 { bad++ } END { print bad + 0 }' "$log")" 0 "the oldest lines are kept, whole, in order"
kept=$(size "$log")
like "$err" "--output $log: $((total - kept)) bytes dropped over --output-rate$" \
	"the drop is counted and logged once"

is "$(printf '%s\n' "$err" | grep -c 'dropped over --output-rate')" 1 "in one line"

# Dropping ends when the bucket is full again: the count is logged then,
# and the output is kept again.
log=$tmp/rate2.log
run --name out-rate --output "$log" --output-rate 4k/1s -- /bin/sh -c \
	'i=0; while [ $i -lt 1000 ]; do echo "burst $i"; i=$((i + 1)); done; sleep 1.5; echo back again; sleep 1.5'
is "$(tail -n 1 "$log")" "back again" "after a second the output is kept again"
is "$(printf '%s\n' "$err" | sed -n 1p)" "$(printf '%s\n' "$err" | grep 'dropped over --output-rate')" \
	"the drop was logged when it ended, before the service exited"

# --- a flood is read in large blocks ------------------------------------------------------
# 8 MiB from yes under --cpu 10%: yes writes 4 KiB at a time (2048 writes);
# while output floods in, the launcher waits for the pipe to fill and reads
# in blocks of up to 64 KiB. Its read calls (syscr of /proc/PID/io) are
# counted once the service has written it all, while it waits.
mkdir "$tmp/b"
(cd /tmp && exec timeout 60 "$HUTCH" --root "$ROOTFS" --restart no --name out-flood --cpu 10% \
	--output "$tmp/flood.log" --output-max 0 --bind "$tmp/b:/mnt" -- /bin/sh -c \
	'yes | head -c 8388608; touch /mnt/done; i=0; while [ ! -e /mnt/go ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done') \
	</dev/null >/dev/null 2>&1 &
flood=$!
ok "the service wrote 8 MiB" wait_for 50 test -e "$tmp/b/done"
ok "and the launcher copied them" wait_for 10 sh -c "[ \$(stat -c %s '$tmp/flood.log') -ge 8388608 ]"
launcher=$(pgrep -o -P "$flood") # timeout's child
reads=$(awk '/^syscr/ { print $2 }' "/proc/$launcher/io" 2>/dev/null)
touch "$tmp/b/go"
wait "$flood"
ok "in fewer than 512 reads, 16 KiB or more each on average ($reads)" test "${reads:-99999}" -lt 512

# --- a character device: splice(2), no rotation ----------------------------------------

strace -f -qq -e trace=splice -o "$tmp/strace" -- timeout 20 "$HUTCH" --root "$ROOTFS" --restart no \
	--name out-dev --output /dev/null -- /bin/sh -c 'seq 1 20000' </dev/null >/dev/null 2>&1
is "$?" 0 "--output /dev/null: exit 0"
like "$(cat "$tmp/strace")" "splice\(.*= [0-9]+$" "the launcher moves the output with splice(2)"
ok "/dev/null is still the character device" test -c /dev/null

done_testing
