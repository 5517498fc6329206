# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# Scenario hutch_test=ociv2 (tests/qemu/80-amd64-oci-v2.t), sourced by
# /init on a kernel booted with cgroup_no_v1=all: hutch oci and, beside
# it as the oracle, the host's runc, with linux.cgroupsPath absent,
# relative and absolute, and a memory and pids limit.
#
# The caller runs in a leaf group, /t80user/shell, as a login shell runs
# in its session scope. cgroup v2 forbids a group that holds processes
# to hand controllers down ("no internal processes"), so for a relative
# path (and none, whose default is the id, relative) runc's fs2 driver
# starts from the PARENT of its own group: /t80user/ID and
# /t80user/t80rel/NAME; an absolute one below the root.
#
# The runtimes run in a chroot into a tmpfs, as bench/oci-guest-run.sh
# does (pivot_root refuses the initramfs as the root).

N=/newroot
v2_root "$N"	# the guest's /init: the root, cgroup2 alone, every controller
t_is "$(grep -c '^[^ ]* [^ ]* cgroup ' /proc/mounts)" 0 "cgroup v2 alone (no v1 hierarchy)"

t_save "$N/tmp/tap.state"
cat >"$N/tmp/run.sh" <<'RUN'
HUTCH_HELPERS_ONLY=1 . /init
t_load /tmp/tap.state
CG=/sys/fs/cgroup
# the caller's leaf group, as a session scope
mkdir -p $CG/t80user/shell
echo $$ >$CG/t80user/shell/cgroup.procs
t_is "$(cat /proc/self/cgroup)" "0::/t80user/shell" "the caller runs in /t80user/shell"

# life KEY CMD... VARIANT WANT: create, state, start, state, the group of
# the container's process and its limits, delete, the group gone
life() {
	key=$1 variant=$2 want=$3
	shift 3
	id=t80-$variant
	# the container's process keeps create's stdio: files, not a pipe
	"$@" create --bundle "/oci/b-$variant" "$id" </dev/null >/dev/null 2>/tmp/create.err
	t_is "$?" 0 "$key, cgroupsPath $variant: create" || t_show /tmp/create.err 5
	t_like "$("$@" state "$id" 2>&1)" '"status": *"created"' "$key, $variant: state created"
	"$@" start "$id" </dev/null >/dev/null 2>&1
	st=$("$@" state "$id" 2>&1)
	t_like "$st" '"status": *"running"' "$key, $variant: state running after start"
	pid=$(printf '%s\n' "$st" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
	t_is "$(sed -n 's/^0:://p' "/proc/${pid:-0}/cgroup" 2>&1)" "$want" \
		"$key, $variant: the container's group is $want"
	t_is "$(cat "$CG$want/memory.max" 2>&1)" 33554432 "$key, $variant: memory.max written"
	t_is "$(cat "$CG$want/pids.max" 2>&1)" 30 "$key, $variant: pids.max written"
	out=$("$@" delete --force "$id" 2>&1)
	t_is "$?" 0 "$key, $variant: delete --force" || t_diag "$out"
	t_ok "$key, $variant: the group removed" test ! -d "$CG$want"
}
for rt in hutch runc; do
	if [ $rt = hutch ]; then set -- /bin/hutch oci --root /run/hutch-oci
	else set -- /usr/sbin/runc --root /run/runc; fi
	life $rt none /t80user/t80-none "$@"
	life $rt rel /t80user/t80rel/t80-rel "$@"
	life $rt abs /t80abs/t80-abs "$@"
done
t_is "$(find $CG -name 't80-*' | head -n 3)" "" "no container's group left"
t_save /tmp/tap.state
RUN
chroot "$N" /bin/sh /tmp/run.sh
t_rc=$?
t_load "$N/tmp/tap.state"
t_is "$t_rc" 0 "the runs in the chroot ended"
