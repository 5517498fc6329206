// SPDX-License-Identifier: MIT
/* oci_cpu.c - [oci] linux.resources.cpu, in cgroup v1's units as the
 * runtime spec gives them: on v1 shares, quota and period are written
 * as they are (cpu.shares, cpu.cfs_quota_us, cpu.cfs_period_us), on v2
 * converted as runc converts them (cpu.weight from the shares by runc's
 * formula, cpu.max "QUOTA PERIOD"); cpus is hutch's --cpuset (checked
 * against the CPUs online), mems cpuset.mems as given (the kernel
 * judges it). The writes are hutch's own (cgroup_limits.c). */
#include "oci_walk.h"

#include "cgroup.h"
#include "log.h"

void oci_cpu(unsigned t, struct oci_spec *spec)
{
	unsigned v;
	int64_t quota = 0;

	oci_need(t, JSON_OBJECT, "linux.resources.cpu");
	oci_only(t, OCI_SPEC(LinuxCPU, "shares\0quota\0period\0cpus\0mems\0",
			     "burst\0realtimeRuntime\0realtimePeriod\0idle\0"),
		 "linux.resources.cpu");
	v = oci_member(t, "shares", "linux.resources.cpu");
	/* the kernel's range (0: none, as runc reads it) */
	spec->cpu_shares = v ? oci_unum(v, 262144, "linux.resources.cpu.shares") : 0;
	if (spec->cpu_shares == 1)
		die("config.json: linux.resources.cpu.shares: 2 to 262144");
	v = oci_member(t, "quota", "linux.resources.cpu");
	if (v && json_int64(&oci_j, v, -1, INT64_MAX, &quota))
		die("config.json: linux.resources.cpu.quota: microseconds, or -1");
	spec->cpu_quota = quota > 0 ? (uint64_t)quota : 0;
	v = oci_member(t, "period", "linux.resources.cpu");
	spec->cpu_period = v ? oci_unum(v, 1000000, "linux.resources.cpu.period") : 0;
	if (spec->cpu_period && (spec->cpu_period < 1000 || !spec->cpu_quota))
		die("config.json: linux.resources.cpu.period: 1000 to 1000000 "
		    "microseconds, with a quota (hutch oci writes them together)");
	v = oci_member(t, "cpus", "linux.resources.cpu");
	if (!oci_empty(v))
		oci_arg2("--cpuset", oci_str(v, "linux.resources.cpu.cpus"));
	v = oci_member(t, "mems", "linux.resources.cpu");
	spec->cpu_mems = oci_empty(v) ? NULL : oci_str(v, "linux.resources.cpu.mems");
}

void oci_cpu_apply(const struct oci_spec *spec, struct config *cfg)
{
	if (spec->cpu_shares) {
		cgroup_exact.cpu_shares = spec->cpu_shares;
		/* runc's ConvertCPUSharesToCgroupV2Value: 2..262144 onto 1..10000 */
		cfg->cpu_weight = 1 + (spec->cpu_shares - 2) * 9999 / 262142;
	}
	if (spec->cpu_quota) {
		cgroup_exact.cpu_quota_us = spec->cpu_quota;
		cfg->cpu_period_us = spec->cpu_period ? spec->cpu_period : 100000;
		/* what hutch's own --cpu would say: it decides the cpu group */
		cfg->cpu_milli = spec->cpu_quota * 1000 / cfg->cpu_period_us;
		if (!cfg->cpu_milli)
			cfg->cpu_milli = 1;
	}
	cgroup_exact.cpuset_mems = spec->cpu_mems;
}
