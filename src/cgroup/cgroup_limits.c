/* SPDX-License-Identifier: MIT */
/* cgroup_limits.c - writes the limits, one checked write(2) per value,
 * and reads each back: what -v reports is what the kernel holds.
 *
 *   limit        cgroup v2                  cgroup v1
 *   --cpu        cpu.max "QUOTA PERIOD"     cpu.cfs_period_us, cpu.cfs_quota_us
 *   --cpu-weight cpu.weight                 cpu.shares (systemd's mapping)
 *   --memory     memory.max                 memory.limit_in_bytes
 *   --memory-high memory.high               memory.soft_limit_in_bytes
 *   --memory-swap memory.swap.max           memory.memsw.limit_in_bytes (+memory)
 *   --pids       pids.max                   pids.max
 *                (those four: cgroup_memory_pids.c)
 *   --cpuset     cpuset.cpus                cpuset.mems (copied), cpuset.cpus
 *   --io-weight  io.weight "default N"      blkio.bfq.weight, or blkio.weight
 *   --io-max     io.max "MAJ:MIN rbps=N.."  blkio.throttle.*_device "MAJ:MIN N"
 *                (those three: cgroup_knobs.c)
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

#if HUTCH_OCI
struct cgroup_exact cgroup_exact; /* set by hutch oci (oci_cpu.c) */
#endif

const char *cgroup_feature_fix(bool cpu)
{
	return cpu ? "kernel option CONFIG_CFS_BANDWIDTH (Raspberry Pi kernels "
		     "before 5.10 lack it)"
		   : "boot with swapaccount=1 (kernel option CONFIG_MEMCG_SWAP)";
}

/* A file the kernel makes only with a feature: which, and its fix. */
static const char *feature_lacking(enum cg_ctrl c, const char *file, char *buf,
				   size_t size)
{
	bool cpu = c == CG_CPU;

	/* the throttle files: blkio.throttle.* (v1), io.max (v2); not
	 * strstr, which costs 1.5 KiB of musl */
	if (HUTCH_LIMITS && c == CG_IO &&
	    (!strncmp(file, "blkio.t", 7) || !strcmp(file, "io.max")))
		return "it needs block I/O throttling: kernel option "
		       "CONFIG_BLK_DEV_THROTTLING";
	if (HUTCH_LIMITS && c == CG_IO)
		return "it needs a proportional I/O scheduler: BFQ with kernel "
		       "option CONFIG_BFQ_GROUP_IOSCHED (v1 blkio.bfq.weight), or on "
		       "cgroup v2 CONFIG_BLK_CGROUP_IOCOST (io.weight)";
	fmt(buf, size, "it needs %s: %s", cpu ? "CFS bandwidth control" : "swap accounting",
	    cgroup_feature_fix(cpu));
	return buf;
}

/* What the kernel's EINVAL (ENODEV for a device; EACCES from a v1
 * cpuset whose parent lacks the CPUs) means where the syntax is hutch's
 * own and right: the value is outside what this machine allows. */
static const char *refusal_hint(enum cg_ctrl c, const char *file, int err)
{
	if (!HUTCH_LIMITS || (err != -EINVAL && err != -ENODEV &&
			      (err != -EACCES || c != CG_CPUSET)))
		return "";
	if (c == CG_CPUSET && !strcmp(file, "cpuset.mems"))
		return ": the memory nodes must be online (/sys/devices/system/node) "
		       "and within the parent group's cpuset.mems";
	return c == CG_CPUSET ? ": the CPUs must be online and within the parent "
				"group's cpuset.cpus"
	     : c == CG_IO ? ": the device must be a whole disk (not a partition) "
			    "with a request queue"
			  : "";
}

bool cgroup_set_text(const struct cgroup *cg, const struct config *cfg,
		     enum cg_ctrl c, const char *file, const char *text)
{
	char back[160];
	int err = write_knob(cg->dir[c], file, text);

	if (err == -ENOENT) {
		cgroup_lacks(cfg, file, feature_lacking(c, file, back, sizeof back));
		return false;
	}
	if (err == -EBUSY && c == CG_MEMORY)
		die("cannot set %s to %s: the group already uses more", file, text);
	if (err)
		die("cannot write %s to %s/%s/%s/%s: %s%s", text, cg->mount[c],
		    cg->parent_path, cg->name, file, error_text(-err),
		    refusal_hint(c, file, err));
	if (read_small_file(cg->dir[c], file, back, sizeof back) >= 0) {
		back[until_any(back, "\n")] = '\0';
		log_debug("cgroup v%d %s = %s", cg->version, file, back);
	}
	return true;
}

bool cgroup_set(const struct cgroup *cg, const struct config *cfg, enum cg_ctrl c,
		const char *file, unsigned long long value, const char *extra)
{
	char text[48];

	fmt(text, sizeof text, "%llu%s", value, extra);
	return cgroup_set_text(cg, cfg, c, file, text);
}

static void cpu_limits(const struct cgroup *cg, const struct config *cfg)
{
	unsigned long long quota = cgroup_exact.cpu_quota_us ? cgroup_exact.cpu_quota_us :
				   cfg->cpu_milli * cfg->cpu_period_us / 1000;

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
		unsigned long long shares = cgroup_exact.cpu_shares ? cgroup_exact.cpu_shares :
					    cfg->cpu_weight * 1024 / 100;
		cgroup_set(cg, cfg, CG_CPU, "cpu.shares", shares < 2 ? 2 : shares, "");
	}
}

void cgroup_write_limits(struct cgroup *cg, const struct config *cfg,
			 const struct runtime *rt)
{
	if (cg->need[CG_CPU])
		cpu_limits(cg, cfg);
	cgroup_memory_pids(cg, cfg);
	cgroup_knobs(cg, cfg, rt);
	if (cg->need[CG_DEVICES])
		cgroup_devices(cg, cfg, rt);
}

/* systemd, realizing a unit's group, writes its defaults there: cpu.max
 * and memory.max "max", pids.max its DefaultTasksMax, and on v1, where it
 * delegates the devices controller, devices.allow "a". Each of hutch's
 * again; v2's device program stays attached (systemd detaches only its
 * own, and attaches none without a DevicePolicy or DeviceAllow). */
void cgroup_rewrite_limits(struct cgroup *cg, const struct config *cfg,
			   const struct runtime *rt)
{
	if (cg->events_fd >= 0)
		close(cg->events_fd);
	if (cg->pressure_fd >= 0)
		close(cg->pressure_fd);
	cg->events_fd = cg->pressure_fd = -1; /* opened again */
	if (cg->need[CG_CPU])
		cpu_limits(cg, cfg);
	cgroup_memory_pids(cg, cfg);
	cgroup_knobs(cg, cfg, rt);
	if (cg->need[CG_DEVICES] && cg->version == 1)
		cgroup_devices(cg, cfg, rt);
}
