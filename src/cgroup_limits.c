/* SPDX-License-Identifier: MIT */
/* cgroup_limits.c - writes the limits, one checked write(2) per value,
 * and reads each back: what -v reports is what the kernel holds.
 *
 *   limit        cgroup v2                  cgroup v1
 *   --cpu        cpu.max "QUOTA PERIOD"     cpu.cfs_period_us, cpu.cfs_quota_us
 *   --cpu-weight cpu.weight                 cpu.shares (systemd's mapping)
 *   --memory     memory.max                 memory.limit_in_bytes
 *   --memory-swap memory.swap.max           memory.memsw.limit_in_bytes (+memory)
 *   --pids       pids.max                   pids.max
 *                (those three: cgroup_memory_pids.c)
 *   (devices)    BPF program                devices.deny, devices.allow
 *                (cgroup_devices.c)
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "sys.h"
#include "units.h"

const char *cgroup_feature_fix(bool cpu)
{
	return cpu ? "kernel option CONFIG_CFS_BANDWIDTH (Raspberry Pi kernels "
		     "before 5.10 lack it)"
		   : "boot with swapaccount=1 (kernel option CONFIG_MEMCG_SWAP)";
}


bool cgroup_set(const struct cgroup *cg, const struct config *cfg, enum cg_ctrl c,
		const char *file, unsigned long long value, const char *extra)
{
	char text[48], back[128];
	int err;

	fmt(text, sizeof text, "%llu%s", value, extra);
	err = write_knob(cg->dir[c], file, text);
	if (err == -ENOENT) { /* a file the kernel makes only with a feature */
		bool cpu = c == CG_CPU; /* else memory.*swap* */
		fmt(back, sizeof back, "it needs %s: %s",
		    cpu ? "CFS bandwidth control" : "swap accounting",
		    cgroup_feature_fix(cpu));
		cgroup_lacks(cfg, file, back);
		return false;
	}
	if (err == -EBUSY && c == CG_MEMORY)
		die("cannot set %s to %s: the group already uses more", file, text);
	if (err)
		die("cannot write %s to %s/%s/%s/%s: %s", text, cg->mount[c],
		    cg->parent_path, cg->name, file, error_text(-err));
	if (read_small_file(cg->dir[c], file, back, sizeof back) >= 0) {
		back[until_any(back, "\n")] = '\0';
		log_debug("cgroup v%d %s = %s", cg->version, file, back);
	}
	return true;
}

static void cpu_limits(const struct cgroup *cg, const struct config *cfg)
{
	unsigned long long quota = cfg->cpu_milli * cfg->cpu_period_us / 1000;

	if (cfg->cpu_milli && cg->version == 2) {
		char period[24];
		fmt(period, sizeof period, " %llu",
		    (unsigned long long)cfg->cpu_period_us);
		cgroup_set(cg, cfg, CG_CPU, "cpu.max", quota, period);
	} else if (cfg->cpu_milli) {
		/* The period first: a fresh group has no quota, and a quota
		 * is checked against the period in force. */
		if (cgroup_set(cg, cfg, CG_CPU, "cpu.cfs_period_us", cfg->cpu_period_us, ""))
			cgroup_set(cg, cfg, CG_CPU, "cpu.cfs_quota_us", quota, "");
	}
	if (cfg->cpu_weight && cg->version == 2) {
		cgroup_set(cg, cfg, CG_CPU, "cpu.weight", cfg->cpu_weight, "");
	} else if (cfg->cpu_weight) {
		/* systemd's CPUWeight -> cpu.shares: 100 is the default 1024. */
		unsigned long long shares = cfg->cpu_weight * 1024 / 100;
		cgroup_set(cg, cfg, CG_CPU, "cpu.shares", shares < 2 ? 2 : shares, "");
	}
}

void cgroup_write_limits(struct cgroup *cg, const struct config *cfg)
{
	if (cg->need[CG_CPU])
		cpu_limits(cg, cfg);
	cgroup_memory_pids(cg, cfg);
	if (cg->need[CG_DEVICES])
		cgroup_devices(cg, cfg);
}
