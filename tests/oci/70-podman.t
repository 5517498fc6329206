#!/bin/bash
# SPDX-License-Identifier: MIT
# 70-podman.t: Debian's Podman 4.3 (with conmon) drives hutch as its OCI
# runtime, and each case runs a second time with Podman's default
# runtime, Debian's runc, the oracle: exit codes, output, and the cgroup
# values seen from outside must be the same. The image is imported
# offline from the test rootfs; Podman's storage (vfs), run root and
# cgroup parent are this test's own and removed at the end.
#
# What the command lines carry besides the case (docs/oci.md, "Podman"),
# the same for both runtimes:
#   --ulimit nofile=1024:1024 --ulimit nproc=1024:1024
#       Podman asks for 1048576 of each; without CAP_SYS_RESOURCE (this
#       machine's root) runc refuses that too
#   --security-opt seccomp=unconfined
#       the cases compare other things; the default profile has its own
#       case at the end
#   --network none
#       offline (Podman's default sysctl, net.ipv4.ping_group_range, is
#       written in the container's own network namespace, as runc does)
#
# Needs root, podman, conmon, runc, script (util-linux), musl-gcc (x86_64).

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/lib.sh"

oci_require podman=podman conmon=conmon runc=runc script=util-linux timeout mktemp tar

tmp=$(mktemp -d /tmp/oci-t70.XXXXXX) || bail_out "cannot create a temporary directory"
cgparent=hutch-t70-$$
mkdir -p "$tmp/bin" && ln -s "$HUTCH" "$tmp/bin/runc" || bail_out "cannot link hutch as runc"
# Podman 4.3 keeps its blob cache in /var/lib/containers/cache whatever
# --root says: removed at the end when this test made it
[ -e /var/lib/containers ] && lib_existed=true || lib_existed=false
printf '[containers]\n' >"$tmp/containers.conf"
export CONTAINERS_CONF=$tmp/containers.conf

pm() {
	timeout 120 podman --root "$tmp/storage" --runroot "$tmp/run" --tmpdir "$tmp/tmp" \
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend none \
		--network-config-dir "$tmp/net" "$@"
}
cleanup() {
	pm rm -a -f -t 0 >/dev/null 2>&1
	# conmon's group and the containers' parent, in each hierarchy
	for d in /sys/fs/cgroup/*/"$cgparent" /sys/fs/cgroup/"$cgparent"; do
		[ -d "$d" ] || continue
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	$lib_existed || rm -rf /var/lib/containers
	umount -R "$tmp/storage" "$tmp/run" 2>/dev/null
	rm -rf --one-file-system -- "$tmp"
}
trap cleanup EXIT

# the test rootfs and, as /bin/s, a static probe that makes any system
# call and prints its return (tests/integration/helpers/syscall32.c)
mkdir -p "$tmp/extra/bin"
if [ "$(uname -m)" = x86_64 ] && command -v musl-gcc >/dev/null; then
	musl-gcc -static -O2 -o "$tmp/extra/bin/s" \
		"$(dirname "$0")/../integration/helpers/syscall32.c" ||
		bail_out "cannot build tests/integration/helpers/syscall32.c"
fi
tar -C "$ROOTFS" -c . -C "$tmp/extra" $(cd "$tmp/extra" && find . -type f) | pm import - hutch-t70-busybox >/dev/null ||
	bail_out "podman import of the test rootfs failed"

opts=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024
	--security-opt seccomp=unconfined --network none
	--cgroup-parent "/$cgparent")
img=hutch-t70-busybox

# rt R: the --runtime of runtime R (runc: Podman's own default)
rt() { if [ "$1" = runc ]; then echo runc; else echo "$tmp/bin/runc"; fi; }

# tty CMD...: CMD with a pty as its terminal (script(1)), for -t
tty() { timeout 120 script -qec "$(printf '%q ' "$@")" /dev/null </dev/null; }

# case_run R: one container's life and each step's outcome, under R
case_life() {
	local r=$1 R
	R=$(rt "$r")
	# run: the output and the exit code passed back
	out=$(pm --runtime "$R" run --rm "${opts[@]}" "$img" sh -c 'echo "pid=$$"; exit 3' 2>&1)
	echo "run=$? $(one_line "$out")"
	# run -t: the console socket's pty
	out=$(tty podman --root "$tmp/storage" --runroot "$tmp/run" --tmpdir "$tmp/tmp" \
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend none \
		--network-config-dir "$tmp/net" --runtime "$R" run --rm -t "${opts[@]}" "$img" sh -c 'tty; [ -t 0 ] && echo in-tty; exit 6' 2>&1)
	echo "run-t=$? $(one_line "$out")"
	pm --runtime "$R" run -d --name "t70-$r" "${opts[@]}" "$img" sleep 1000 >/dev/null
	echo "run-d=$?"
	out=$(pm exec "t70-$r" sh -c 'echo "exec in pid 1: $(cat /proc/1/cmdline | tr "\0" " ")"; exit 4' 2>&1)
	echo "exec=$? $(one_line "$out")"
	out=$(tty podman --root "$tmp/storage" --runroot "$tmp/run" --tmpdir "$tmp/tmp" \
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend none \
		--network-config-dir "$tmp/net" exec -t "t70-$r" sh -c 'tty; exit 5' 2>&1)
	echo "exec-t=$? $(one_line "$out")"
	pm kill -s KILL "t70-$r" >/dev/null
	echo "kill=$? wait=$(pm wait "t70-$r" 2>&1)"
	pm rm "t70-$r" >/dev/null
	echo "rm=$? left=$(pm ps -a -q --filter name="t70-$r" | wc -l)"
	# stop: sh as PID 1 ignores SIGTERM (the kernel drops it), so stop
	# ends with SIGKILL after its timeout under both
	pm --runtime "$R" run -d --name "t70-$r" "${opts[@]}" "$img" sleep 1000 >/dev/null
	pm stop -t 1 "t70-$r" >/dev/null 2>&1
	echo "stop=$? exit=$(pm inspect -f '{{.State.ExitCode}}' "t70-$r")"
	pm rm "t70-$r" >/dev/null
	# a process that handles TERM: stop ends it with its own code
	pm --runtime "$R" run -d --name "t70-$r" "${opts[@]}" "$img" \
		sh -c 'trap "exit 7" TERM; echo trapped; while :; do sleep 1; done' >/dev/null
	# TERM before the trap is set would be dropped (PID 1): wait for it
	for _ in $(seq 300); do
		pm logs "t70-$r" 2>/dev/null | grep -q trapped && break
		sleep 0.1
	done
	pm stop -t 60 "t70-$r" >/dev/null 2>&1
	echo "stop-term=$? exit=$(pm inspect -f '{{.State.ExitCode}}' "t70-$r")"
	pm rm "t70-$r" >/dev/null
}

# limits R KNOBS FLAGS...: a container with the flags, the values of
# KNOBS (hierarchy/file, space-separated) in its groups read from
# outside, what it sees inside; then removed. Only the knobs the flag
# sets: runc makes a group in every hierarchy, hutch only where it sets
# something.
limits() {
	local r=$1 knobs=$2 id g k v
	shift 2
	id=$(pm --runtime "$(rt "$r")" run -d "${opts[@]}" "$@" "$img" sleep 1000 2>&1)
	if [ "${#id}" -ne 64 ]; then
		echo "refused: $(one_line "$id" | sed 's/.*config.json: //')"
		pm rm -a -f -t 0 >/dev/null 2>&1
		return
	fi
	for k in $knobs; do
		g=/sys/fs/cgroup/${k%/*}/$cgparent/libpod-$id/${k#*/}
		v=$(cat "$g" 2>/dev/null || echo none)
		printf '%s=%s ' "${k#*/}" "$v"
	done
	echo "inside=$(pm exec "$id" sh -c 'ulimit -n; echo ok' 2>&1 | tr '\n' ' ')"
	pm rm -f -t 0 "$id" >/dev/null
}

for r in runc hutch; do
	case_life "$r" >"$tmp/$r.life"
done
while IFS= read -r want && IFS= read -r got <&3; do
	same "podman ${want%%=*}: the same as runc" "$want" "$got"
done <"$tmp/runc.life" 3<"$tmp/hutch.life"
diag "runc: $(tr '\n' '|' <"$tmp/runc.life")"

# the resource flags: the same values in the same groups as runc's
check_limits() {
	local desc=$1 knobs=$2 todo=$3
	shift 3
	same "podman run $desc: the cgroup values as runc's" \
		"$(limits runc "$knobs" "$@")" "$(limits hutch "$knobs" "$@")" "$todo"
}
mem="memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes"
check_limits "--pids-limit 50" pids/pids.max "" --pids-limit 50
check_limits "--memory 64m --memory-swap -1" "$mem pids/pids.max" "" --memory 64m --memory-swap -1
check_limits "--memory 64m (Podman adds memory.swap, twice the memory)" "$mem" "" --memory 64m
check_limits "--cpus 0.5" "cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us" "" --cpus 0.5
ok "no container left" test "$(pm ps -a -q | wc -l)" -eq 0

# the defaults this test works around, each shown refused by hutch: they
# turn into plain tests once hutch takes them
todo_default() {
	local desc=$1 reason=$2 want got
	shift 2
	want=$(pm --runtime runc run --rm "$@" "$img" true 2>&1; echo "rc=$?")
	got=$(pm --runtime "$tmp/bin/runc" run --rm "$@" "$img" true 2>&1; echo "rc=$?")
	same "podman run $desc: as runc" "$(one_line "$want")" "$(one_line "$got")" "$reason"
	pm rm -a -f -t 0 >/dev/null 2>&1
}
base=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network none
	--cgroup-parent "/$cgparent")
# Podman's default seccomp profile (defaultAction ERRNO with ENOSYS, 38;
# EPERM for kexec_load, open_by_handle_at; argument rules for personality
# and socket; x86_64, x86 and x32 listed), loaded without no_new_privs
# (Podman's default): what the process sees. x86_64 numbers: kexec_load
# 246, open_by_handle_at 304, personality 135, socket 41 (AF_NETLINK 16,
# NETLINK_AUDIT 9: allowed, as the container has CAP_AUDIT_WRITE), 1000 none;
# i386 getpid (20) through int $0x80; x32's getpid (39 with bit 30),
# which the profile lets by (the kernel may answer ENOSYS, -38).
probe='grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; mkdir /tmp/d && echo mkdir
for c in "246 0 0 0" "304 0 0 0" "135 0x0040000" "135 0xffffffff" "41 16 3 9" "41 16 3 0" "1000"; do
	echo "$c: $(s native $c)"; done; s int80 20 >/dev/null; echo i386=$?; (s x32 39); echo x32=$?'
seccomp_default() {
	pm --runtime "$(rt "$1")" run --rm "${base[@]}" "$img" sh -c "$probe" 2>&1
	echo "rc=$?"
	pm rm -a -f -t 0 >/dev/null 2>&1
}
want=$(seccomp_default runc)
got=$(seccomp_default hutch)
same "podman run with its default seccomp profile: what the process sees, as under runc" \
	"$(one_line "$want")" "$(one_line "$got")"
like "$(one_line "$got")" "NoNewPrivs:.0 Seccomp:.2 mkdir 246 0 0 0: -1 304 0 0 0: -1 135 0x0040000: -38 135 0xffffffff: 0 41 16 3 9: [0-9]+ 41 16 3 0: [0-9]+ 1000: -38 i386=0 (-38|[0-9]+) x32=0 rc=0" \
	"podman run with its default seccomp profile: filtered (EPERM, ENOSYS, personality's argument rules), without no_new_privs"
# its /dev/shm, a bind of its own tmpfs with noexec (in every case above
# too): what the container sees of it, as runc's
for r in runc hutch; do
	pm --runtime "$(rt "$r")" run --rm "${opts[@]}" "$img" sh -c \
		'awk "\$5 == \"/dev/shm\" { print \$6, \$9 }" /proc/self/mountinfo
		printf "#!/bin/sh\necho ran\n" >/dev/shm/x.sh && chmod 755 /dev/shm/x.sh
		/dev/shm/x.sh 2>&1 | sed "s/.*: //"' >"$tmp/$r.shm" 2>&1
	echo "rc=$?" >>"$tmp/$r.shm"
done
same "podman run with its /dev/shm (a noexec bind): as runc ($(one_line "$(cat "$tmp/runc.shm")"))" \
	"$(one_line "$(cat "$tmp/runc.shm")")" "$(one_line "$(cat "$tmp/hutch.shm")")"
# its cgroup mount (in every case above too): the mounts under
# /sys/fs/cgroup, the memory limit read there, read-only, as runc's
for r in runc hutch; do
	pm --runtime "$(rt "$r")" run --rm "${opts[@]}" --memory 64m "$img" sh -c \
		'awk "\$5 ~ \"^/sys/fs/cgroup\" { print \$5, \$6 }" /proc/self/mountinfo | sort
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes
		(echo 1 >/sys/fs/cgroup/pids/pids.max) 2>/dev/null || echo read-only' >"$tmp/$r.cg" 2>&1
	echo "rc=$?" >>"$tmp/$r.cg"
done
same "podman run with its cgroup mount: as runc ($(one_line "$(cat "$tmp/runc.cg")"))" \
	"$(one_line "$(cat "$tmp/runc.cg")")" "$(one_line "$(cat "$tmp/hutch.cg")")"

done_testing
