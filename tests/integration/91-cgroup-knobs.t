#!/bin/bash
# SPDX-License-Identifier: MIT
# 91-cgroup-knobs.t: CPU placement, block I/O and the memory high mark on
# this machine's cgroup v1 (issue 15, items 6 and 7), for real: --cpuset
# read back from cpuset.cpus and from the service's own Cpus_allowed_list,
# --io-weight and --io-max from blkio.* of the group on a loop device made
# here, --memory-high from memory.soft_limit_in_bytes; a value the kernel
# refuses fails the start (125) and leaves no group behind. cgroup v2:
# tests/qemu/guest/cgroupv2.sh.
. "$(dirname "$0")/../lib/tap.sh"
require_feature limits
require_root
require_cmd timeout pgrep losetup=util-linux truncate
[ -n "${HUTCH:-}" ] && [ -n "${ROOTFS:-}" ] || bail_out "HUTCH and ROOTFS must be set"
CG=/sys/fs/cgroup
[ -f $CG/cpuset/cpuset.cpus ] && [ -f $CG/blkio/blkio.throttle.read_bps_device ] &&
	[ -f $CG/memory/memory.soft_limit_in_bytes ] ||
	bail_out "this test needs cgroup v1 cpuset, blkio (with throttling) and memory hierarchies"

tmp=$(mktemp -d)
pids=()
loop=
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -z "$loop" ] || losetup -d "$loop"
	rmdir "$CG"/*/knobs-p-$$/inner "$CG"/*/knobs-p-$$ 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
name=knobs-t$$

# start NAME ARGS...: hutch in the background under a timeout guard; the
# launcher's pid in $launcher, the service's (PID 2) in $svc.
start() {
	local n=$1 guard
	shift
	timeout 60 "$HUTCH" --name "$n" --root "$ROOTFS" --restart no -v "$@" \
		-- /bin/sleep 30 2>"$tmp/$n.log" &
	guard=$!
	pids+=("$guard")
	wait_for 10 pgrep -P "$guard" >/dev/null || bail_out "hutch did not start: $(grep -v " = " "$tmp/$n.log" | tr "\n" " ")"
	launcher=$(pgrep -P "$guard")
	pids+=("$launcher")
	wait_for 10 service_of "$launcher" || bail_out "no service: $(cat "$tmp/$n.log")"
	svc=$(service_of "$launcher")
}
service_of() {
	local p1
	p1=$(pgrep -P "$1") && pgrep -P "$p1"
}
stop() {
	kill -TERM "$launcher"
	wait "${pids[-2]}"
}
# gone H NAME: the group NAME is not in hierarchy H.
gone() {
	[ ! -e "$CG/$1/hutch/$2" ]
}

# --- --cpuset 0: the group's CPUs, and the service's own affinity ------------
start "$name" --cpuset 0
is "$(cat $CG/cpuset/hutch/$name/cpuset.cpus)" 0 "--cpuset 0: the group's cpuset.cpus is 0"
is "$(cat $CG/cpuset/hutch/$name/cpuset.mems)" "$(cat $CG/cpuset/hutch/cpuset.mems)" \
	"cpuset.mems is the parent's (v1 takes no task without memory nodes)"
is "$(awk '$1 == "Cpus_allowed_list:" {print $2}' /proc/$svc/status)" 0 \
	"the service's Cpus_allowed_list is 0"
like "$(cat /proc/$svc/cgroup)" ":cpuset:/hutch/$name\$" "the service is in the cpuset group"
stop
like "$(cat "$tmp/$name.log")" "cgroup v1 cpuset.cpus = 0" "-v reports cpuset.cpus read back"
ok "the cpuset group is removed" gone cpuset "$name"

# A fresh parent path: each new v1 level gets its parent's CPUs and nodes,
# or nothing below it could take a task.
timeout 20 "$HUTCH" --name "$name-deep" --root "$ROOTFS" --cgroup-parent "knobs-p-$$/inner" \
	--cpuset 0 -- /bin/sh -c 'grep Cpus_allowed_list /proc/self/status' >"$tmp/deep" 2>"$tmp/deep.err"
is "$?:$(awk '{print $2}' "$tmp/deep")" "0:0" "--cgroup-parent of new levels: the service runs on CPU 0" ||
	diag "$(cat "$tmp/deep.err")"
is "$(cat $CG/cpuset/knobs-p-$$/inner/cpuset.cpus)" "$(cat $CG/cpuset/cpuset.cpus)" \
	"the new intermediate level got the root's cpuset.cpus"

# --- a write the kernel refuses: exit 125 before the service, nothing left ---
if [ "$(nproc)" -ge 2 ]; then
	# a child's CPUs are a subset of its parent's: narrow inner first
	echo 1 >"$CG/cpuset/knobs-p-$$/inner/cpuset.cpus"
	echo 1 >"$CG/cpuset/knobs-p-$$/cpuset.cpus"
	timeout 20 "$HUTCH" --name "$name-no" --root "$ROOTFS" --cgroup-parent "knobs-p-$$/inner" \
		--cpuset 0 -- /bin/sh -c 'echo ran' >"$tmp/no.out" 2>"$tmp/no.err"
	is "$?:$(wc -l <"$tmp/no.err"):$(cat "$tmp/no.out")" "125:1:" \
		"--cpuset 0 under a parent of CPU 1 only: exit 125, one line, the service never ran"
	like "$(cat "$tmp/no.err")" "cpuset.cpus: .*within the parent group's cpuset.cpus" \
		"the line names cpuset.cpus and the fix"
	ok "no group is left behind" test ! -e "$CG/cpuset/knobs-p-$$/inner/$name-no" \
		-a ! -e "$CG/pids/knobs-p-$$/inner/$name-no"
else
	ok "# SKIP a refused cpuset needs two CPUs" true
fi
rmdir "$CG"/*/knobs-p-$$/inner "$CG"/*/knobs-p-$$ 2>/dev/null

# --- --io-weight and --io-max on a loop device --------------------------------
truncate -s 16M "$tmp/disk"
loop=$(losetup -f --show "$tmp/disk") || bail_out "losetup failed"
dev=$(cat /sys/block/"${loop#/dev/}"/dev)
# --io-weight needs a proportional I/O scheduler in the kernel (BFQ with
# CONFIG_BFQ_GROUP_IOSCHED: blkio.bfq.weight; CFQ before 5.0:
# blkio.weight); the throttle needs neither. A kernel without one (6.18
# builds seen here offer only none, mq-deadline and kyber) gets the
# refusal tested instead of the weight.
if [ -e $CG/blkio/blkio.bfq.weight ] || [ -e $CG/blkio/blkio.weight ]; then
	weight=(--io-weight 300)
else
	weight=()
	timeout 20 "$HUTCH" --name "$name-w" --root "$ROOTFS" --io-weight 300 -- /bin/true \
		>"$tmp/w.out" 2>"$tmp/w.err"
	is "$?:$(wc -l <"$tmp/w.err")" "125:1" \
		"--io-weight on a kernel without a proportional I/O scheduler: exit 125, one line"
	like "$(cat "$tmp/w.err")" "CONFIG_BFQ_GROUP_IOSCHED" "the line names the kernel option"
	ok "no group is left behind" gone blkio "$name-w"
fi
start "$name-io" --io-max "$loop:rbps=1M,wbps=2M,riops=100,wiops=200" "${weight[@]}"
G=$CG/blkio/hutch/$name-io
is "$(cat $G/blkio.throttle.read_bps_device)" "$dev 1048576" "rbps=1M: blkio.throttle.read_bps_device"
is "$(cat $G/blkio.throttle.write_bps_device)" "$dev 2097152" "wbps=2M: blkio.throttle.write_bps_device"
is "$(cat $G/blkio.throttle.read_iops_device)" "$dev 100" "riops=100: blkio.throttle.read_iops_device"
is "$(cat $G/blkio.throttle.write_iops_device)" "$dev 200" "wiops=200: blkio.throttle.write_iops_device"
if [ -e $G/blkio.bfq.weight ]; then
	is "$(cat $G/blkio.bfq.weight)" 300 "--io-weight 300: blkio.bfq.weight (BFQ's scale is io.weight's)"
elif [ -e $G/blkio.weight ]; then
	is "$(cat $G/blkio.weight)" 1000 "--io-weight 300: blkio.weight 1000 (CFQ, x5 clamped)"
fi
like "$(cat /proc/$svc/cgroup)" ":blkio:/hutch/$name-io\$" "the service is in the blkio group"
stop
ok "the blkio group is removed" gone blkio "$name-io"

# The throttle acts: 2 MiB read with O_DIRECT at rbps=1M takes over a second.
start=$(date +%s%N)
timeout 30 "$HUTCH" --name "$name-dd" --root "$ROOTFS" --device "$loop" \
	--io-max "$loop:rbps=1M" -- /bin/dd if="/dev/${loop#/dev/}" of=/dev/null bs=64k \
	count=32 iflag=direct >"$tmp/dd" 2>&1
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
is "$rc" 0 "dd of 2 MiB from the loop device under rbps=1M runs" || diag "$(cat "$tmp/dd")"
ok "and takes over a second (${ms} ms)" test "$ms" -ge 1000

# BFQ weighs 1..1000: a larger weight is refused at start, naming the range.
if [ -e $CG/blkio/blkio.bfq.io_serviced ] && [ ! -e $CG/blkio/blkio.weight ]; then
	timeout 20 "$HUTCH" --name "$name-w" --root "$ROOTFS" --io-weight 5000 -- /bin/true \
		>"$tmp/w.out" 2>"$tmp/w.err"
	is "$?:$(wc -l <"$tmp/w.err")" "125:1" "--io-weight 5000 with BFQ (v1): exit 125, one line"
	like "$(cat "$tmp/w.err")" "io-weight 5000: .*1\.\.1000" "the line gives BFQ's range"
	ok "no group is left behind" gone blkio "$name-w"
fi

# --- --memory-high: v1's soft limit --------------------------------------------
start "$name-mem" --memory-high 48M --memory 64M
is "$(cat $CG/memory/hutch/$name-mem/memory.soft_limit_in_bytes)" $((48 << 20)) \
	"--memory-high 48M: memory.soft_limit_in_bytes"
is "$(cat $CG/memory/hutch/$name-mem/memory.limit_in_bytes)" $((64 << 20)) "--memory 64M beside it"
stop
ok "the memory group is removed" gone memory "$name-mem"

# --- --pressure-restart: PSI per group is cgroup v2's; refused here -----------
timeout 20 "$HUTCH" --name "$name-psi" --root "$ROOTFS" --pressure-restart some:150ms/1s \
	-- /bin/sh -c 'echo ran' >"$tmp/psi.out" 2>"$tmp/psi.err"
is "$?:$(wc -l <"$tmp/psi.err"):$(cat "$tmp/psi.out")" "125:1:" \
	"--pressure-restart on cgroup v1: exit 125, one line, the service never ran"
like "$(cat "$tmp/psi.err")" "cannot set --pressure-restart: PSI per group needs cgroup v2" \
	"the line says it needs cgroup v2"
ok "no group is left behind" gone memory "$name-psi"
timeout 20 "$HUTCH" --name "$name-psiw" --root "$ROOTFS" --pressure-restart some:150ms/1s \
	--cgroup-missing warn --restart no -- /bin/sh -c 'echo ran' >"$tmp/psi.out" 2>"$tmp/psi.err"
is "$?:$(cat "$tmp/psi.out")" "0:ran" "with --cgroup-missing warn the service runs without it"
like "$(cat "$tmp/psi.err")" "running without --pressure-restart" "and the log says so"

done_testing
