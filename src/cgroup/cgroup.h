/* SPDX-License-Identifier: MIT */
/* cgroup.h - cgroup v1 and v2 behind one small interface. The launcher
 * probes and creates the group and writes the limits; PID 1 joins it
 * before anything runs, so the service is limited from its first
 * instruction; the launcher removes it at the end. */
#ifndef HUTCH_CGROUP_H
#define HUTCH_CGROUP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "runtime.h"
#include "profile.h"

/* CG_DEVICES: v1's devices controller; on v2 no controller but a BPF
 * program attached to the group (cgroup_devices.c). CG_IO is v1's blkio,
 * named io on v2. */
enum cg_ctrl { CG_CPU, CG_CPUACCT, CG_MEMORY, CG_PIDS, CG_DEVICES, CG_CPUSET,
	       CG_IO, CG_N };


struct cgroup {
	int version;	      /* 0: no cgroup file system mounted, 1 or 2 */
	char mount[CG_N][96]; /* v1: each controller's hierarchy ("": none);
				 v2: the one cgroup2 mount, for all */
	bool have[CG_N];      /* the controller can be used */
	bool need[CG_N];      /* the configuration asks for it */
	int parent[CG_N];     /* the directory holding the group, or -1 */
	int dir[CG_N];	      /* the group itself, or -1 */
	int events_fd;	      /* memory.events (v2) / memory.oom_control (v1) */
	int pressure_fd;      /* memory.pressure with the PSI trigger, or -1 */
	const char *name;
	const char *parent_path;
};

/* Which hierarchies are mounted and which controllers they offer; reads
 * /proc/self/mountinfo and changes nothing. Skipped when cfg asks for no
 * limit or the caller is not root (rt->rootless), unless `always` (hutch
 * check). */
void cgroup_probe(struct cgroup *cg, const struct config *cfg, const struct runtime *rt,
		  bool always);

/* Where the host mounts the hierarchy that a /proc/PID/cgroup line
 * names by its controllers ("cpu,cpuacct", "name=systemd"; "" for the
 * cgroup2 one): its root's mount point into mount, or false. */
bool cgroup_mount_of(const char *ctrls, char *mount, size_t size);

/* For hutch status: the usage of the groups named name that pid is in
 * (memory, processes, CPU time) as "key: value" lines into text, for each
 * that exists. */
void cgroup_usage(long pid, const char *name, char *text, size_t size);

/* The controller's name: v1's in mount options and /proc/cgroups, v2's
 * in cgroup.controllers ("blkio" is "io" there). */
const char *cgroup_ctrl_name(int version, enum cg_ctrl c);

/* Why controller c cannot be used, with the fix (kernel option, boot
 * argument or mount), into buf. */
const char *cgroup_missing(const struct cgroup *cg, enum cg_ctrl c, char *buf,
			   size_t size);

/* A limit the kernel cannot apply: dies, or with --cgroup-missing warn
 * says hutch runs without it. what: "the memory limit" or a file
 * ("cpu.max"); why: the fix. */
void cgroup_lacks(const struct config *cfg, const char *what, const char *why);

/* Creates PARENT/NAME in each hierarchy needed and writes the limits.
 * Dies (exit 125) on failure; the caller's undo step (die_push) removes
 * what was created (cgroup_remove handles a half-made group). */
void cgroup_create(struct cgroup *cg, const struct config *cfg, const struct runtime *rt);

/* In PID 1: moves itself into the group (one write of "0" to cgroup.procs
 * per hierarchy). Dies on failure. */
void cgroup_join(const struct cgroup *cg);

/* Removes the group, retrying while the kernel still reports it busy. */
void cgroup_remove(struct cgroup *cg);

/* cgroup_limits.c: writes every limit of cfg into the created group. */
void cgroup_write_limits(struct cgroup *cg, const struct config *cfg,
			 const struct runtime *rt);

/* The limits again, after systemd realized the group as a unit's
 * (hutch oci --systemd-cgroup): it writes its own defaults there. */
void cgroup_rewrite_limits(struct cgroup *cg, const struct config *cfg,
			   const struct runtime *rt);

/* One value into a limit file of the group, read back for -v. Returns
 * false when the file is missing and --cgroup-missing warn lets hutch
 * run without that limit; dies on any other failure. */
bool cgroup_set_text(const struct cgroup *cg, const struct config *cfg,
		     enum cg_ctrl c, const char *file, const char *text);

/* The same for a number, with extra after it (" 100000" for cpu.max). */
bool cgroup_set(const struct cgroup *cg, const struct config *cfg, enum cg_ctrl c,
		const char *file, unsigned long long value, const char *extra);

/* linux.resources.cpu in cgroup v1's units as an OCI config.json gives
 * them (hutch oci sets them: oci_cpu.c), for cgroup_limits.c and
 * cgroup_knobs.c: written so on v1 (the config's cpu_milli and
 * cpu_weight are their v2 forms); 0 and NULL (cpuset.mems: the parent's)
 * outside hutch oci. Here, not in oci.h: the cgroup code is below the
 * runtime that sets them (tests/static/deps.t). */
struct cgroup_exact {
	uint64_t cpu_shares, cpu_quota_us;
	const char *cpuset_mems;
	uint64_t memory_reservation; /* v1 memory.soft_limit_in_bytes, v2 memory.low */
	bool swappiness_set;	     /* v1 memory.swappiness (v2 has none) */
	uint64_t swappiness;
	bool oom_kill_disable;	     /* v1 memory.oom_control (v2 has none) */
	/* a relative cgroupsPath: --cgroup-parent below the caller's own
	 * group in each hierarchy, not below its root (runc's fs driver) */
	bool below_own;
};

#if HUTCH_OCI
extern struct cgroup_exact cgroup_exact;
#else
static const struct cgroup_exact cgroup_exact;
#endif

/* cgroup_memory_pids.c and cgroup_knobs.c (HUTCH_LIMITS): the limits
 * beyond the CPU. Without the feature --memory, --memory-high,
 * --memory-swap, --pids, --cpuset, --io-weight and --io-max are refused
 * by the parser, and no memory, pids, cpuset or blkio group is made. */
#if HUTCH_LIMITS
/* --cpuset, --io-weight and --io-max into the group, and the PSI
 * trigger of --pressure-restart (cg->pressure_fd) (cgroup_knobs.c). */
void cgroup_knobs(struct cgroup *cg, const struct config *cfg, const struct runtime *rt);

/* The fix for a kernel whose PSI is off, for hutch check too. */
const char *cgroup_psi_fix(void);

/* v1 cpuset: a group made below parent starts with empty cpuset.cpus
 * and cpuset.mems, and no task may join it until both are set: copies
 * the parent's into dir where dir's are empty. Dies on failure. */
void cgroup_cpuset_inherit(int parent, int dir, const char *where);

/* --memory, --memory-swap and --pids (or its default) into the group;
 * keeps the memory events file open for PID 1 (cg->events_fd). */
void cgroup_memory_pids(struct cgroup *cg, const struct config *cfg);

/* The --pids hutch sets when none is given: 15% of the smaller of
 * kernel.pid_max and kernel.threads-max, as systemd's DefaultTasksMax. */
uint64_t cgroup_default_pids(void);

/* The OOM killer's count for the group, read from events_fd; 0 if none. */
unsigned long long cgroup_oom_kills(int events_fd);
#else
static inline void cgroup_knobs(struct cgroup *cg, const struct config *cfg,
				const struct runtime *rt)
{
	(void)cg;
	(void)cfg;
	(void)rt;
}

static inline const char *cgroup_psi_fix(void)
{
	return "";
}

static inline void cgroup_cpuset_inherit(int parent, int dir, const char *where)
{
	(void)parent;
	(void)dir;
	(void)where;
}

static inline void cgroup_memory_pids(struct cgroup *cg, const struct config *cfg)
{
	(void)cg;
	(void)cfg;
}

static inline uint64_t cgroup_default_pids(void)
{
	return 0;
}

static inline unsigned long long cgroup_oom_kills(int events_fd)
{
	(void)events_fd;
	return 0;
}
#endif

/* cgroup_devices.c (HUTCH_DEVICES): the device allow-list into the
 * created group: v1 devices.deny "a" and one devices.allow per entry; v2
 * a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the group. Without
 * the feature the group has no device rule: the sandbox's /dev still
 * holds only the nodes hutch binds there, and the service has no
 * CAP_MKNOD to make others. */
#if HUTCH_DEVICES
void cgroup_devices(const struct cgroup *cg, const struct config *cfg,
		    const struct runtime *rt);

/* v2: loads the program (for hutch check, cfg and rt NULL: then
 * closed, nothing attached). Returns its fd or -errno. */
int cgroup_devices_load(const struct config *cfg, const struct runtime *rt);

/* Why the kernel refused the v2 program (err from cgroup_devices_load). */
const char *cgroup_devices_missing(int err);

/* The list's i-th entry (the standard nodes, --device's, config.json's),
 * NULL past its end (hutch oci --systemd-cgroup hands it to systemd). */
const struct dev_rule *cgroup_devices_rule(const struct config *cfg, const struct runtime *rt,
					   size_t i);

#else
static inline void cgroup_devices(const struct cgroup *cg, const struct config *cfg,
				  const struct runtime *rt)
{
	(void)cg;
	(void)cfg;
	(void)rt;
}

static inline int cgroup_devices_load(const struct config *cfg, const struct runtime *rt)
{
	(void)cfg;
	(void)rt;
	return -ENOSYS;
}

static inline const char *cgroup_devices_missing(int err)
{
	(void)err;
	return "";
}

static inline const struct dev_rule *cgroup_devices_rule(const struct config *cfg,
							 const struct runtime *rt, size_t i)
{
	(void)cfg;
	(void)rt;
	(void)i;
	return NULL;
}
#endif

/* The fix for a kernel without CFS bandwidth control (cpu) or without
 * swap accounting: kernel option or boot argument. */
const char *cgroup_feature_fix(bool cpu);

/* CPUs this process may run on (its affinity), for --cpu checks. */
unsigned cpus_online(void);

#endif
