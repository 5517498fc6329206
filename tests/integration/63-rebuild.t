#!/bin/bash
# SPDX-License-Identifier: MIT
# 63-rebuild.t: hutch restart --rebuild NAME, an A/B root swap. Two roots,
# A and B (copies of the test rootfs with a marker), and a symlink
# `current` that the config file's root names. A plain restart keeps the
# root the sandbox was built on; --rebuild reads the config again, stops
# the sandbox and starts a new one on what the link names now, with the
# same launcher (pid, pid file, state directory) and nothing left of the
# old sandbox (no process of its PID namespace, no mount on the host, one
# cgroup holding the new processes only). A config that became bad, a
# root that is not there or a changed --name are refused in one line, and
# the old sandbox runs on. Sandbox names start with rebuild-t.
. "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
. "$(dirname "$0")/../lib/sandbox.sh"
require_feature control daemon output
require_root
require_cmd timeout pgrep
require_hutch
tmp=$(mktemp -d /tmp/hutch-63.XXXXXX) || bail_out "mktemp -d failed"
tmp=$(realpath "$tmp")
S=$tmp/state
names="rebuild-t1 rebuild-t2"
cleanup() {
	# shellcheck disable=SC2086 # the names, a word each
	kill_named "$S" $names
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT
h() { timeout 30 "$HUTCH" "$@"; }
field() { h status --state-dir "$S" "$1" | sed -n "s/^$2: //p"; }
launcher_of() { sed -n 's/^pid=//p' "$S/$1/launcher"; }
running() {
	[ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null)" != Z ]
}
# Every process of the machine in PID namespace $1 (a /proc/PID/ns/pid link).
in_pidns() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
	done
}
# Each pid with its start time (field 22 of stat), one a line: a pid
# named again later is the same process only with the same start time.
# (A namespace's inode number is reused once it is freed: another
# sandbox's new PID namespace, on a busy machine, can get the old one's.)
with_start() {
	local p
	for p in "$@"; do
		echo "$p $(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$p/stat" 2>/dev/null)"
	done
}
still_there() {
	local p t
	while read -r p t; do
		[ -n "$p" ] && [ "$(with_start "$p")" = "$p $t" ] && echo "$p"
	done
}
# Lines of the host's mount table that name this test's directory.
host_mounts() { grep -F "$tmp" /proc/self/mountinfo; }
# The pids in every cgroup of NAME, sorted, once each.
cgroup_pids() {
	cat /sys/fs/cgroup/*/hutch/"$1"/cgroup.procs /sys/fs/cgroup/hutch/"$1"/cgroup.procs \
		2>/dev/null | sort -un
}

for r in A B; do
	cp -a "$ROOTFS" "$tmp/$r" || bail_out "cannot copy the rootfs"
	echo "$r" >"$tmp/$r/marker"
done
ln -s A "$tmp/current"
mkdir "$tmp/run"
conf=$tmp/web.conf
cat >"$conf" <<EOF
name = rebuild-t1
root = $tmp/current
restart = always
stop-timeout = 2s
bind = $tmp/run:/run
command = /bin/sh -c 'cat /marker >/run/seen; exec sleep 1000'
EOF
seen() { cat "$tmp/run/seen" 2>/dev/null; }
service_root() { cat "/proc/$(field rebuild-t1 'service host pid')/root/marker"; }

# --- the start, on A -----------------------------------------------------------
h --daemon --state-dir "$S" --pidfile "$tmp/pid" -f "$conf" </dev/null 2>"$tmp/err"
is "$?" 0 "the sandbox starts on root = current -> A"
ok "its service sees A" wait_for 5 sh -c "[ \"\$(cat '$tmp/run/seen')\" = A ]"
launcher=$(launcher_of rebuild-t1)
pidfile=$(cat "$tmp/pid")
is "$pidfile" "$launcher" "the pid file names the launcher"
pid1=$(field rebuild-t1 pid1)
pidns=$(readlink "/proc/$pid1/ns/pid")
# shellcheck disable=SC2046 # the pids, one word each
old_procs=$(with_start $(in_pidns "$pidns"))

# --- a plain restart keeps the root it was built on -----------------------------
ln -sfn B "$tmp/current"
h restart --state-dir "$S" rebuild-t1
is "$?" 0 "hutch restart after the link moved to B: exit 0"
is "$(field rebuild-t1 starts)" 2 "the service started a second time"
is "$(seen)" A "and still sees A: a plain restart keeps the sandbox and its root"
is "$(service_root)" A "its root, seen from the host, is A"
is "$(field rebuild-t1 pid1)" "$pid1" "the same PID 1"

# --- restart --rebuild: a new sandbox on B, the same launcher -------------------
h restart --state-dir "$S" --rebuild rebuild-t1 2>"$tmp/err"
is "$?" 0 "hutch restart --rebuild: exit 0 once the new sandbox runs"
ok "the service now sees B" wait_for 5 sh -c "[ \"\$(cat '$tmp/run/seen')\" = B ]"
is "$(service_root)" B "its root, seen from the host, is B"
is "$(launcher_of rebuild-t1)" "$launcher" "the same launcher in the state directory"
ok "which still runs" running "$launcher"
is "$(cat "$tmp/pid")" "$pidfile" "the pid file is unchanged"
new_pid1=$(field rebuild-t1 pid1)
isnt "$new_pid1" "$pid1" "a new PID 1"
is "$(pgrep -P "$launcher")" "$new_pid1" "the launcher's one child is the new PID 1"
isnt "$(readlink "/proc/$new_pid1/ns/pid")" "$pidns" "in a new PID namespace"
is "$(still_there <<<"$old_procs")" "" "none of the old PID namespace's $(grep -c . <<<"$old_procs") processes is left"
is "$(field rebuild-t1 state)" running "status: running"
is "$(field rebuild-t1 starts)" 1 "status: the new sandbox's first start"
is "$(host_mounts)" "" "no mount of either root on the host"
procs=$(cgroup_pids rebuild-t1)
ok "the sandbox's cgroups hold processes" test -n "$procs"
stray=
for p in $procs; do
	[ "$(readlink "/proc/$p/ns/pid")" = "$(readlink "/proc/$new_pid1/ns/pid")" ] || stray="$stray $p"
done
is "$stray" "" "and only the new sandbox's"
is "$(cat "$tmp/err")" "" "nothing on stderr"
is "$(h exec --state-dir "$S" rebuild-t1 -- cat /marker 2>&1)" B \
	"hutch exec enters the new sandbox (its state was written again)"

# --- a rebuild that cannot be: one line, the sandbox runs on ------------------
echo "bogus-key = 1" >>"$conf"
out=$(h restart --state-dir "$S" --rebuild rebuild-t1 2>&1)
is "$?" 1 "a config file with a bad line: hutch restart --rebuild exits 1"
like "$out" "^hutch: rebuild-t1: not rebuilt, it runs on as it was: $conf:7: unknown key 'bogus-key'" \
	"and says why, naming FILE:LINE"
is "$(printf '%s\n' "$out" | wc -l)" 1 "in one line"
is "$(field rebuild-t1 pid1)" "$new_pid1" "the sandbox runs on: the same PID 1"
is "$(field rebuild-t1 state)" running "its service running"
is "$(service_root)" B "on B"
sed -i '$d' "$conf"

ln -sfn "$tmp/nosuchroot" "$tmp/current"
out=$(h restart --state-dir "$S" --rebuild rebuild-t1 2>&1)
is "$?" 1 "the link names a root that is not there: exit 1"
like "$out" "not rebuilt, it runs on as it was: root $tmp/current: No such file or directory" \
	"and says so"
is "$(field rebuild-t1 pid1)" "$new_pid1" "the sandbox runs on"

ln -sfn B "$tmp/current"
sed -i 's/^name = rebuild-t1$/name = rebuild-t9/' "$conf"
out=$(h restart --state-dir "$S" --rebuild rebuild-t1 2>&1)
is "$?" 1 "a changed --name: exit 1"
like "$out" "--name differs from the launcher's: it changes only with a new start" \
	"the launcher's own options change only with a new start"
sed -i 's/^name = rebuild-t9$/name = rebuild-t1/' "$conf"
is "$(field rebuild-t1 pid1)" "$new_pid1" "the sandbox runs on"

# --- again and again: A, then B (each rebuild parses into a spare) --------------
ln -sfn A "$tmp/current"
h restart --state-dir "$S" --rebuild rebuild-t1
is "$?" 0 "a second rebuild, back to A: exit 0"
is "$(service_root)" A "the service sees A"
ln -sfn B "$tmp/current"
sed -i 's/^stop-timeout = 2s$/stop-timeout = 3s/' "$conf"
h restart --state-dir "$S" --rebuild rebuild-t1
is "$?" 0 "a third, to B with a changed stop timeout: exit 0"
is "$(service_root)" B "the service sees B"
like "$(cat "$S/rebuild-t1/launcher")" "stop_timeout_ms=3000" \
	"the state directory has the new stop timeout"
is "$(launcher_of rebuild-t1)" "$launcher" "the launcher is still the first"

# --- usage ----------------------------------------------------------------------
out=$(h restart --state-dir "$S" --rebuild 2>&1)
is "$?" 125 "hutch restart --rebuild without a name: 125"
like "$out" "usage: hutch restart \[--state-dir DIR\] \[--rebuild\] NAME" "with the usage"
out=$(h stop --state-dir "$S" --rebuild rebuild-t1 2>&1)
is "$?" 125 "--rebuild is restart's only: hutch stop --rebuild is 125"
ok "and stopped nothing" running "$launcher"

# --- stop: everything goes, as after a start -------------------------------------
h stop --state-dir "$S" rebuild-t1
is "$?" 0 "hutch stop after the rebuilds: exit 0"
ok "the launcher is gone" wait_for 5 sh -c "! kill -0 $launcher"
ok "the pid file is removed" test ! -e "$tmp/pid"
ok "the state directory is removed" test ! -e "$S/rebuild-t1"
is "$(cgroup_pids rebuild-t1)" "" "no cgroup of the sandbox holds a process"
is "$(ls -d /sys/fs/cgroup/*/hutch/rebuild-t1 /sys/fs/cgroup/hutch/rebuild-t1 2>/dev/null)" "" \
	"and none is left"
is "$(host_mounts)" "" "no mount on the host"

# --- --output: the new sandbox's service writes to the same file ---------------
ln -sfn A "$tmp/current"
h --daemon --state-dir "$S" --name rebuild-t2 --root "$tmp/current" --output "$tmp/t2.log" \
	-- /bin/sh -c 'cat /marker; exec sleep 1000' </dev/null 2>"$tmp/err"
is "$?" 0 "a sandbox with --output starts on A"
ln -sfn B "$tmp/current"
h restart --state-dir "$S" --rebuild rebuild-t2
is "$?" 0 "rebuilt on B (argv alone, no config file)"
ok "its output file has both runs' lines" wait_for 5 sh -c \
	"[ \"\$(cat '$tmp/t2.log')\" = \"\$(printf 'A\nB')\" ]"
h stop --state-dir "$S" rebuild-t2
is "$?" 0 "and it stops"

# --- a stop during a rebuild wins ---------------------------------------------
# The service ignores SIGTERM: the rebuild's stop takes the stop timeout.
names="$names rebuild-t3"
h --daemon --state-dir "$S" --name rebuild-t3 --root "$tmp/current" --stop-timeout 3s \
	-- /bin/sh -c 'trap "" TERM; while :; do sleep 1; done' </dev/null 2>"$tmp/err"
is "$?" 0 "a sandbox whose service ignores SIGTERM starts"
launcher=$(launcher_of rebuild-t3)
h restart --state-dir "$S" --rebuild rebuild-t3 >"$tmp/t3.out" 2>&1 &
rebuild_pid=$!
ok "the rebuild has begun (PID 1 is stopping the service)" wait_for 5 sh -c \
	"'$HUTCH' status --state-dir '$S' rebuild-t3 | grep -qx 'state: stopping'"
h stop --state-dir "$S" rebuild-t3
is "$?" 0 "hutch stop meanwhile: exit 0"
wait "$rebuild_pid"
is "$?" 1 "the rebuild exits 1"
like "$(cat "$tmp/t3.out")" "rebuild-t3: not rebuilt, a stop came first" "and says a stop came first"
ok "the launcher is gone" wait_for 5 sh -c "! kill -0 $launcher"
is "$(ls -d /sys/fs/cgroup/*/hutch/rebuild-t3 /sys/fs/cgroup/hutch/rebuild-t3 2>/dev/null)" "" \
	"no cgroup is left"
done_testing
