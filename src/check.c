/* check.c - `hutch check [OPTIONS]`: what the running kernel offers to the
 * given configuration, feature by feature, with the fix for what is
 * missing. Reads /proc and /sys only: nothing is created or started. */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cgroup.h"
#include "log.h"
#include "seccomp.h"
#include "sys.h"

struct report {
	const struct config *cfg;
	bool failed;
};

/* One line: "ok       what", "missing  what: why" ... A missing feature
 * the configuration needs fails the check, unless --cgroup-missing warn
 * lets hutch run without it (cgroup limits only). */
static void line(struct report *r, const char *status, const char *what,
		 const char *why, bool needed)
{
	char text[640];
	size_t n = fmt(text, sizeof text, "%s", status);

	while (n < 9)
		text[n++] = ' ';
	n += fmt(text + n, sizeof text - n, "%s%s%s\n", what, why ? ": " : "",
		 why ? why : "");

	write_all(STDOUT_FILENO, text, n < sizeof text ? n : sizeof text - 1);
	if (needed && strcmp(status, "missing") == 0)
		r->failed = true;
}

/* A namespace type is there when /proc/self/ns shows it, and usable unless
 * its sysctl user.max_X_namespaces is 0 (how some systems switch them
 * off). User namespaces are listed for information: hutch does not use
 * them yet. */
static void namespaces(struct report *r)
{
	static const char *const ns[][4] = {
		{ "pid", "pid", "PID namespace", "CONFIG_PID_NS" },
		{ "mnt", "mnt", "mount namespace", "CONFIG_NAMESPACES" },
		{ "uts", "uts", "UTS namespace", "CONFIG_UTS_NS" },
		{ "ipc", "ipc", "IPC namespace", "CONFIG_IPC_NS" },
		{ "net", "net", "network namespace (--net none)", "CONFIG_NET_NS" },
		{ "user", "user", "user namespace", "CONFIG_USER_NS" },
	};
	char path[48], why[96], max[24];

	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		bool needed = i < 4 || (i == 4 && r->cfg->net_none);
		const char *status = "ok", *reason = NULL;

		fmt(path, sizeof path, "/proc/sys/user/max_%s_namespaces", ns[i][1]);
		if (read_small_file(AT_FDCWD, path, max, sizeof max) > 0 &&
		    max[0] == '0' && max[1] == '\n') {
			status = "missing";
			reason = fmt(why, sizeof why, "disabled: sysctl user.max_%s_"
				     "namespaces is 0", ns[i][1]) ? why : NULL;
		}
		fmt(path, sizeof path, "/proc/self/ns/%s", ns[i][0]);
		if (access(path, F_OK)) {
			status = "missing";
			reason = fmt(why, sizeof why, "kernel option %s", ns[i][3]) ? why
										  : NULL;
		}
		if (!needed && reason)
			status = "info";
		line(r, status, ns[i][2], reason, needed);
	}
}

/* Whether the kernel has a knob file, seen in the hierarchy's root (v1)
 * or through a sysctl that exists exactly when the feature does (v2
 * shows cpu.max and memory.swap.max only in child groups). */
static void feature(struct report *r, const struct cgroup *cg, const char *v1_file,
		    const char *v2_probe, const char *what, const char *why)
{
	const char *status = "ok";

	if (cg->version == 1) {
		char path[160];
		fmt(path, sizeof path, "%s/%s", cg->mount[CG_MEMORY], v1_file);
		if (strncmp(v1_file, "cpu.", 4) == 0)
			fmt(path, sizeof path, "%s/%s", cg->mount[CG_CPU], v1_file);
		if (access(path, F_OK))
			status = "missing";
	} else if (!v2_probe) {
		status = "info";
		why = "shows only in the sandbox's own group: hutch checks it at start";
	} else if (access(v2_probe, F_OK)) {
		status = "missing";
	}
	line(r, status, what, strcmp(status, "ok") ? why : NULL, !r->cfg->cgroup_warn);
}

static void cgroups(struct report *r)
{
	static const char *const what[CG_N] = {
		"cpu controller (--cpu, --cpu-weight)", "cpuacct controller",
		"memory controller (--memory)", "pids controller (--pids)" };
	const struct config *cfg = r->cfg;
	struct cgroup cg;
	char why[400];

	cgroup_probe(&cg, cfg, true);
	fmt(why, sizeof why, "cgroup v%d at %s", cg.version, cg.mount[CG_CPU]);
	line(r, cg.version ? "ok" : "info", cg.version ? why : "cgroups",
	     cg.version ? NULL : cgroup_missing(&cg, CG_CPU, why, sizeof why), false);
	for (int c = 0; c < CG_N; c++) {
		if (c == CG_CPUACCT || (!cg.need[c] && !cg.have[c]))
			continue;
		if (cg.have[c])
			line(r, "ok", what[c], NULL, cg.need[c]);
		else
			line(r, cg.need[c] && !cfg->cgroup_warn ? "missing" : "info",
			     what[c], cgroup_missing(&cg, (enum cg_ctrl)c, why, sizeof why),
			     cg.need[c] && !cfg->cgroup_warn);
	}
	if (cg.have[CG_CPU] && cfg->cpu_milli)
		feature(r, &cg, "cpu.cfs_quota_us",
			"/proc/sys/kernel/sched_cfs_bandwidth_slice_us",
			"CFS bandwidth control (--cpu)",
			"kernel option CONFIG_CFS_BANDWIDTH (Raspberry Pi kernels "
			"before 5.10 lack it)");
	if (cg.have[CG_MEMORY] && cfg->memory_swap_set)
		feature(r, &cg, "memory.memsw.limit_in_bytes", NULL,
			"swap accounting (--memory-swap)",
			"boot with swapaccount=1 (kernel option CONFIG_MEMCG_SWAP)");
	fmt(why, sizeof why, "%u online", cpus_online());
	line(r, cfg->cpu_milli > cpus_online() * 1000ULL ? "missing" : "ok", "CPUs",
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
	line(r, there ? "ok" : needed ? "missing" : "info", "seccomp filter",
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
	line(r, stat(cfg->root, &st) == 0 && S_ISDIR(st.st_mode) ? "ok" : "missing",
	     "root directory", cfg->root, true);
	each_line("/proc/self/mountinfo", note_root, &initramfs);
	if (initramfs || cfg->force_chroot)
		line(r, "fallback", "pivot_root",
		     "/ is the initramfs: hutch switches root with MS_MOVE + chroot",
		     false);
	else
		line(r, "ok", "pivot_root", NULL, true);
	line(r, access("/dev/null", F_OK) == 0 ? "ok" : "missing", "host /dev",
	     access("/dev/null", F_OK) ? "mount devtmpfs on /dev "
					 "(CONFIG_DEVTMPFS)" : NULL, true);
}

int check_run(const struct config *cfg)
{
	struct report r = { cfg, false };
	struct utsname u;
	char head[200];

	uname(&u);
	write_all(STDOUT_FILENO, head, fmt(head, sizeof head, "hutch check: "
					   "Linux %s on %s\n", u.release, u.machine));
	namespaces(&r);
	seccomp_support(&r);
	cgroups(&r);
	root(&r);
	return r.failed ? 1 : 0;
}
