/* SPDX-License-Identifier: MIT */
/* check.c - `hutch check [OPTIONS]`: what the running kernel offers to the
 * given configuration, feature by feature, with the fix for what is
 * missing; then every refusal a start would make (preflight.h, the same
 * functions the start calls), and where state would go. Reads only:
 * nothing is created or started. */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bootlimit.h"
#include "cgroup.h"
#include "image.h"
#include "log.h"
#include "output.h"
#include "preflight.h"
#include "seccomp.h"
#include "state.h"
#include "statedir.h"
#include "sys.h"
#include "userns.h"

struct report {
	const struct config *cfg;
	bool failed;
	/* what a start finds and opens on the host (runtime.h): check judges
	 * as root's start does, so rootless stays false */
	struct runtime rt;
};

enum status { OK, MISSING, INFO, FALLBACK, WARNING };

/* One line: "ok       what", "missing  what: why" ... A missing feature
 * the configuration needs fails the check, unless --cgroup-missing warn
 * lets hutch run without it (cgroup limits only). */
static void line(struct report *r, enum status status, const char *what,
		 const char *why, bool needed)
{
	static const char names[][10] = { "ok       ", "missing  ", "info     ",
					   "fallback ", "warning  " };
	char text[640];
	size_t n = fmt(text, sizeof text, "%s%s%s%s\n", names[status], what,
		       why ? ": " : "", why ? why : "");

	write_all(STDOUT_FILENO, text, n < sizeof text ? n : sizeof text - 1);
	if (needed && status == MISSING)
		r->failed = true;
}

/* A namespace type is there when /proc/self/ns shows it, and usable unless
 * its sysctl user.max_X_namespaces is 0 (how some systems switch them
 * off). The network and user namespaces are needed only with --net none
 * and --userns, and otherwise listed for information. Per namespace: its name in /proc, what it is, the kernel
 * option that brings it. */
static void namespaces(struct report *r)
{
	static const char ns[] =
		"pid\0PID namespace\0CONFIG_PID_NS\0"
		"mnt\0mount namespace\0CONFIG_NAMESPACES\0"
		"uts\0UTS namespace\0CONFIG_UTS_NS\0"
		"ipc\0IPC namespace\0CONFIG_IPC_NS\0"
		"net\0network namespace (--net none)\0CONFIG_NET_NS\0"
		"user\0user namespace\0CONFIG_USER_NS";
	char path[48], why[96], max[24];

	/* Without /proc nothing says which namespaces there are: not the
	 * kernel's fault, and a start needs /proc/self too. */
	if (access("/proc/self", F_OK)) {
		line(r, MISSING, "/proc", "not mounted, so the namespaces cannot be "
		     "seen and a start cannot record itself: mount -t proc proc /proc",
		     true);
		return;
	}
	for (size_t i = 0; i < 6; i++) {
		const char *name = nul_list_at(ns, 3 * i);
		bool needed = i < 4 || (i == 4 && r->cfg->net_none) ||
			      (i == 5 && r->cfg->userns);
		enum status status = OK;
		const char *reason = NULL;

		fmt(path, sizeof path, "/proc/sys/user/max_%s_namespaces", name);
		if (read_small_file(AT_FDCWD, path, max, sizeof max) > 0 &&
		    max[0] == '0' && max[1] == '\n') {
			status = MISSING;
			reason = why;
			fmt(why, sizeof why, "disabled: sysctl user.max_%s_namespaces "
			    "is 0", name);
		}
		fmt(path, sizeof path, "/proc/self/ns/%s", name);
		if (access(path, F_OK)) {
			status = MISSING;
			reason = why;
			fmt(why, sizeof why, "kernel option %s", nul_list_at(name, 2));
		}
		if (!needed && reason)
			status = INFO;
		line(r, status, nul_list_at(name, 1), reason, needed);
	}
}

/* Whether the kernel has a knob file, seen in controller c's hierarchy
 * root (v1: any of v1_files, NUL-separated, ending in an empty one) or
 * through a sysctl that exists exactly when the feature does (v2 shows
 * cpu.max, memory.swap.max, io.max and io.weight only in child groups). */
static void feature(struct report *r, const struct cgroup *cg, enum cg_ctrl c,
		    const char *v1_files, const char *v2_probe, const char *what,
		    const char *why)
{
	enum status status = OK;

	if (cg->version == 1) {
		char path[160];
		status = MISSING;
		for (const char *f = v1_files; *f; f += strlen(f) + 1) {
			fmt(path, sizeof path, "%s/%s", cg->mount[c], f);
			if (!access(path, F_OK))
				status = OK;
		}
	} else if (!v2_probe) {
		status = INFO;
		why = "seen only in the sandbox's own group: checked at start";
	} else if (access(v2_probe, F_OK)) {
		status = MISSING;
	}
	line(r, status, what, status != OK ? why : NULL, !r->cfg->cgroup_warn);
}

/* The device allow-list, which every sandbox started by root gets: v1's
 * devices controller, or on v2 a device program the kernel loads (loaded
 * here and closed again: nothing is attached). */
static void devices(struct report *r, const struct cgroup *cg)
{
	bool needed = !userns_rootless() && !r->cfg->cgroup_warn;
	const char *why = NULL;
	char buf[400];

	if (cg->version == 2) {
		int fd = cgroup_devices_load(NULL, NULL);

		if (fd >= 0)
			close(fd);
		else
			why = cgroup_devices_missing(fd);
	} else if (!cg->have[CG_DEVICES]) {
		why = cgroup_missing(cg, CG_DEVICES, buf, sizeof buf);
	}
	line(r, !why ? OK : needed ? MISSING : INFO,
	     cg->version == 2 ? "device allow-list (cgroup v2 BPF program)"
			      : "device allow-list (devices controller)", why, needed);
}

/* Block I/O: the weight needs a proportional scheduler's files (BFQ's
 * statistics stand in for its weight, which v1 shows only below the
 * root; CFQ's blkio.weight before Linux 5.0), the limits throttling. */
static void io_features(struct report *r, const struct cgroup *cg)
{
	if (r->cfg->io_weight)
		feature(r, cg, CG_IO, "blkio.bfq.io_serviced\0blkio.weight\0", NULL,
			"proportional I/O weight (--io-weight)",
			"the I/O scheduler BFQ with kernel option "
			"CONFIG_BFQ_GROUP_IOSCHED");
	if (r->cfg->n_io_max)
		feature(r, cg, CG_IO, "blkio.throttle.read_bps_device\0", NULL,
			"block I/O throttling (--io-max)",
			"kernel option CONFIG_BLK_DEV_THROTTLING");
}

/* PSI (--pressure-restart): /proc/pressure exists exactly when the
 * kernel has it on (CONFIG_PSI, and psi=1 where it is off by default, as
 * on the Raspberry Pi kernels); per group it is cgroup v2's alone. */
static void psi(struct report *r, const struct cgroup *cg)
{
	bool needed = r->cfg->pressure_kind && !r->cfg->cgroup_warn;
	const char *why = access("/proc/pressure/memory", F_OK) ? cgroup_psi_fix()
			: cg->version != 2 ? "PSI per group needs cgroup v2 "
					     "(memory.pressure); this is v1"
					   : NULL;

	line(r, !why ? OK : needed ? MISSING : INFO, "PSI (--pressure-restart)", why,
	     needed);
}

static void cgroups(struct report *r)
{
	static const char *const what[CG_N] = {
		"cpu controller (--cpu, --cpu-weight)", "cpuacct controller",
		"memory controller (--memory, --memory-high)", "pids controller (--pids)",
		NULL, "cpuset controller (--cpuset)",
		"I/O controller (--io-weight, --io-max)" };
	const struct config *cfg = r->cfg;
	struct cgroup cg;
	char why[400];

	cgroup_probe(&cg, cfg, &r->rt, true);
	fmt(why, sizeof why, "cgroup v%d at %s", cg.version, cg.mount[CG_CPU]);
	line(r, cg.version ? OK : INFO, cg.version ? why : "cgroups",
	     cg.version ? NULL : cgroup_missing(&cg, CG_CPU, why, sizeof why), false);
	for (int c = 0; c < CG_N; c++) {
		/* the default --pids only where the controller is */
		bool needed = cg.need[c] && (c != CG_PIDS || cfg->pids_max);
		if (c == CG_CPUACCT || c == CG_DEVICES || (!needed && !cg.have[c]))
			continue;
		if (cg.have[c])
			line(r, OK, what[c], NULL, needed);
		else
			line(r, needed && !cfg->cgroup_warn ? MISSING : INFO,
			     what[c], cgroup_missing(&cg, (enum cg_ctrl)c, why, sizeof why),
			     needed && !cfg->cgroup_warn);
	}
	if (HUTCH_DEVICES)
		devices(r, &cg);
	if (cg.have[CG_CPU] && cfg->cpu_milli)
		feature(r, &cg, CG_CPU, "cpu.cfs_quota_us\0",
			"/proc/sys/kernel/sched_cfs_bandwidth_slice_us",
			"CFS bandwidth control (--cpu)", cgroup_feature_fix(true));
	if (cg.have[CG_MEMORY] && cfg->memory_swap_set)
		feature(r, &cg, CG_MEMORY, "memory.memsw.limit_in_bytes\0", NULL,
			"swap accounting (--memory-swap)", cgroup_feature_fix(false));
	if (HUTCH_LIMITS && cg.have[CG_IO])
		io_features(r, &cg);
	if (HUTCH_LIMITS && cg.version)
		psi(r, &cg);
	fmt(why, sizeof why, "%u online", cpus_online());
	line(r, cfg->cpu_milli > cpus_online() * 1000ULL ? MISSING : OK, "CPUs",
	     why, true);
}

/* Filter mode asked with a null program: a kernel that has it answers
 * EFAULT (EACCES without privilege) and installs nothing; one without
 * CONFIG_SECCOMP_FILTER (or qemu-user) answers EINVAL. */
static void seccomp_support(struct report *r)
{
	bool needed = r->cfg->seccomp_mode != SECCOMP_OFF;
	bool there;

	errno = 0;
	prctl(PR_SET_SECCOMP, 2 /* SECCOMP_MODE_FILTER */, 0, 0, 0);
	there = errno == EFAULT || errno == EACCES;
	line(r, there ? OK : needed ? MISSING : INFO, "seccomp filter",
	     there ? NULL : "kernel option CONFIG_SECCOMP_FILTER (or --seccomp off)",
	     needed);
}

/* pivot_root cannot leave the initramfs (the "rootfs" mount). */
static void note_root(char *entry, void *arg)
{
	char *w[12];
	size_t n = split_words(entry, w, 12, ' ');

	for (size_t i = 6; i + 1 < n; i++)
		if (strcmp(w[i], "-") == 0 && strcmp(w[4], "/") == 0)
			*(bool *)arg = strcmp(w[i + 1], "rootfs") == 0;
}

static void root(struct report *r)
{
	const struct config *cfg = r->cfg;
	struct stat st;
	bool initramfs = false;

	if (!cfg->root)
		return;
	/* as written, as the start's refusal names it (preflight.c) */
	if (stat_at(AT_FDCWD, cfg->root_arg, &st, 0))
		st.st_mode = 0;
	if (S_ISDIR(st.st_mode))
		line(r, OK, "root directory", cfg->root_arg, true);
	else if (S_ISREG(st.st_mode))
		line(r, INFO, "root image", "judged below; what is inside it is "
		     "judged only by a start, which mounts it", false);
	each_line("/proc/self/mountinfo", note_root, &initramfs);
	if (initramfs || cfg->force_chroot)
		line(r, FALLBACK, "pivot_root",
		     "/ is the initramfs: hutch switches root with MS_MOVE + chroot",
		     false);
	else
		line(r, OK, "pivot_root", NULL, true);
	line(r, access("/dev/null", F_OK) ? MISSING : OK, "host /dev",
	     access("/dev/null", F_OK) ? "mount devtmpfs on /dev "
					 "(kernel option CONFIG_DEVTMPFS)" : NULL, true);
}

/* Image roots and the overlay: the loop driver and the file systems,
 * for information; what the configuration needs is judged with the
 * start's refusals (image.c), a "missing" line there. */
static void images(struct report *r)
{
	for (int p = IMAGE_PART_LOOP; p <= IMAGE_PART_OVERLAY; p++) {
		char what[48], why[48];
		bool has = image_kernel_has(p);

		fmt(what, sizeof what, "%s (--%s)", image_part_name(p),
		    p == IMAGE_PART_OVERLAY ? "overlay" : "root IMAGE");
		fmt(why, sizeof why, "kernel option CONFIG_%s", image_part_config(p));
		line(r, has ? OK : INFO, what, has ? NULL : why, false);
	}
}

/* An ordinary user: only with --userns, without cgroup limits, and where
 * no sysctl keeps user namespaces from ordinary users. */
static void rootless(struct report *r)
{
	const char *why = userns_refusal(r->cfg);

	if (!userns_rootless())
		return;
	if (!why)
		why = userns_forbidden();
	line(r, why ? MISSING : OK, "ordinary user (--userns)", why, true);
}

/* --user names root (or is not given): "0", "root", either with ":GROUP". */
static bool service_is_root(const char *user)
{
	size_t n = user ? until_any(user, ":") : 0;

	return !user || (n == 1 && *user == '0') || (n == 4 && !memcmp(user, "root", 4));
}

/* What the kernel does not isolate and this configuration leaves open
 * (docs/security.md, "Security model", known limits): said, never
 * failed. A root launcher owns the user namespace it makes, so the kernel
 * charges the sandbox's inotify instances to host root at that level,
 * --userns or not; an ordinary user's run charges its own. */
static void exposures(struct report *r)
{
	const struct config *cfg = r->cfg;

	if (userns_rootless())
		return;
	/* Without --userns, a --user other than root is charged as itself:
	 * the host's count of that uid, not root's. */
	if (cfg->userns || service_is_root(cfg->user))
		line(r, INFO, "inotify instances", "charged to host root's "
		     "fs.inotify.max_user_instances, with --userns too", false);
	if (cfg->userns && !cfg->userns_base) {
		char why[160];

		fmt(why, sizeof why, "host ids %u-%u, shared by every sandbox on the "
		    "default range: give each its own --userns-base", USERNS_BASE_DEFAULT,
		    USERNS_BASE_DEFAULT + USERNS_IDS - 1);
		line(r, INFO, "--userns range", why, false);
	}
	if (!cfg->userns && !cfg->net_none && service_is_root(cfg->user))
		line(r, INFO, "host network as uid 0", "host daemons that trust uid 0 "
		     "on abstract unix sockets accept the service: --userns or "
		     "--net none", false);
}

/* Where state would go: --state-dir or the first usable candidate, as
 * state.c chooses; and that no sandbox of this name runs there. None
 * usable is a warning, not a failure: the start runs without state. */
static void state_dir(struct report *r)
{
	const struct config *cfg = r->cfg;
	const char *list[STATEDIR_MAX], *base = NULL;
	char why[600], one[200], text[700];
	size_t n = cfg->state_dir ? 1 : statedir_candidates(userns_rootless(), list), len = 0;
	int fd;

	if (cfg->state_dir)
		list[0] = cfg->state_dir;
	why[0] = '\0';
	for (size_t i = 0; i < n && !base; i++) {
		size_t bad;
		int err = statedir_open(list[i], STATEDIR_PROBE, !cfg->state_dir, &bad);

		if (!err) {
			base = list[i];
			break;
		}
		statedir_why(list[i], err, bad, one, sizeof one);
		len += fmt(why + len, sizeof why - len, "%s%s", len ? "; " : "", one);
		if (len >= sizeof why)
			len = sizeof why - 1;
	}
	if (!base && cfg->state_dir) {
		fmt(text, sizeof text, "%s: make it a directory of root's or uid %u's "
		    "alone, or give another --state-dir", why, (unsigned)geteuid());
		line(r, MISSING, "state directory (--state-dir)", text, true);
		return;
	}
	if (!base) {
		fmt(text, sizeof text, "none usable (%s): the sandbox runs, but hutch "
		    "list, status and stop will not see it: give --state-dir DIR", why);
		line(r, WARNING, "state directory", text, false);
		return;
	}
	fmt(text, sizeof text, "%s%s%s%s", base, len ? " (skipped: " : "", why,
	    len ? ")" : "");
	line(r, OK, "state directory", text, false);
	/* a sandbox of this name, running: the start would refuse */
	fd = cfg->name ? state_open(base, cfg->name, &base) : -1;
	if (fd >= 0) {
		struct preflight pf = { false };
		struct proc_id id;
		if (launcher_alive(fd, &id))
			preflight_fail(&pf, "a sandbox named %s is already running (launcher "
				       "pid %ld): give this one another --name", cfg->name,
				       id.pid);
		else if (state_locked(fd))
			preflight_fail(&pf, "a sandbox named %s is starting or ending: give "
				       "this one another --name", cfg->name);
		close(fd);
		r->failed |= pf.failed;
	}
}

/* --boot-limit: the record a start would read, and whether the start
 * would be refused for it (exit 124). */
static void boot_limit(struct report *r)
{
	static const enum status as[] = { OK, WARNING, MISSING };
	char text[400];
	int verdict;

	if (!HUTCH_BOOTLIMIT || !r->cfg->boot_limit)
		return;
	verdict = bootlimit_check(r->cfg, text, sizeof text);
	line(r, as[verdict], "boot limit (--boot-limit)", text, true);
}

/* What a start refuses on the host and in the image: the same functions
 * (preflight.h), each refusal a "missing" line. */
static void refusals(struct report *r)
{
	struct preflight pf = { false };
	const char *name;
	int dir;

	dir = preflight_log(r->cfg, &pf);
	if (dir >= 0)
		close(dir);
	preflight_host(r->cfg, &r->rt, &pf);
	if (r->cfg->pidfile) {
		dir = preflight_pidfile(r->cfg->pidfile, &name, &pf);
		if (dir >= 0)
			close(dir);
		else if (dir != -EPERM && dir != -EEXIST)
			preflight_fail(&pf, "--pidfile %s: %s", r->cfg->pidfile,
				       error_text(-dir));
	}
	if (r->cfg->output && !output_log_target(r->cfg->output))
		output_check(r->cfg->output, &pf);
	preflight_image(r->cfg, &pf);
	r->failed |= pf.failed;
}

int check_run(const struct config *cfg)
{
	struct report r = { cfg, false, RUNTIME_INIT };
	struct utsname u;
	char head[200];

	uname(&u);
	write_all(STDOUT_FILENO, head, fmt(head, sizeof head, "hutch check: "
					   "Linux %s on %s\n", u.release, u.machine));
	namespaces(&r);
	rootless(&r);
	if (HUTCH_SECCOMP)
		seccomp_support(&r);
	/* the hierarchies are found in /proc/self/mountinfo: without /proc,
	 * "no cgroup file system" would be a wrong answer */
	if (access("/proc/self", F_OK))
		line(&r, INFO, "cgroups", "not judged without /proc", false);
	else
		cgroups(&r);
	root(&r);
	if (HUTCH_IMAGE)
		images(&r);
	state_dir(&r);
	boot_limit(&r);
	refusals(&r);
	exposures(&r);
	return r.failed ? 1 : 0;
}
