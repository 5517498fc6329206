/* SPDX-License-Identifier: MIT */
/* cgroup.c - finds the hierarchies, creates and removes the sandbox's
 * group, and moves PID 1 into it. The limits are in cgroup_limits.c. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "sys.h"

static const char *const ctrl_names[CG_N] = { "cpu", "cpuacct", "memory", "pids",
						"devices", "cpuset", "blkio" };

const char *cgroup_ctrl_name(int version, enum cg_ctrl c)
{
	return version == 2 && c == CG_IO ? "io" : ctrl_names[c];
}

struct probe {
	struct cgroup *cg;
	char v2[96];
};

static void copy_path(char *dst, size_t size, const char *src)
{
	if (fmt(dst, size, "%s", src) >= size)
		dst[0] = '\0'; /* too long to use: as if not mounted */
}

/* One line of /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT
 * OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS". A v1 hierarchy names
 * its controllers in the super options ("rw,cpu,cpuacct"). Only mounts of
 * a hierarchy's root count: a bind of a subgroup is no place to start. */
static void note_mount(char *line, void *arg)
{
	struct probe *p = arg;
	char *w[24], *opt[16];
	size_t n = split_words(line, w, 24, ' '), dash, nopt;

	for (dash = 6; dash < n && strcmp(w[dash], "-") != 0; dash++)
		;
	if (dash + 3 >= n || strcmp(w[3], "/") != 0)
		return;
	if (strcmp(w[dash + 1], "cgroup2") == 0 && !p->v2[0])
		copy_path(p->v2, sizeof p->v2, w[4]);
	if (strcmp(w[dash + 1], "cgroup") != 0)
		return;
	nopt = split_words(w[dash + 3], opt, 16, ',');
	for (size_t i = 0; i < nopt; i++)
		for (int c = 0; c < CG_N; c++)
			if (strcmp(opt[i], ctrl_names[c]) == 0 && !p->cg->mount[c][0])
				copy_path(p->cg->mount[c], sizeof p->cg->mount[c], w[4]);
}

/* v2: the controllers the root offers, from cgroup.controllers. */
static void probe_v2(struct cgroup *cg, const char *mount)
{
	char path[128], list[256], *words[16];
	size_t n;

	fmt(path, sizeof path, "%s/cgroup.controllers", mount);
	if (read_small_file(AT_FDCWD, path, list, sizeof list) < 0)
		list[0] = '\0';
	list[until_any(list, "\n")] = '\0';
	n = split_words(list, words, 16, ' ');
	for (int c = 0; c < CG_N; c++) {
		copy_path(cg->mount[c], sizeof cg->mount[c], mount);
		for (size_t i = 0; i < n; i++)
			if (strcmp(words[i], cgroup_ctrl_name(2, (enum cg_ctrl)c)) == 0)
				cg->have[c] = true;
	}
	cg->have[CG_CPUACCT] = false; /* v2 accounts in cpu.stat */
	/* No controller: a BPF program, which the kernel takes or refuses
	 * when it is loaded (cgroup_devices.c). */
	cg->have[CG_DEVICES] = true;
}

void cgroup_probe(struct cgroup *cg, const struct config *cfg, const struct runtime *rt,
		  bool always)
{
	struct probe p = { .cg = cg };

	memset(cg, 0, sizeof *cg);
	for (int c = 0; c < CG_N; c++)
		cg->parent[c] = cg->dir[c] = -1;
	cg->events_fd = cg->pressure_fd = -1;
	cg->name = cfg->name;
	cg->parent_path = cfg->cgroup_parent;
	cg->need[CG_CPU] = cfg->cpu_milli || cfg->cpu_weight;
	cg->need[CG_CPUACCT] = cg->need[CG_CPU];
	cg->need[CG_MEMORY] = HUTCH_LIMITS && (cfg->memory_max || cfg->memory_high ||
					       cfg->pressure_kind ||
					       cgroup_exact.memory_reservation ||
					       cgroup_exact.swappiness_set ||
					       cgroup_exact.oom_kill_disable);
	cg->need[CG_CPUSET] = HUTCH_LIMITS && (cfg->cpuset || cgroup_exact.cpuset_mems);
	cg->need[CG_IO] = HUTCH_LIMITS && (cfg->io_weight || cfg->n_io_max);
	/* By default, as root: a --pids limit and the device allow-list.
	 * An ordinary user (--userns) can make no group: no cgroup touched,
	 * not even looked for (hutch check looks anyway). */
	cg->need[CG_PIDS] = HUTCH_LIMITS && !cfg->pids_off && !rt->rootless;
	cg->need[CG_DEVICES] = HUTCH_DEVICES && !rt->rootless;
	if (rt->rootless && !always)
		return;
	each_line("/proc/self/mountinfo", note_mount, &p);
	/* Hybrid systems (systemd's, this build machine's) mount v1
	 * hierarchies and an empty cgroup2 beside them: v1 wins when it has
	 * any controller hutch uses. */
	if (cg->mount[CG_CPU][0] || cg->mount[CG_MEMORY][0] || cg->mount[CG_PIDS][0] ||
	    cg->mount[CG_DEVICES][0]) {
		cg->version = 1;
		for (int c = 0; c < CG_N; c++)
			cg->have[c] = cg->mount[c][0] != '\0';
	} else if (p.v2[0]) {
		cg->version = 2;
		probe_v2(cg, p.v2);
	}
}

struct hierarchy {
	const char *ctrls; /* "cpu,cpuacct", "name=systemd", "" for v2 */
	char *mount;
	size_t size;
};

/* Whether every word of ctrls is among the super options of a v1 mount. */
static bool has_all(char *opts, const char *ctrls)
{
	char *w[24];
	size_t n = split_words(opts, w, 24, ','), i;

	for (const char *c = ctrls; *c; c += until_any(c, ",") + (c[until_any(c, ",")] != 0)) {
		size_t len = until_any(c, ",");
		for (i = 0; i < n && (strlen(w[i]) != len || memcmp(w[i], c, len) != 0); i++)
			;
		if (i == n)
			return false;
	}
	return true;
}

/* A mountinfo line (see note_mount) of the hierarchy's root: the first. */
static void find_mount(char *line, void *arg)
{
	struct hierarchy *h = arg;
	char *w[24];
	size_t n = split_words(line, w, 24, ' '), dash;

	for (dash = 6; dash < n && strcmp(w[dash], "-") != 0; dash++)
		;
	if (h->mount[0] || dash + 3 >= n || strcmp(w[3], "/") != 0)
		return;
	if (!*h->ctrls ? strcmp(w[dash + 1], "cgroup2") == 0
		       : strcmp(w[dash + 1], "cgroup") == 0 && has_all(w[dash + 3], h->ctrls))
		copy_path(h->mount, h->size, w[4]);
}

bool cgroup_mount_of(const char *ctrls, char *mount, size_t size)
{
	struct hierarchy h = { ctrls, mount, size };

	mount[0] = '\0';
	each_line("/proc/self/mountinfo", find_mount, &h);
	return mount[0] != '\0';
}

/* The kernel knows a controller but the command line disabled it, as the
 * Raspberry Pi firmware does for memory: /proc/cgroups says enabled 0. */
static bool disabled_at_boot(const char *name)
{
	char text[1024], *line, *next, *w[4];

	if (read_small_file(AT_FDCWD, "/proc/cgroups", text, sizeof text) < 0)
		return false;
	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (split_words(line, w, 4, '\t') == 4 && strcmp(w[0], name) == 0)
			return strcmp(w[3], "0") == 0;
	}
	return false;
}

const char *cgroup_missing(const struct cgroup *cg, enum cg_ctrl c, char *buf,
			   size_t size)
{
	static const char *const options[CG_N] = {
		"CONFIG_CGROUP_SCHED and CONFIG_FAIR_GROUP_SCHED",
		"CONFIG_CGROUP_CPUACCT", "CONFIG_MEMCG", "CONFIG_CGROUP_PIDS",
		"CONFIG_CGROUP_DEVICE", "CONFIG_CPUSETS", "CONFIG_BLK_CGROUP"
	};

	if (!cg->version)
		fmt(buf, size, "no cgroup file system is mounted: mount -t cgroup2 "
		    "none /sys/fs/cgroup (kernel option CONFIG_CGROUPS)");
	else if (c == CG_MEMORY && disabled_at_boot("memory"))
		fmt(buf, size, "the memory controller is disabled at boot "
		    "(cgroup_disable=memory, the Raspberry Pi firmware's "
		    "default): add cgroup_enable=memory to cmdline.txt on a "
		    "Raspberry Pi, or remove cgroup_disable=memory");
	else if (cg->version == 1 && !disabled_at_boot(ctrl_names[c]) &&
		 access("/proc/cgroups", F_OK) == 0)
		fmt(buf, size, "no cgroup v1 hierarchy has the %s controller: "
		    "mount -t cgroup -o %s cgroup /sys/fs/cgroup/%s (kernel "
		    "option %s)", ctrl_names[c], ctrl_names[c], ctrl_names[c],
		    options[c]);
	else if (disabled_at_boot(ctrl_names[c]))
		fmt(buf, size, "the %s controller is disabled at boot: remove "
		    "cgroup_disable=%s from the kernel command line, or add "
		    "cgroup_enable=%s", ctrl_names[c], ctrl_names[c], ctrl_names[c]);
	else
		fmt(buf, size, "the kernel has no %s controller (kernel option %s)",
		    cgroup_ctrl_name(cg->version, c), options[c]);
	return buf;
}

void cgroup_lacks(const struct config *cfg, const char *what, const char *why)
{
	if (!cfg->cgroup_warn)
		die("cannot set %s: %s", what, why);
	log_error("running without %s (--cgroup-missing warn): %s", what, why);
}

/* dir[c] of another controller in the same hierarchy (v2, or v1
 * hierarchies mounted together such as cpu,cpuacct), or -1. */
static int shared_with(const struct cgroup *cg, enum cg_ctrl c)
{
	for (int o = 0; o < (int)c; o++)
		if (cg->dir[o] >= 0 && strcmp(cg->mount[o], cg->mount[c]) == 0)
			return o;
	return -1;
}

/* v2: a controller reaches a group only when every ancestor lists it in
 * cgroup.subtree_control. Below the root, a group that holds processes
 * cannot hand controllers down (the "no internal processes" rule; for
 * threaded controllers such as pids the kernel takes the write and refuses
 * the join later, with EOPNOTSUPP): so look first, and change nothing. */
static void enable_controllers(struct cgroup *cg, int dirfd, const char *where,
			       bool is_root)
{
	char word[16], procs[16];

	if (!is_root && read_small_file(dirfd, "cgroup.procs", procs, sizeof procs) > 0)
		die("cannot put a group below %s: it holds processes, which cgroup "
		    "v2 forbids in a parent: pick another --cgroup-parent (under "
		    "systemd: Delegate=yes and a sub-group)", where);

	for (int c = 0; c < CG_N; c++) {
		int err;
		if (!cg->need[c] || !cg->have[c] || c == CG_DEVICES)
			continue;
		fmt(word, sizeof word, "+%s", cgroup_ctrl_name(2, (enum cg_ctrl)c));
		err = write_knob(dirfd, "cgroup.subtree_control", word);
		if (err)
			die("cannot enable the %s controller in %s/cgroup."
			    "subtree_control: %s", ctrl_names[c], where,
			    error_text(-err));
	}
}

/* the longest own group taken (/proc/self/cgroup's path) */
#define OWN_MAX 512

static int open_dir(int at, const char *name)
{
	return openat(at, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
}

struct own {
	const char *ctrl; /* v1's controller name, "" for v2's line */
	char *path;
	size_t size;
};

/* A /proc/self/cgroup line, "ID:CONTROLLERS:PATH" (v2: "0::PATH"). */
static void own_line(char *line, void *arg)
{
	struct own *o = arg;
	char *ctrls = strchr(line, ':'), *path = ctrls ? strchr(ctrls + 1, ':') : NULL;

	if (o->path[0] || !path || path[1] != '/')
		return;
	*path++ = '\0';
	if (*o->ctrl ? has_all(ctrls + 1, o->ctrl) : !ctrls[1])
		copy_path(o->path, o->size, path);
}

/* Where --cgroup-parent starts: the hierarchy's root, or with a relative
 * cgroupsPath (hutch oci) the caller's own group in that hierarchy, as
 * /proc/self/cgroup says: on v1 hierarchies may each place it elsewhere
 * (runc's fs driver: GetOwnCgroupPath). On v2 its parent: the own group
 * holds hutch itself, and a v2 group with processes cannot hand
 * controllers down (runc's fs2 defaultDirPath takes the parent for this
 * reason). Into base, opened. */
static int open_base(struct cgroup *cg, enum cg_ctrl c, char *base, size_t size)
{
	char own[OWN_MAX] = "";
	struct own o = { cg->version == 1 ? ctrl_names[c] : "", own, sizeof own };

	if (HUTCH_OCI && cgroup_exact.below_own) {
		each_line("/proc/self/cgroup", own_line, &o);
		if (!own[0])
			die("cannot find the %s group hutch runs in (/proc/self/cgroup), "
			    "below which the relative linux.cgroupsPath goes",
			    cgroup_ctrl_name(cg->version, c));
		if (cg->version == 2)
			*strrchr(own, '/') = '\0'; /* "/" and "/a" the root */
	}
	fmt(base, size, "%s%s", cg->mount[c], strcmp(own, "/") ? own : "");
	return open_dir(AT_FDCWD, base);
}

/* mkdir -p of --cgroup-parent below the base (open_base). */
static int make_parent(struct cgroup *cg, enum cg_ctrl c, const char *parent_path)
{
	char path[160], base[96 + OWN_MAX], *parts[16];
	int fd = open_base(cg, c, base, sizeof base), err = errno;
	/* the root may hold processes and still hand controllers down */
	bool at_root = !HUTCH_OCI || strcmp(base, cg->mount[c]) == 0;
	size_t n;

	fmt(path, sizeof path, "%s", parent_path);
	n = split_words(path, parts, 16, '/');
	for (size_t i = 0; fd >= 0 && i < n; i++) {
		int next;
		if (cg->version == 2)
			enable_controllers(cg, fd, base, i == 0 && at_root);
		if (mkdirat(fd, parts[i], 0755) && errno != EEXIST)
			next = -1;
		else
			next = open_dir(fd, parts[i]);
		err = errno;
		if (next >= 0 && c == CG_CPUSET && cg->version == 1)
			cgroup_cpuset_inherit(fd, next, parent_path);
		close(fd);
		fd = next;
	}
	/* Whichever step failed, the whole path says where. */
	if (fd < 0)
		die("cannot create cgroup %s/%s: %s", base, parent_path, error_text(err));
	if (cg->version == 2)
		enable_controllers(cg, fd, n ? parent_path : base, n == 0 && at_root);
	return fd;
}

/* The group itself. One of the same name that is left over, empty, from a
 * launcher that was killed is removed and made anew; one that holds
 * processes belongs to a running sandbox of that name. */
static void make_group(struct cgroup *cg, enum cg_ctrl c, const char *parent_path)
{
	int parent = make_parent(cg, c, parent_path);

	if (mkdirat(parent, cg->name, 0755) && errno == EEXIST) {
		if (unlinkat(parent, cg->name, AT_REMOVEDIR) && errno == EBUSY)
			die("a sandbox named %s is already running: cgroup "
			    "%s/%s/%s holds processes", cg->name, cg->mount[c],
			    parent_path, cg->name);
		log_debug("removed the stale cgroup %s/%s/%s", cg->mount[c],
			  parent_path, cg->name);
		mkdirat(parent, cg->name, 0755);
	}
	cg->dir[c] = open_dir(parent, cg->name);
	if (cg->dir[c] < 0)
		die("cannot create cgroup %s/%s/%s: %s", cg->mount[c], parent_path,
		    cg->name, error_text(errno));
	cg->parent[c] = parent; /* ours now: removed whatever happens next */
	if (c == CG_CPUSET && cg->version == 1)
		cgroup_cpuset_inherit(parent, cg->dir[c], cg->name);
}

void cgroup_create(struct cgroup *cg, const struct config *cfg, const struct runtime *rt)
{
	char why[400], what[24];
	bool asked = cfg->cpu_milli || cfg->cpu_weight || cfg->memory_max ||
		     cfg->memory_high || cfg->pids_max || cfg->cpuset ||
		     cfg->io_weight || cfg->n_io_max || cfg->pressure_kind;

	for (int c = 0; c < CG_N; c++) {
		int same;
		if (!cg->need[c])
			continue;
		/* Only hutch's defaults, where no group can be made (root in
		 * a container's user namespace, a read-only cgroup file
		 * system): as a missing controller. */
		if (!asked && cg->have[c] && access(cg->mount[c], W_OK)) {
			fmt(why, sizeof why, "cannot create a group in %s: %s",
			    cg->mount[c], error_text(errno));
			cgroup_lacks(cfg, "the device allow-list", why);
			memset(cg->need, 0, sizeof cg->need);
			break;
		}
		if (!cg->have[c]) {
			/* accounting only, never required; the default
			 * --pids only where the controller is */
			cg->need[c] = false;
			if (c == CG_CPUACCT || (c == CG_PIDS && !cfg->pids_max))
				continue;
			fmt(what, sizeof what, "the %s limit", ctrl_names[c]);
			cgroup_lacks(cfg, c == CG_DEVICES ? "the device allow-list" : what,
				     cgroup_missing(cg, (enum cg_ctrl)c, why, sizeof why));
			continue;
		}
		same = shared_with(cg, (enum cg_ctrl)c);
		if (same >= 0)
			cg->dir[c] = cg->dir[same];
		else
			make_group(cg, (enum cg_ctrl)c, cfg->cgroup_parent);
	}
	cgroup_write_limits(cg, cfg, rt);
}

void cgroup_join(const struct cgroup *cg)
{
	for (int c = 0; c < CG_N; c++) {
		int err;
		if (cg->dir[c] < 0 || shared_with(cg, (enum cg_ctrl)c) >= 0)
			continue;
		err = write_knob(cg->dir[c], "cgroup.procs", "0");
		if (err)
			die("cannot join cgroup %s/%s/%s: %s", cg->mount[c],
			    cg->parent_path, cg->name, error_text(-err));
	}
}

/* The kernel may report the group busy for a moment after the last
 * process is reaped; wait in growing steps, a second in all. */
static int remove_dir(int parent, const char *name)
{
	struct timespec pause = { 0, 1000000 };

	for (int tries = 0; tries < 10; tries++) {
		if (unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		nanosleep(&pause, NULL);
		pause.tv_nsec *= 2;
	}
	return -errno;
}

void cgroup_remove(struct cgroup *cg)
{
	for (int c = 0; c < CG_N; c++) {
		int err;
		if (cg->parent[c] < 0)
			continue;
		close(cg->dir[c]);
		err = remove_dir(cg->parent[c], cg->name);
		if (err)
			log_error("cannot remove cgroup %s/%s/%s: %s", cg->mount[c],
				  cg->parent_path, cg->name, error_text(-err));
		close(cg->parent[c]);
		cg->parent[c] = -1;
	}
	for (int c = 0; c < CG_N; c++)
		cg->dir[c] = -1;
	if (cg->events_fd >= 0)
		close(cg->events_fd);
	if (cg->pressure_fd >= 0)
		close(cg->pressure_fd);
	cg->events_fd = cg->pressure_fd = -1;
}

unsigned cpus_online(void)
{
	/* The system call itself, bits counted here: musl's wrapper and its
	 * CPU_COUNT are 130 bytes for one call. The kernel fills as many
	 * bytes as it has CPUs (a multiple of long) and leaves the rest. */
	unsigned long set[1024 / (8 * sizeof(long))] = { 0 };
	unsigned n = 0;

	if (sys_sched_getaffinity(0, sizeof set, set) <= 0)
		return 1;
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
		for (unsigned long w = set[i]; w; w &= w - 1)
			n++;
	return n;
}
