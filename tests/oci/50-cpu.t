#!/bin/bash
# SPDX-License-Identifier: MIT
# 50-cpu.t: linux.resources.cpu (shares, quota, period, cpus, mems),
# memory.swap and reservation under runc, the oracle, and under hutch oci: the same
# bundle, with cgroupsPath /oci-t50/ID, and the values the container's
# groups hold read from outside (v1's files, or v2's where the
# controller is on cgroup v2), compared. Then the refusals: what runc
# refuses too (a swap below the limit), and hutch's own (a period
# without a quota, realtime runtime), each named, nothing left.
#
# Needs root, runc, perl's JSON::PP.

source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/helpers/bundle.sh"

oci_cleanup_more() {
	rmdir /sys/fs/cgroup/*/oci-t50 /sys/fs/cgroup/oci-t50 2>/dev/null
}
oci_setup 50 cpu cpu2 bad

# groups ID: the values of the container's cpu, cpuset and memory files,
# whichever hierarchy holds them ("ID" for the id)
groups() {
	local f d
	for f in cpu.shares cpu.cfs_quota_us cpu.cfs_period_us cpu.weight cpu.max \
		cpuset.cpus cpuset.mems memory.limit_in_bytes memory.memsw.limit_in_bytes \
		memory.soft_limit_in_bytes memory.max memory.swap.max memory.low; do
		for d in /sys/fs/cgroup/*/oci-t50/"$1" /sys/fs/cgroup/oci-t50/"$1"; do
			[ -e "$d/$f" ] && echo "${d#/sys/fs/cgroup/}/$f=$(cat "$d/$f")"
		done
	done | sed "s/$1/ID/"
}

last_cpu=$(($(nproc) - 1))
# created, not started: the groups and their values are there
check() { # NAME PERL [RE]: the bundle under both, then their groups
	# compared (lines matching RE left out)
	local r
	for r in runc hutch; do
		CG_ID=oci50-$r-$1 bundle "$1-$r" '$c->{linux}{cgroupsPath} = "/oci-t50/$ENV{CG_ID}";
			$c->{process}{args} = ["sleep", "1000"];'"$2" || bail_out "cannot make the bundle"
		runtime $r create --bundle "$tmp/$1-$r" "oci50-$r-$1" </dev/null >/dev/null \
			2>"$tmp/$r.$1.err"
		is "$?" 0 "$r: create with $1's resources" || diag "$(cat "$tmp/$r.$1.err")"
		groups "oci50-$r-$1" >"$tmp/$r.$1.groups"
	done
	is "$(grep -v "${3:-^$}" "$tmp/hutch.$1.groups")" "$(grep -v "${3:-^$}" "$tmp/runc.$1.groups")" \
		"$1: the groups hold runc's values"
	diag "runc: $(tr '\n' ' ' <"$tmp/runc.$1.groups")"
	for r in runc hutch; do runtime $r delete --force "oci50-$r-$1"; done
}
check cpu '$c->{linux}{resources}{cpu} = { shares => 1000, quota => 33333, period => 50000,
		cpus => "'"$last_cpu"'", mems => "0" };
	$c->{linux}{resources}{memory} = { limit => 67108864, swap => 100663296,
		reservation => 33554432 };'
like "$(cat "$tmp/hutch.cpu.groups")" "soft_limit_in_bytes=33554432|memory.low=33554432" \
	"  (memory.reservation written)"
like "$(cat "$tmp/hutch.cpu.groups")" "shares=1000|weight=39" "  (shares 1000: not rounded)"
# no cpus or mems: runc joins a cpuset group all the same, hutch none
# (it makes the groups of what is limited)
check cpu2 '$c->{linux}{resources}{cpu} = { shares => 2, quota => -1 };
	$c->{linux}{resources}{memory} = { limit => 67108864, swap => -1 };' cpuset

# refusals: hutch names the field, nothing left
oci_refused "a swap below the memory limit" \
	'$c->{linux}{resources}{memory} = { limit => 67108864, swap => 33554432 }' \
	"linux.resources.memory.swap: memory and swap together" runc
oci_refused "a period without a quota" '$c->{linux}{resources}{cpu} = { period => 50000 }' \
	"linux.resources.cpu.period"
oci_refused "a realtime runtime" '$c->{linux}{resources}{cpu} = { realtimeRuntime => 1000 }' \
	"linux.resources.cpu.realtimeRuntime"
oci_refused "shares 1" '$c->{linux}{resources}{cpu} = { shares => 1 }' \
	"linux.resources.cpu.shares"

done_testing
