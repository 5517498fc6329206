/* SPDX-License-Identifier: MIT */
/* cgroup_knobs.c - CPU placement and block I/O (HUTCH_LIMITS): --cpuset,
 * --io-weight and --io-max, written through cgroup_set_text
 * (cgroup_limits.c): one checked write(2) per value, each read back for
 * -v, before the sandbox exists. Why each write is as it is:
 * docs/design.md, "CPU placement and block I/O". */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "sys.h"

/* A cpuset file that says nothing: "" or "\n", as a fresh v1 group's. */
static bool cpuset_empty(int dir, const char *file)
{
	char text[8];

	return read_small_file(dir, file, text, sizeof text) <= 1;
}

void cgroup_cpuset_inherit(int parent, int dir, const char *where)
{
	static const char files[] = "cpuset.cpus\0cpuset.mems";
	char text[256];

	/* bounded by the size too: the analyser cannot see the final NUL */
	for (const char *f = files; f < files + sizeof files - 1; f += strlen(f) + 1) {
		ssize_t n;
		int err;

		if (!cpuset_empty(dir, f))
			continue;
		n = read_small_file(parent, f, text, sizeof text);
		err = n < 0 ? (int)n : write_knob(dir, f, text);
		if (err)
			die("cannot copy the parent's %s into cgroup %s (a v1 cpuset "
			    "group takes no process before it has CPUs and memory "
			    "nodes): %s", f, where, error_text(-err));
	}
}

/* v2's io.weight comes from the io.cost controller; BFQ has its own file
 * on both versions (1..1000, its default 100 as io.weight's); v1's
 * blkio.weight was CFQ's (10..1000, default 500), gone in Linux 5.0:
 * systemd's mapping, scaled and clamped. */
static void io_weight(const struct cgroup *cg, const struct config *cfg)
{
	int dir = cg->dir[CG_IO];
	bool v2 = cg->version == 2;
	const char *bfq = v2 ? "io.bfq.weight" : "blkio.bfq.weight";
	unsigned long long w = cfg->io_weight;

	if (v2 && faccessat(dir, "io.weight", F_OK, 0) == 0) {
		char text[32];

		fmt(text, sizeof text, "default %llu", w);
		cgroup_set_text(cg, cfg, CG_IO, "io.weight", text);
		return;
	}
	if (!v2 && faccessat(dir, bfq, F_OK, 0) && faccessat(dir, "blkio.weight", F_OK, 0) == 0) {
		w = w * 5 < 10 ? 10 : w * 5 > 1000 ? 1000 : w * 5;
		cgroup_set(cg, cfg, CG_IO, "blkio.weight", w, "");
		return;
	}
	if (w > 1000 && faccessat(dir, bfq, F_OK, 0) == 0)
		die("cannot set --io-weight %llu: this kernel weighs I/O with BFQ "
		    "(%s), which takes 1..1000: give at most 1000", w, bfq);
	cgroup_set(cg, cfg, CG_IO, bfq, w, "");
}

/* v2: one line per device, "MAJ:MIN rbps=N wbps=N riops=N wiops=N",
 * the keys given. */
static void io_max_v2(const struct cgroup *cg, const struct config *cfg,
		      const struct io_limit *io, const struct dev_number *dev)
{
	static const char keys[][6] = { "rbps", "wbps", "riops", "wiops" };
	char text[160];
	size_t n = fmt(text, sizeof text, "%u:%u", dev->major, dev->minor);

	for (int k = 0; k < IO_KEYS; k++)
		if (io->max[k])
			n += fmt(text + n, sizeof text - n, " %s=%llu", keys[k],
				 (unsigned long long)io->max[k]);
	cgroup_set_text(cg, cfg, CG_IO, "io.max", text);
}

/* v1: a file per direction and unit, "MAJ:MIN N" in each. */
static void io_max_v1(const struct cgroup *cg, const struct config *cfg,
		      const struct io_limit *io, const struct dev_number *dev)
{
	static const char files[][36] = {
		"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
		"blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"
	};
	for (int k = 0; k < IO_KEYS; k++) {
		char text[48];
		if (!io->max[k])
			continue;
		fmt(text, sizeof text, "%u:%u %llu", dev->major, dev->minor,
		    (unsigned long long)io->max[k]);
		if (!cgroup_set_text(cg, cfg, CG_IO, files[k], text))
			return; /* --cgroup-missing warn: said once */
	}
}

const char *cgroup_psi_fix(void)
{
	return "PSI is off: boot with psi=1 (kernel option CONFIG_PSI; the "
	       "Raspberry Pi kernels need psi=1 in cmdline.txt)";
}

/* --pressure-restart: "some|full STALL_US WINDOW_US" written to the
 * group's memory.pressure makes a PSI trigger, which lives as long as
 * this open file: the launcher keeps it and polls it for POLLPRI. One
 * write, as the kernel wants the trigger (a second write on the same
 * descriptor is EBUSY). Only v2 has PSI per group. */
static void pressure_trigger(struct cgroup *cg, const struct config *cfg)
{
	char text[64];
	size_t n;
	int fd;

	if (cg->version != 2) {
		cgroup_lacks(cfg, "--pressure-restart", "PSI per group needs cgroup "
			     "v2 (memory.pressure): boot with systemd.unified_cgroup_"
			     "hierarchy=1, or mount cgroup2 alone");
		return;
	}
	fd = openat(cg->dir[CG_MEMORY], "memory.pressure", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		cgroup_lacks(cfg, "--pressure-restart", cgroup_psi_fix());
		return;
	}
	n = fmt(text, sizeof text, "%s %llu %llu", cfg->pressure_kind == 2 ? "full" : "some",
		(unsigned long long)cfg->pressure_stall_ms * 1000,
		(unsigned long long)cfg->pressure_window_ms * 1000);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n)
		die("cannot set the PSI trigger \"%s\" in %s/%s/%s/memory.pressure: %s",
		    text, cg->mount[CG_MEMORY], cg->parent_path, cg->name,
		    error_text(errno));
	log_debug("cgroup v2 memory.pressure trigger: %s", text);
	cg->pressure_fd = fd;
}

void cgroup_knobs(struct cgroup *cg, const struct config *cfg, const struct runtime *rt)
{
	if (cfg->pressure_kind && cg->dir[CG_MEMORY] >= 0)
		pressure_trigger(cg, cfg);
	if (cg->need[CG_CPUSET] && (!HUTCH_OCI || cfg->cpuset)) /* oci: mems alone */
		cgroup_set_text(cg, cfg, CG_CPUSET, "cpuset.cpus", cfg->cpuset);
	if (cg->need[CG_CPUSET] && cgroup_exact.cpuset_mems)
		cgroup_set_text(cg, cfg, CG_CPUSET, "cpuset.mems", cgroup_exact.cpuset_mems);
	if (!cg->need[CG_IO])
		return;
	if (cfg->io_weight)
		io_weight(cg, cfg);
	for (size_t i = 0; i < cfg->n_io_max; i++)
		(cg->version == 2 ? io_max_v2 : io_max_v1)(cg, cfg, &cfg->io_max[i],
							   &rt->io_dev[i]);
}
