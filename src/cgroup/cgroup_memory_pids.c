/* SPDX-License-Identifier: MIT */
/* cgroup_memory_pids.c - the limits beyond the CPU (HUTCH_LIMITS):
 * --memory, --memory-high and --memory-swap, --pids and its default, and the OOM
 * killer's count that PID 1 reports. Written through cgroup_set
 * (cgroup_limits.c), one checked write(2) per value, each read back. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "sys.h"
#include "units.h"

static void memory_limits(struct cgroup *cg, const struct config *cfg)
{
	bool v2 = cg->version == 2;

	if (cfg->memory_max)
		cgroup_set(cg, cfg, CG_MEMORY, v2 ? "memory.max" : "memory.limit_in_bytes",
			   cfg->memory_max, "");
	/* Beyond it v2 throttles the group and reclaims its pages, with no
	 * OOM kill; v1's soft limit acts only when the host runs short. */
	if (cfg->memory_high)
		cgroup_set(cg, cfg, CG_MEMORY, v2 ? "memory.high" : "memory.soft_limit_in_bytes",
			   cfg->memory_high, "");
	/* OCI's memory.reservation, as runc writes it: v2's memory.low
	 * (protected from reclaim below it), v1's soft limit */
	if (cgroup_exact.memory_reservation)
		cgroup_set(cg, cfg, CG_MEMORY, v2 ? "memory.low" : "memory.soft_limit_in_bytes",
			   cgroup_exact.memory_reservation, "");
	/* v1 limits memory+swap together; v2 limits swap alone. */
	if (cfg->memory_swap_set)
		cgroup_set(cg, cfg, CG_MEMORY, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes",
		    cfg->memory_swap_max + (v2 ? 0 : cfg->memory_max), "");
	/* OCI's swappiness and disableOOMKiller, as runc writes them: v1
	 * knobs, which cgroup v2 has no counterpart of */
	if ((cgroup_exact.swappiness_set || cgroup_exact.oom_kill_disable) && v2)
		cgroup_lacks(cfg, "linux.resources.memory.swappiness or disableOOMKiller",
			     "cgroup v2 has neither (v1's memory.swappiness and "
			     "memory.oom_control): leave them out");
	else if (cgroup_exact.swappiness_set)
		cgroup_set(cg, cfg, CG_MEMORY, "memory.swappiness", cgroup_exact.swappiness, "");
	if (cgroup_exact.oom_kill_disable && !v2)
		cgroup_set_text(cg, cfg, CG_MEMORY, "memory.oom_control", "1");
	/* Kept open for PID 1, which reports OOM kills from it. */
	cg->events_fd = openat(cg->dir[CG_MEMORY], v2 ? "memory.events"
						      : "memory.oom_control",
			       O_RDONLY | O_CLOEXEC);
}

void cgroup_memory_pids(struct cgroup *cg, const struct config *cfg)
{
	if (cg->need[CG_MEMORY])
		memory_limits(cg, cfg);
	if (cg->need[CG_PIDS])
		cgroup_set(cg, cfg, CG_PIDS, "pids.max",
			   cfg->pids_max ? cfg->pids_max : cgroup_default_pids(), "");
}

/* systemd's DefaultTasksMax: 15% of what the kernel can have at all. On a
 * board, threads-max is the smaller one and scales with RAM (an eighth of
 * it in kernel stacks), so the default holds a fork bomb to what the
 * machine can afford; 85% stays for the host. */
uint64_t cgroup_default_pids(void)
{
	static const char knobs[] = "/proc/sys/kernel/pid_max\0"
				    "/proc/sys/kernel/threads-max";
	uint64_t least = 4194304, v; /* PID_MAX_LIMIT */
	char text[24];

	/* bounded by the size too: the analyser cannot see the final NUL */
	for (const char *k = knobs; k < knobs + sizeof knobs - 1; k += strlen(k) + 1) {
		if (read_small_file(AT_FDCWD, k, text, sizeof text) <= 0)
			continue;
		text[until_any(text, "\n")] = '\0';
		if (!parse_uint(text, least, &v) && v)
			least = v;
	}
	return least * 15 / 100 ? least * 15 / 100 : 1;
}

unsigned long long cgroup_oom_kills(int events_fd)
{
	char text[512], *p;
	unsigned long long count = 0;
	ssize_t n;

	if (events_fd < 0)
		return 0;
	/* Both files are "key value" lines, regenerated at each read from
	 * offset 0: memory.events (v2), memory.oom_control (v1, Linux 4.13+). */
	n = pread(events_fd, text, sizeof text - 1, 0);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	for (p = text; (p = strchr(p, 'o')); p++)
		if (strncmp(p, "oom_kill ", 9) == 0 && (p == text || p[-1] == '\n'))
			break;
	for (p = p ? p + 9 : text + n; *p >= '0' && *p <= '9'; p++)
		count = count * 10 + (unsigned long long)(*p - '0');
	return count;
}
