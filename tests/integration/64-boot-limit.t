#!/bin/bash
# SPDX-License-Identifier: MIT
# 64-boot-limit.t: --boot-limit across simulated boots (hutch started again
# with the same --persist-dir): crash loops counted, the start refused at
# the limit (exit 124, one line, the service never run), hutch status and
# hutch reset, a run that stays up clearing the record, and what the disk
# may do: a write cut short by a power loss, a read-only or full disk, a
# directory others may write. Sandbox names are bootlimit-t*: unique on
# this machine, where other tests may run at the same time.
. "$(dirname "$0")/../lib/tap.sh"
require_feature bootlimit control
require_root
require_cmd strace
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
tmp=$(mktemp -d)
S=$tmp/state
P=$tmp/persist
mounts=()
bg=()
cleanup() {
	for p in "${bg[@]}"; do kill -9 "$p" 2>/dev/null; done
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
mkdir -p "$S" "$P" "$tmp/marks"
chmod 755 "$tmp" "$P"

# A service that always fails, counting its runs in a host file.
fail='echo run >>/marks/runs; exit 1'
runs() { if [ -f "$tmp/marks/runs" ]; then wc -l <"$tmp/marks/runs"; else echo 0; fi; }

# boot NAME PERSIST-DIR [HUTCH-ARGS...] -- COMMAND: one boot of the device,
# as its init line would start hutch; sets rc, its stderr in $tmp/err.
boot() {
	local name=$1 dir=$2
	shift 2
	timeout -k 5 30 "$HUTCH" --name "$name" --root "$ROOTFS" --state-dir "$S" \
		--bind "$tmp/marks:/marks" --restart on-failure --restart-delay 10ms \
		--start-limit 3/10s --boot-limit 2 --persist-dir "$dir" "$@" \
		</dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
record() { cat "$1" 2>/dev/null | tr '\n' ' '; }

# --- boots in a row that end in a crash loop ------------------------------------
boot bootlimit-t1 "$P" -- /bin/sh -c "$fail"
is "$rc $(runs)" "1 3" "boot 1: three starts, the start limit, the service's exit code 1"
is "$(record "$P/bootlimit-t1")" "crashloops=1 limit=2 " "boot 1: one crash loop recorded in PERSIST_DIR/NAME"
like "$(cat "$tmp/err")" "crash loop recorded: 1 of 2 starts in a row \\($P/bootlimit-t1\\)$" \
	"boot 1: the log says so"
ok "no temporary file is left" test ! -e "$P/.bootlimit-t1.new"

boot bootlimit-t1 "$P" -- /bin/sh -c "$fail"
is "$rc $(runs)" "1 6" "boot 2: the service ran again, and looped again"
is "$(record "$P/bootlimit-t1")" "crashloops=2 limit=2 " "boot 2: two in a row"
like "$(cat "$tmp/err")" "2 of 2 starts in a row.*the next start will not start the service; after a fix, hutch reset bootlimit-t1" \
	"boot 2: the log says the next boot will not start it"

boot bootlimit-t1 "$P" -- /bin/sh -c "$fail"
is "$rc" 124 "boot 3: refused with exit 124"
is "$(runs)" 6 "boot 3: the service never ran"
is "$(wc -l <"$tmp/err")" 1 "boot 3: one line"
like "$(cat "$tmp/err")" "^hutch\\[bootlimit-t1\\]: not starting the service: its last 2 starts ended in a crash loop \\(the start limit reached; --boot-limit 2, recorded in $P/bootlimit-t1\\): once it is fixed, hutch reset bootlimit-t1; exit 124$" \
	"boot 3: the line says why and how to undo it"
ok "boot 3: no state directory was made" test ! -e "$S/bootlimit-t1"

# hutch check ARGS: what a start with ARGS would find; sets out and rc.
check() {
	out=$(timeout 30 "$HUTCH" check --name bootlimit-t1 --root "$ROOTFS" --state-dir "$S" \
		--start-limit 3/10s --boot-limit 2 "$@" -- /bin/true 2>&1)
	rc=$?
}
check --persist-dir "$P"
is "$rc" 1 "hutch check fails where the start is refused (exit 1)"
like "$out" "^missing  boot limit \(--boot-limit\): the last 2 starts ended in a crash loop \($P/bootlimit-t1\): the start is refused until hutch reset bootlimit-t1$" \
	"and its missing line says why"

out=$("$HUTCH" status --persist-dir "$P" bootlimit-t1 2>&1)
is "$?" 3 "hutch status of the refused sandbox: exit 3 (not running)"
is "$out" "$(printf 'name: bootlimit-t1\nstate: not running\ncrash loops: 2 of 2 starts in a row: not started; hutch reset bootlimit-t1')" \
	"hutch status says why it is not running"

"$HUTCH" reset --persist-dir "$P" bootlimit-t1
is "$?" 0 "hutch reset: exit 0"
ok "hutch reset removed the record" test ! -e "$P/bootlimit-t1"
check --persist-dir "$P"
like "$out" "^ok       boot limit \(--boot-limit\): 0 crash loops in a row on record in $P/bootlimit-t1$" \
	"hutch check: nothing on record now"
out=$("$HUTCH" status --persist-dir "$P" bootlimit-t1 2>&1)
is "$? $out" "3 hutch: bootlimit-t1: no such sandbox running" "hutch status: no record, not running"
"$HUTCH" reset --persist-dir "$P" bootlimit-t1
is "$?" 0 "hutch reset with nothing recorded: exit 0"
"$HUTCH" reset --persist-dir "$P" ../bootlimit-t1 2>/dev/null
is "$?" 125 "hutch reset of a path, not a name: exit 125"

boot bootlimit-t1 "$P" -- /bin/sh -c "$fail"
is "$rc $(runs)" "1 9" "boot 4, after hutch reset: the service starts again"
is "$(record "$P/bootlimit-t1")" "crashloops=1 limit=2 " "boot 4: one crash loop in a row"

# --- the records are not the service's -------------------------------------------
# Covered inside like the state directories: a service as uid 0 (their
# owner) must not clear its own count or forge another's, even with the
# directory bound in.
boot bootlimit-t1 "$P" --restart no --bind "$P:/persist" -- /bin/sh -c \
	'ls -A /persist >/marks/seen 2>/dev/null; echo x >/persist/bootlimit-t1 && echo wrote >>/marks/seen; exit 0'
is "$rc" 0 "a service with the persist directory bound in runs"
is "$(cat "$tmp/marks/seen")" "" "and can neither list nor write the records: they are covered"
is "$(record "$P/bootlimit-t1")" "crashloops=1 limit=2 " "the record is unchanged"

# A config file's keys, and a persist directory inside the state directory
# (whose cover hides it already: no second cover, no failed start).
mkdir -m 755 "$S/persist"
printf 'name = bootlimit-t9\nroot = %s\nstart-limit = 2/10s\nrestart-delay = 10ms\nboot-limit = 1\npersist-dir = %s\ncommand = /bin/false\n' \
	"$ROOTFS" "$S/persist" >"$tmp/t9.conf"
timeout -k 5 30 "$HUTCH" -f "$tmp/t9.conf" --state-dir "$S" </dev/null >/dev/null 2>"$tmp/err"
is "$?" 1 "config file keys boot-limit and persist-dir: the crash loop runs its course"
is "$(record "$S/persist/bootlimit-t9")" "crashloops=1 limit=1 " "and is recorded in the persist directory inside the state directory"
timeout -k 5 30 "$HUTCH" -f "$tmp/t9.conf" --state-dir "$S" </dev/null >/dev/null 2>&1
is "$?" 124 "at --boot-limit 1 the next start is refused"

# --- a successful run clears the record -------------------------------------------
# It stays up for the start-limit window (1 s here), then exits 0.
timeout -k 5 30 "$HUTCH" --name bootlimit-t1 --root "$ROOTFS" --state-dir "$S" \
	--start-limit 3/1s --boot-limit 2 --persist-dir "$P" -- /bin/sleep 2 \
	</dev/null >/dev/null 2>"$tmp/err" &
up=$!
bg+=("$up")
ok "a boot with a healthy service runs" wait_for 5 test -f "$S/bootlimit-t1/status"
out=$("$HUTCH" status --state-dir "$S" bootlimit-t1)
like "$out" "^crash loops: 1 of 2 starts in a row$" "hutch status of the running sandbox shows the record"
wait "$up"
is "$?" 0 "the healthy run ends with its exit code 0"
ok "the run that stayed up for the start-limit window cleared the record" test ! -e "$P/bootlimit-t1"
like "$(cat "$tmp/err")" "stayed up for 1000 ms: crash loop record $P/bootlimit-t1 cleared" "the log says so"

# --- --daemon: the detach closes every descriptor but its own ------------------
# The record is counted by the detached launcher; at the limit the caller,
# still waiting for the service to settle, exits with the refusal's 124.
daemon() {
	timeout -k 5 30 "$HUTCH" --daemon --daemon-settle 200ms --name bootlimit-t8 \
		--root "$ROOTFS" --state-dir "$S" --restart-delay 10ms --start-limit 3/20s \
		--boot-limit 2 --persist-dir "$P" -- /bin/sh -c 'sleep 0.4; exit 2' \
		</dev/null >/dev/null 2>"$tmp/err"
	rc=$?
}
daemon
is "$rc" 0 "--daemon: the service settles, the caller returns 0"
ok "the detached launcher ends at the start limit" wait_for 15 test ! -e "$S/bootlimit-t8"
is "$(record "$P/bootlimit-t8")" "crashloops=1 limit=2 " "--daemon: the crash loop is recorded"
printf 'crashloops=2\nlimit=2\n' >"$P/bootlimit-t8"
daemon
is "$rc" 124 "--daemon at the limit: the caller exits 124"
like "$(cat "$tmp/err")" "^hutch\[bootlimit-t8\]: not starting the service: its last 2 starts ended in a crash loop" \
	"and gets the line"

# --- a power loss during a write -------------------------------------------------
# The write is NAME.new, fsync, rename, fsync: a power loss leaves the last
# good record and, at worst, a .new file that the next write replaces.
printf 'crashloops=1\nlimit=2\n' >"$P/bootlimit-t2"
printf 'crashlo\0\0\0garbage' >"$P/.bootlimit-t2.new"
boot bootlimit-t2 "$P" -- /bin/sh -c "$fail"
is "$(record "$P/bootlimit-t2")" "crashloops=2 limit=2 " \
	"a .new file left by a power loss is ignored: the last good record counts"
ok "and is gone after the next write" test ! -e "$P/.bootlimit-t2.new"
unlike "$(cat "$tmp/err")" "unreadable" "no complaint about it"

# The steps of a write, in order, as the kernel saw them: .NAME.new made
# and flushed, renamed over NAME, the directory flushed; and a new persist
# directory's parent flushed after the mkdir. (The state directory's own
# rename, .NAME.PID to NAME, is not the record's: the record's is from
# .NAME.new.)
steps() {
	sed -E 's/^[0-9]+ +//' "$tmp/strace" | awk -v n=bootlimit-t10 '
		/^mkdirat/ && index($0, "\"new-dir\"") { print "mkdir" }
		/^openat/ && index($0, "\"." n ".new\"") && /O_CREAT/ { print "create" }
		/^fsync/ && !/= -1/ { print "fsync" }
		/^rename/ && index($0, "\"." n ".new\"") && index($0, "\"" n "\"") { print "rename" }' |
		tr '\n' ' '
}
strace -f -o "$tmp/strace" -e trace=mkdirat,openat,fsync,renameat,renameat2 \
	"$HUTCH" --name bootlimit-t10 --root "$ROOTFS" --state-dir "$S" --restart-delay 10ms \
	--start-limit 2/10s --boot-limit 2 --persist-dir "$P" -- /bin/false >/dev/null 2>&1
is "$(steps)" "create fsync rename fsync " \
	"a write: .NAME.new made, fsync, rename over NAME, fsync of the directory"
strace -f -o "$tmp/strace" -e trace=mkdirat,openat,fsync,renameat,renameat2 \
	"$HUTCH" --name bootlimit-t10 --root "$ROOTFS" --state-dir "$S" --restart-delay 10ms \
	--start-limit 2/10s --boot-limit 2 --persist-dir "$P/new-dir" -- /bin/false >/dev/null 2>&1
is "$(steps)" "mkdir fsync create fsync rename fsync " \
	"a new persist directory: its parent flushed after the mkdir"

# A record cut short (a file system that lost the data the rename
# promised): read as 0, said once; the service starts.
printf 'crashloops=' >"$P/bootlimit-t3"
boot bootlimit-t3 "$P" -- /bin/sh -c "$fail"
is "$rc $(runs)" "1 15" "a record cut short: the service starts"
is "$(grep -c 'unreadable or cut short: counted as 0' "$tmp/err")" 1 "said in one line"
is "$(record "$P/bootlimit-t3")" "crashloops=1 limit=2 " "and counted from 0"
printf 'crashloops=2' >"$P/bootlimit-t3"
boot bootlimit-t3 "$P" -- /bin/sh -c "$fail"
is "$rc $(runs)" "1 18" "a last line without its newline is cut short too: read as 0"

# --- a read-only disk -----------------------------------------------------------
mkdir "$tmp/ro"
mount -t tmpfs -o size=64k,mode=755 tmpfs "$tmp/ro" && mounts+=("$tmp/ro")
mount -o remount,ro "$tmp/ro"
check --persist-dir "$tmp/ro"
like "$out" "^warning  boot limit \(--boot-limit\): persist directory $tmp/ro is on a read-only file system" \
	"hutch check warns of a read-only persist directory"
boot bootlimit-t4 "$tmp/ro" -- /bin/sh -c "$fail"
is "$rc $(runs)" "1 21" "a read-only persist directory: the service still starts"
is "$(grep -c 'persist' "$tmp/err")" 1 "with one line about it"
like "$(cat "$tmp/err")" "persist directory $tmp/ro is on a read-only file system: crash loops of this start are not recorded" \
	"which says why"
mount -o remount,rw "$tmp/ro"
printf 'crashloops=2\nlimit=2\n' >"$tmp/ro/bootlimit-t4"
mount -o remount,ro "$tmp/ro"
boot bootlimit-t4 "$tmp/ro" -- /bin/sh -c "$fail"
is "$rc $(runs)" "124 21" "a record at the limit on a read-only disk still keeps it from starting"

# --- a full disk ------------------------------------------------------------------
mkdir "$tmp/full"
mount -t tmpfs -o size=8k,mode=755 tmpfs "$tmp/full" && mounts+=("$tmp/full")
dd if=/dev/zero of="$tmp/full/fill" bs=4k count=16 2>/dev/null
boot bootlimit-t5 "$tmp/full" -- /bin/sh -c "$fail"
is "$rc $(runs)" "1 24" "a full persist directory: the service starts and loops as ever"
like "$(cat "$tmp/err")" "cannot record the crash loop in $tmp/full/bootlimit-t5: No space left on device" \
	"one line says the crash loop was not recorded"
ok "no temporary file is left" test ! -e "$tmp/full/.bootlimit-t5.new"

# --- a persist directory others may write -------------------------------------
mkdir "$tmp/open"
printf 'crashloops=9\nlimit=2\n' >"$tmp/open/bootlimit-t6"
chmod 777 "$tmp/open"
boot bootlimit-t6 "$tmp/open" -- /bin/sh -c "$fail"
is "$rc $(runs)" "1 27" "a persist directory others may write is not trusted: the service starts"
is "$(grep -c persist "$tmp/err")" 1 "with one line"
like "$(cat "$tmp/err")" "persist directory $tmp/open is not safe to use: .*--boot-limit is off for this start" \
	"which says why"
is "$(record "$tmp/open/bootlimit-t6")" "crashloops=9 limit=2 " "nothing is written there"
"$HUTCH" reset --persist-dir "$tmp/open" bootlimit-t6 2>/dev/null
is "$?" 125 "hutch reset refuses it too (exit 125)"
check --persist-dir "$tmp/open"
like "$out" "^warning  boot limit \(--boot-limit\): persist directory $tmp/open: not safe to use .*: the limit is off$" \
	"hutch check warns of it"

# --- idle: a record of 0 sets no timer ------------------------------------------
vcsw() { awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$1/status"; }
timeout -k 5 30 "$HUTCH" --name bootlimit-t7 --root "$ROOTFS" --state-dir "$S" \
	--start-limit 3/1s --boot-limit 2 --persist-dir "$P" -- /bin/sleep 20 \
	</dev/null >/dev/null 2>&1 &
bg+=("$!")
ok "a sandbox with --boot-limit runs" wait_for 5 test -f "$S/bootlimit-t7/status"
launcher=$(sed -n 's/^pid=//p' "$S/bootlimit-t7/launcher")
sleep 1.2 # past the start-limit window
before=$(vcsw "$launcher")
sleep 1.5
is "$(vcsw "$launcher")" "$before" "its launcher makes no wakeups while the service runs"
"$HUTCH" stop --state-dir "$S" bootlimit-t7 >/dev/null 2>&1

done_testing
