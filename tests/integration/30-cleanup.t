#!/bin/bash
# SPDX-License-Identifier: MIT
# 30-cleanup.t: whatever way a sandbox ends - the service exits (0 or
# not), SIGTERM or SIGKILL to the launcher, SIGKILL to PID 1, or hutch fails
# during setup - nothing of it survives: no process of the sandbox, no
# hutch, and no mount on the host (not even while it runs). And no file
# descriptor of hutch's leaks into the service.
#
# Needs root. HUTCH and ROOTFS come from `make check-integration`.

source "$(dirname "$0")/../lib/tap.sh"
# shellcheck source=tests/lib/sandbox.sh
source "$(dirname "$0")/../lib/sandbox.sh"

require_root
require_cmd timeout pgrep mkfifo mktemp stat realpath mount umount
require_hutch

tmp=$(mktemp -d) || bail_out "cannot create a temporary directory"
launchers=()
shared_mount=
busy_pid= ours=
cleanup() {
	[ -z "$busy_pid" ] || kill "$busy_pid" 2>/dev/null
	[ -z "$ours" ] || { wait "$busy_pid" 2>/dev/null; rmdir "$ours"; }
	for p in "${launchers[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	[ -z "$shared_mount" ] || umount -R "$shared_mount" 2>/dev/null
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

# One more descriptor than 0, 1 and 2 for every hutch run to inherit.
echo fd-marker >"$tmp/fd-marker"
exec 7<"$tmp/fd-marker"

mkdir "$tmp/ctl" && mkfifo "$tmp/ctl/go" || bail_out "cannot create the control fifo"
mounts_start=$(host_mounts)
[ -n "$mounts_start" ] || bail_out "cannot read the host's mount table"
mounts_before=$mounts_start

# run_hutch ARGS...: one bounded run; sets rc and out (stderr in $tmp/err).
run_hutch() {
	timeout 20 "$HUTCH" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
}

# The service: two children (one in a session of its own, out of the
# service's process group), READY, then it waits for an exit code on the
# fifo the host writes to.
service_script='
	setsid sleep 1000 &
	sleep 1000 &
	echo READY
	read code </run/go
	exit "$code"'

# start_sandbox [ROOT]: hutch in the background with the service above,
# in ROOT (default $ROOTFS). Sets bg (the timeout process), launcher, pid1,
# svc (host pids), pidns (the sandbox's PID namespace) and procs
# ("PID:STARTTIME" of every process in it, and of the launcher).
start_sandbox() {
	launcher='' pid1='' svc='' pidns='' procs=''
	: >"$tmp/bg.out"
	timeout 30 "$HUTCH" --restart no -r "${1:-$ROOTFS}" --bind "$tmp/ctl:/run" \
		-- /bin/sh -c "$service_script" </dev/null >"$tmp/bg.out" 2>"$tmp/bg.err" &
	bg=$!
	wait_for 10 grep -q READY "$tmp/bg.out" || return 1
	launcher=$(pgrep -P "$bg" -x hutch) && launchers+=("$launcher") &&
		pid1=$(pgrep -P "$launcher" -x hutch) &&
		svc=$(pgrep -P "$pid1") || return 1
	pidns=$(stat -L -c %i "/proc/$svc/ns/pid") || return 1
	# Every process whose PID namespace is the sandbox's, and the launcher.
	procs=$(stat -L -c '%i %n' /proc/[0-9]*/ns/pid 2>/dev/null |
		awk -v ns="$pidns" '$1 == ns { split($2, p, "/"); print p[3] }')
	procs=$(for p in $procs $launcher; do
		echo "$p:$(starttime "$p")"
	done)
}

# starttime PID: field 22 of /proc/PID/stat (after the "(comm)"), which
# tells a process from a later one that reuses its pid.
starttime() {
	sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $20 }'
}

# survivors: the recorded processes that still run (zombies count as gone).
survivors() {
	local entry p state
	for entry in $procs; do
		p=${entry%%:*}
		state=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $1 }')
		[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ] &&
			[ "$(starttime "$p")" = "${entry#*:}" ] && echo "$p"
	done
}

all_gone() {
	[ -z "$(survivors)" ]
}

# release CODE: let the service exit with CODE.
release() {
	timeout 5 sh -c 'echo "$1" >"$2"' sh "$1" "$tmp/ctl/go"
}

# check_running WHAT: assertions on a sandbox that has just started.
check_running() {
	ok "$1: the sandbox starts" test -n "$svc"
	is "$(wc -w <<<"$procs")" 5 \
		"$1: the launcher, PID 1, the service and its two children are seen from the host"
	is "$(host_mounts)" "$mounts_before" "$1: no mount of the sandbox shows on the host while it runs"
}

# check_gone WHAT: assertions once the sandbox should be over.
check_gone() {
	ok "$1: no process of the sandbox is left (nor the launcher)" wait_for 5 all_gone ||
		diag "survivors: $(survivors | tr '\n' ' ')"
	ok "$1: the service ($svc) is gone" wait_for 5 eval '! grep -qs "^[0-9]* (sh) [^Z]" /proc/'"$svc"'/stat'
	ok "$1: no hutch process of this run is left" \
		wait_for 5 eval '! pgrep -x hutch | grep -Eqx "'"${launcher:-x}|${pid1:-x}"'"'
	is "$(host_mounts)" "$mounts_before" "$1: the host's mount table is as before"
}

# --- the service exits by itself ------------------------------------------------

start_sandbox
check_running "exit 0"
release 0
{ wait "$bg"; } 2>/dev/null
is "$?" 0 "exit 0: hutch exits 0"
check_gone "exit 0"

start_sandbox
check_running "exit 3, --restart no"
release 3
{ wait "$bg"; } 2>/dev/null
is "$?" 3 "exit 3, --restart no: hutch exits 3"
check_gone "exit 3, --restart no"
is "$(grep -c 'service exited' "$tmp/bg.err")" 1 "exit 3, --restart no: the service ran once"

# --- signals to the launcher and PID 1 -----------------------------------------

start_sandbox
check_running "SIGTERM to the launcher"
kill -TERM "$launcher"
{ wait "$bg"; } 2>/dev/null
rc=$?
ok "SIGTERM to the launcher: hutch exits (status $rc, not killed by timeout)" test "$rc" -ne 124
check_gone "SIGTERM to the launcher"

start_sandbox
check_running "SIGKILL to the launcher"
kill -KILL "$launcher"
{ wait "$bg"; } 2>/dev/null
is "$?" 137 "SIGKILL to the launcher: the launcher dies of it"
check_gone "SIGKILL to the launcher"

start_sandbox
check_running "SIGKILL to PID 1"
kill -KILL "$pid1"
{ wait "$bg"; } 2>/dev/null
rc=$?
ok "SIGKILL to PID 1: the launcher exits (status $rc, not killed by timeout)" test "$rc" -ne 124
check_gone "SIGKILL to PID 1"

# --- a root on a shared mount ------------------------------------------------------
# Where the host's mounts are shared (systemd makes / shared), what is
# mounted in a new mount namespace propagates back to the host unless hutch
# first makes its copy private. This machine's / may well be private: make
# a shared mount of our own and put a root image in it.

shared=$tmp/shared
mkdir "$shared" && mount --bind "$shared" "$shared" && shared_mount=$shared &&
	mount --make-shared "$shared" && cp -a "$ROOTFS" "$shared/root" ||
	bail_out "cannot make a shared mount holding a root image at $shared"
mounts_before=$(host_mounts)
start_sandbox "$shared/root"
check_running "a root on a shared mount"
release 0
{ wait "$bg"; } 2>/dev/null
is "$?" 0 "a root on a shared mount: hutch exits 0"
check_gone "a root on a shared mount"
# -R: a hutch that let mounts propagate left some under it.
if umount -R "$shared"; then shared_mount=''; else diag "cannot unmount $shared"; fi
mounts_before=$mounts_start

# --- setup failures --------------------------------------------------------------

root=$tmp/root
cp -a "$ROOTFS" "$root" && ln -s "$tmp/ctl" "$root/link" || bail_out "cannot copy $ROOTFS"
root_before=$(cd "$root" && find . | sort)

# The cgroup hierarchy that holds the device allow-list (the last group
# hutch makes by default; v1's pids one comes before it), and the parent
# hutch makes its groups in.
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	cg_devices=/sys/fs/cgroup/hutch
else
	cg_devices=/sys/fs/cgroup/devices/hutch
fi
state=$tmp/state

# left_by NAME: what a run named NAME left: its state directory, its pid
# file, a cgroup of that name in any hierarchy.
left_by() {
	[ ! -e "$state/$1" ] || echo "the state directory $state/$1"
	[ ! -e "$tmp/$1.pid" ] || echo "the pid file $tmp/$1.pid"
	find /sys/fs/cgroup -maxdepth 4 -type d -name "$1" 2>/dev/null | grep -vxF "${ours:-/}"
}

# setup_fails WHAT ARGS...: hutch ARGS must fail with 125 and leave nothing:
# no process, no mount, no state directory, pid file or cgroup.
n=0
setup_fails() {
	local what=$1 name
	shift
	n=$((n + 1))
	name=c30-$$-$n
	run_hutch --restart no --name "$name" --state-dir "$state" --pidfile "$tmp/$name.pid" \
		"$@" -- /bin/sh -c 'echo ran'
	is "$rc:$out" "125:" "$what: exit 125, the service never ran"
	ok "$what: no hutch process of the run is left" \
		wait_for 5 eval '! pgrep -f -- "--name '"$name"' " >/dev/null'
	is "$(host_mounts)" "$mounts_before" "$what: the host's mount table is as before"
	is "$(left_by "$name")" "" "$what: no state directory, pid file or cgroup is left"
}

setup_fails "bad --root" -r "$tmp/no-such-root"
setup_fails "a --root that is a file" -r "$tmp/fd-marker"
setup_fails "a missing bind source" -r "$root" --bind "$tmp/no-such-dir:/mnt"
setup_fails "a symlinked mount point" -r "$root" --bind "$tmp/ctl:/link/x"
ok "a symlinked mount point: nothing created where the symlink points" test ! -e "$tmp/ctl/x"
setup_fails "a missing --workdir (fails after all mounts)" -r "$root" --tmpfs /scratch:1M \
	--bind "$tmp/ctl:/run" --workdir /no/such/dir
setup_fails "a missing mount point without --root" --bind "$tmp/ctl:$tmp/no-such-mount-point"
is "$(cd "$root" && find . | grep -v '^\./scratch$' | sort)" "$root_before" \
	"the copied root image holds nothing new but the --tmpfs mount point"

# A failure late in the launcher's set-up, after it made the state
# directory, the pid file and (cgroup v1) the pids group, each with its
# undo step: a group of the next run's name that holds a process (a
# sandbox of that name running) in the devices hierarchy.
busy=c30-$$-$((n + 1))
ours=$cg_devices/$busy
mkdir -p "$ours" && { sleep 1000 & busy_pid=$!; } && echo "$busy_pid" >"$ours/cgroup.procs" ||
	bail_out "cannot put a process into a cgroup $ours"
setup_fails "a running cgroup of the same name (fails after three undo steps)" -r "$root"
like "$(cat "$tmp/err")" "cgroup .*/$busy holds processes" \
	"a running cgroup of the same name: refused for it, in the cgroup step"
kill "$busy_pid" && wait "$busy_pid" 2>/dev/null
busy_pid=
rmdir "$ours"
ours=

# --- file descriptors ---------------------------------------------------------------

# No pipe, no redirection and no command substitution around ls: each
# would give the shell a descriptor of its own while ls looks. And not ls
# alone: a shell may exec a lone command instead of forking it.
run_hutch --restart no -r "$ROOTFS" -- /bin/sh -c 'ls /proc/$$/fd; echo --; ls /proc/1/fd; :' 9>/dev/null
is "$(sed '/^--$/,$d' <<<"$out" | tr '\n' ' ')" "0 1 2 " \
	"with --root the service's shell has only fds 0, 1 and 2"
# PID 1 keeps two more: its status file (/run/hutch/NAME/status, for hutch
# status) and the signalfd of its loop, close-on-exec, so the service
# never has them.
is "$(sed '1,/^--$/d' <<<"$out" | grep -vxE '0|1|2' | wc -l)" 2 "with --root PID 1 has only fds 0, 1, 2 and two more, its status file and signalfd"
run_hutch --restart no -- /bin/sh -c 'ls /proc/$$/fd; :' 9>/dev/null
is "$(tr '\n' ' ' <<<"$out")" "0 1 2 " "without --root the service's shell has only fds 0, 1 and 2"

start_sandbox
ok "a sandbox for the fd check starts" test -n "$svc"
extra=$(ls "/proc/$pid1/fd" 2>/dev/null | grep -vxE '0|1|2')
is "$(printf '%s\n' "$extra" | grep -c .)" 2 \
	"seen from the host, PID 1 holds only fds 0, 1, 2 and two more while it supervises"
like "$(for f in $extra; do readlink "/proc/$pid1/fd/$f"; done | sort | tr '\n' ' ')" \
	"^/run/hutch/[^/]+/status anon_inode:\[signalfd\] \$" \
	"which are its status file (a file, not a directory: no way back to the host tree) and its signalfd"
release 0
{ wait "$bg"; } 2>/dev/null
check_gone "after the fd check"

is "$(host_mounts)" "$mounts_start" "at the end the host's mount table is as it was at the start"

done_testing
