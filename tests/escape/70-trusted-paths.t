#!/bin/bash
# SPDX-License-Identifier: MIT
# 70-trusted-paths.t: the host paths hutch trusts, attacked by an ordinary
# host user (nobody, through setpriv) racing root's start, and the files
# of the image that PID 1 reads, attacked by whoever made the image.
#   - a state directory (or a sandbox's directory in it) made by another
#     user: root would then delete a file of that user's choosing and
#     `hutch stop` signal a process of that user's choosing;
#   - a fifo at the --output path, held open by a reader that never reads:
#     the launcher would wedge on its first full write;
#   - a symlink in the middle of --output and --pidfile: root would write
#     into a file of that user's choosing;
#   - a recycled pid: the launcher dies between the check and the signal
#     of `hutch stop` (strace holds the signal's system call, the test
#     gives the pid to another process in its own PID namespace);
#   - a service that exits 125 (hutch's own setup code) under --restart
#     always: restarted like any failure, never taken for hutch's own;
#   - an /etc/passwd that is a symlink to /dev/zero, a fifo, 100 MB.
# Each attack wins against a build without its defence (see the commit
# that added this file); here each must fail.
#
# Needs root. HUTCH, ROOTFS and PROBE come from `make check-escape`.

# shellcheck source=tests/escape/lib.sh
source "$(dirname "$0")/lib.sh"
require_feature output daemon control

require_cmd setpriv unshare strace mkfifo truncate
as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
as_user() { "${as_user[@]}" "$@"; }

# A place where the other user may write, as /tmp is: sticky, 1777.
chmod 0755 "$tmp"
pub=$tmp/pub
mkdir -m 1777 "$pub"

# start_time PID: field 22 of /proc/PID/stat, as hutch records it.
start_time() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }

# A victim: a process of root's that nobody may signal, and a file of
# root's that nobody may remove (a pid file naming a pid that is gone).
sleep 1000 >/dev/null 2>&1 &
victim=$!
host_pids+=("$victim")
sh -c 'exit 0' &
wait $!
dead=$!
printf '%s\n' "$dead" >"$tmp/victim.pid"

# one_line: hutch said exactly one line (in $err).
# shellcheck disable=SC2317 # called through ok
one_line() { [ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ]; }

# --- another user's state directory ---------------------------------------------------

as_user mkdir -p "$pub/state/trust-a" "$pub/state/trust-b"
as_user sh -c "printf 'pid=%s\nstart=%s\nstop_timeout_ms=100\n' $victim $(start_time "$victim") \
	>$pub/state/trust-a/launcher"
out=$(timeout -k 5 20 "$HUTCH" stop --state-dir "$pub/state" trust-a 2>&1)
rc=$? err=$out
is "$rc" 125 "hutch stop refuses a state directory another user made (exit 125)"
ok "... with one line" one_line
note "$err"
ok "... and the process that user named is not signalled" kill -0 "$victim"

as_user sh -c "printf 'pid=%s\nstart=1\nstop_timeout_ms=100\npidfile=%s\n' $dead \
	$tmp/victim.pid >$pub/state/trust-b/launcher"
err=$(timeout -k 5 20 "$HUTCH" --state-dir "$pub/state" --name trust-b --root "$root" \
	-- /bin/true 2>&1)
is "$?" 125 "a start refuses a state directory another user made (exit 125)"
ok "... with one line" one_line
note "$err"
ok "... and root did not remove the file that user named" test -e "$tmp/victim.pid"
err=$(timeout -k 5 20 "$HUTCH" status --state-dir "$pub/state" trust-b 2>&1)
is "$?" 125 "hutch status refuses it too"
ok "... and the file is still there" test -e "$tmp/victim.pid"

# A sandbox's directory in root's own state directory, owned by the other
# user (left from a time the top was writable, or made by a careless
# script): the same.
mkdir -m 0755 "$tmp/state"
mkdir -m 0755 "$tmp/state/trust-c"
chown nobody "$tmp/state/trust-c"
as_user sh -c "printf 'pid=%s\nstart=%s\nstop_timeout_ms=100\n' $victim $(start_time "$victim") \
	>$tmp/state/trust-c/launcher"
err=$(timeout -k 5 20 "$HUTCH" stop --state-dir "$tmp/state" trust-c 2>&1)
is "$?" 125 "hutch stop refuses a sandbox directory another user owns"
ok "... with one line" one_line
ok "... and the process named there is not signalled" kill -0 "$victim"

# A symlink as the state directory: refused, not followed.
ln -s "$tmp/state" "$tmp/state-link"
err=$(timeout -k 5 20 "$HUTCH" --state-dir "$tmp/state-link" --name trust-d --root "$root" \
	-- /bin/true 2>&1)
is "$?" 125 "a symlink as the state directory is refused"
ok "... with one line" one_line

# --- --output: a fifo, a symlink in the middle -------------------------------------------

as_user mkfifo "$pub/out.fifo"
# the other user's reader: holds the fifo open and never reads
"${as_user[@]}" sh -c "exec 3<>$pub/out.fifo; exec sleep 1000" >/dev/null 2>&1 &
reader=$!
host_pids+=("$reader")
wait_for 10 sh -c "ls -l /proc/$reader/fd 2>/dev/null | grep -q out.fifo" ||
	bail_out "the fifo's reader did not start"
err=$(timeout -k 5 20 "$HUTCH" --name trust-f --root "$root" --output "$pub/out.fifo" \
	-- /bin/sh -c 'head -c 300000 /dev/zero' 2>&1)
is "$?" 125 "a fifo at --output is refused at once (exit 125), not a wedged launcher"
ok "... with one line" one_line
note "$err"
kill "$reader" 2>/dev/null

# root's own directory, and a file in it the other user wants written
mkdir -m 0700 "$tmp/secret"
echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/secret/passwd"
before=$(cksum <"$tmp/secret/passwd")
as_user ln -s "$tmp/secret" "$pub/logs"
err=$(timeout -k 5 20 "$HUTCH" --name trust-g --root "$root" --output "$pub/logs/passwd" \
	-- /bin/echo 'evil::0:0::/:/bin/sh' 2>&1)
is "$?" 125 "--output through another user's symlink is refused (exit 125)"
ok "... with one line" one_line
note "$err"
is "$(cksum <"$tmp/secret/passwd")" "$before" "... and root's file is unchanged"

err=$(timeout -k 5 20 "$HUTCH" --name trust-h --root "$root" --pidfile "$pub/logs/passwd" \
	-- /bin/true 2>&1)
is "$?" 125 "--pidfile through another user's symlink is refused (exit 125)"
ok "... with one line" one_line
is "$(cksum <"$tmp/secret/passwd")" "$before" "... and root's file is unchanged"

# The sticky /tmp-like directory itself is fine, and so is a root-owned
# symlink on the way (/var/run -> /run on Debian).
ln -s "$tmp/secret" "$tmp/own-link"
timeout -k 5 20 "$HUTCH" --name trust-i --root "$root" --output "$pub/ok.log" \
	--pidfile "$tmp/own-link/ok.pid" -- /bin/echo fine 2>"$tmp/err"
is "$? $(cat "$pub/ok.log")" "0 fine" "--output in a sticky directory, --pidfile through root's symlink: accepted"

# --- a recycled pid -----------------------------------------------------------------------
# In a PID namespace of its own (and its own /proc), so that the test can
# hand a chosen pid to a new process (ns_last_pid). A fake launcher's state
# is right when `hutch stop` checks it; strace holds the signal's system
# call (kill, or pidfd_send_signal) for 3 s at its entry; in that time the
# launcher dies and its pid goes to a victim. The signal must not reach it.
mkdir -m 0755 "$tmp/state5" "$tmp/state5/trust-e"
cat >"$tmp/recycle.sh" <<'EOF'
HUTCH=$1 dir=$2
start_time() { sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f20; }
sleep 1000 >/dev/null 2>&1 &
fake=$!
printf 'pid=%s\nstart=%s\nstop_timeout_ms=100\n' $fake "$(start_time $fake)" \
	>"$dir/trust-e/launcher"
strace -f -o /dev/null -e trace=kill,pidfd_send_signal \
	-e inject=kill,pidfd_send_signal:delay_enter=3000000 \
	"$HUTCH" stop --state-dir "$dir" trust-e 2>/dev/null &
tracer=$!
stop=
for _ in $(seq 100); do
	stop=$(pgrep -P $tracer) && grep -Eq '^(62|424) ' /proc/$stop/syscall 2>/dev/null && break
	sleep 0.1
done
grep -Eq '^(62|424) ' /proc/$stop/syscall || { echo "no-hold"; exit 1; }
kill -KILL $fake
wait $fake 2>/dev/null
echo $((fake - 1)) >/proc/sys/kernel/ns_last_pid
sleep 1000 >/dev/null 2>&1 &
victim=$!
[ "$victim" = "$fake" ] || { echo "no-recycle $fake $victim"; exit 1; }
wait $tracer
kill -0 $victim 2>/dev/null && echo "victim-alive" || echo "victim-signalled"
kill -KILL $victim 2>/dev/null
EOF
got=$(timeout 60 unshare --pid --fork --mount-proc bash "$tmp/recycle.sh" "$HUTCH" "$tmp/state5")
is "$got" victim-alive "hutch stop never signals a pid that was recycled after its check"

# --- the service cannot steer its supervisor ---------------------------------------------

# hutch's own code from the service: one more failure, restarted per
# --restart; the launcher ends with it only when the start limit is hit.
err=$(timeout -k 5 30 "$HUTCH" --name trust-j --root "$root" --restart always \
	--restart-delay 1ms --start-limit 4/1h -- /bin/sh -c 'echo run; exit 125' 2>&1 >"$tmp/out")
rc=$?
is "$(grep -c run "$tmp/out")" 4 "a service exiting 125 under --restart always is restarted"
like "$err" "start limit reached" "... until the start limit, which hutch says"
is "$rc" 125 "... and the launcher passes on the service's last code"

# The image's passwd: PID 1 reads it during setup, where no signal is
# taken yet, so a passwd that never ends would hold it for good.
passwd_attack() {
	local what=$1
	err=$(timeout -k 5 20 "$HUTCH" --name trust-k --root "$root" --user service -- id -u 2>&1)
	rc=$?
	is "$rc" 125 "an /etc/passwd that is $what: exit 125 at once"
	ok "... with one line" one_line
	note "$err"
	rm -f "$root/etc/passwd"
	cp "$ROOTFS/etc/passwd" "$root/etc/passwd"
}
rm "$root/etc/passwd" && ln -s /dev/zero "$root/etc/passwd"
passwd_attack "a symlink to /dev/zero"
rm "$root/etc/passwd" && mkfifo "$root/etc/passwd"
passwd_attack "a fifo"
rm "$root/etc/passwd"
yes 'filler:x:1:1::/:/bin/sh' | head -c 100M >"$root/etc/passwd"
printf '\nservice:x:1000:1000::/tmp:/bin/sh\n' >>"$root/etc/passwd"
passwd_attack "100 MB"
out=$(timeout -k 5 20 "$HUTCH" --name trust-k --root "$root" --user service -- id -u 2>/dev/null)
is "$?:$out" "0:1000" "the image's own passwd still works"

done_testing
