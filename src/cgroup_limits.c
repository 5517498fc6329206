/* cgroup_limits.c - writes the limits, one checked write(2) per value,
 * and reads each back: what -v reports is what the kernel holds.
 *
 *   limit        cgroup v2                  cgroup v1
 *   --cpu        cpu.max "QUOTA PERIOD"     cpu.cfs_period_us, cpu.cfs_quota_us
 *   --cpu-weight cpu.weight                 cpu.shares (systemd's mapping)
 *   --memory     memory.max                 memory.limit_in_bytes
 *   --memory-swap memory.swap.max           memory.memsw.limit_in_bytes (+memory)
 *   --pids       pids.max                   pids.max
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


/* Returns false when the file is missing and --cgroup-missing warn lets
 * hutch run without that limit. */
static bool set(const struct cgroup *cg, const struct config *cfg, enum cg_ctrl c,
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
		set(cg, cfg, CG_CPU, "cpu.max", quota, period);
	} else if (cfg->cpu_milli) {
		/* The period first: a fresh group has no quota, and a quota
		 * is checked against the period in force. */
		if (set(cg, cfg, CG_CPU, "cpu.cfs_period_us", cfg->cpu_period_us, ""))
			set(cg, cfg, CG_CPU, "cpu.cfs_quota_us", quota, "");
	}
	if (cfg->cpu_weight && cg->version == 2) {
		set(cg, cfg, CG_CPU, "cpu.weight", cfg->cpu_weight, "");
	} else if (cfg->cpu_weight) {
		/* systemd's CPUWeight -> cpu.shares: 100 is the default 1024. */
		unsigned long long shares = cfg->cpu_weight * 1024 / 100;
		set(cg, cfg, CG_CPU, "cpu.shares", shares < 2 ? 2 : shares, "");
	}
}

static void memory_limits(struct cgroup *cg, const struct config *cfg)
{
	bool v2 = cg->version == 2;

	set(cg, cfg, CG_MEMORY, v2 ? "memory.max" : "memory.limit_in_bytes",
	    cfg->memory_max, "");
	/* v1 limits memory+swap together; v2 limits swap alone. */
	if (cfg->memory_swap_set)
		set(cg, cfg, CG_MEMORY, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes",
		    cfg->memory_swap_max + (v2 ? 0 : cfg->memory_max), "");
	/* Kept open for PID 1, which reports OOM kills from it. */
	cg->events_fd = openat(cg->dir[CG_MEMORY], v2 ? "memory.events"
						      : "memory.oom_control",
			       O_RDONLY | O_CLOEXEC);
}

void cgroup_write_limits(struct cgroup *cg, const struct config *cfg)
{
	if (cg->need[CG_CPU])
		cpu_limits(cg, cfg);
	if (cg->need[CG_MEMORY])
		memory_limits(cg, cfg);
	if (cg->need[CG_PIDS])
		set(cg, cfg, CG_PIDS, "pids.max",
		    cfg->pids_max ? cfg->pids_max : cgroup_default_pids(), "");
	if (cg->need[CG_DEVICES])
		cgroup_devices(cg, cfg);
}

/* systemd's DefaultTasksMax: 15% of what the kernel can have at all. On a
 * board, threads-max is the smaller one and scales with RAM (an eighth of
 * it in kernel stacks), so the default holds a fork bomb to what the
 * machine can afford; 85% stays for the host. */
uint64_t cgroup_default_pids(void)
{
	static const char knobs[] = "/proc/sys/kernel/pid_max\0"
				    "/proc/sys/kernel/threads-max\0";
	uint64_t least = 4194304, v; /* PID_MAX_LIMIT */
	char text[24];

	for (const char *k = knobs; *k; k += strlen(k) + 1) {
		if (read_small_file(AT_FDCWD, k, text, sizeof text) <= 0)
			continue;
		text[until_any(text, "\n")] = '\0';
		if (!parse_uint(text, least, &v) && v)
			least = v;
	}
	return least * 15 / 100 ? least * 15 / 100 : 1;
}
