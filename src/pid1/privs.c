/* SPDX-License-Identifier: MIT */
/* privs.c - the service's privileges. The order of the drop is the
 * kernel's: the bounding set needs CAP_SETPCAP, so it goes while still
 * root; setresuid to a non-root user clears the capabilities unless
 * PR_SET_KEEPCAPS; ambient capabilities need them permitted and
 * inheritable; no_new_privs last, so that no setuid binary or file
 * capability can give anything back after exec. */
#include "privs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capabilities.h"
#include "kernel_calls.h"
#include "log.h"
#include "refusal.h"
#include "sys.h"
#include "units.h"

/* capabilities(7): those PID 1 keeps after setup to start each run (drop
 * the bounding set, set ids, raise limits) and to signal a service of
 * another user. */
#define CAP(n) (1ULL << (n))
#define PID1_CAPS (CAP(CAP_KILL) | CAP(CAP_SETGID) | CAP(CAP_SETUID) | CAP(CAP_SETPCAP) | \
		   CAP(CAP_SYS_RESOURCE))

/* The service's ids, found by privs_resolve in PID 1; the child uses them. */
#define GROUPS_MAX 64
static struct {
	bool set;
	unsigned uid, gid;
	size_t n_groups;
	unsigned groups[GROUPS_MAX]; /* supplementary: /etc/group, --group-add */
	char home[128];
} creds;

/* passwd and group lines: "name:x:ID:..."; empty fields count. */
struct lookup {
	const char *name; /* what to find, or NULL to find by id */
	unsigned id;
	bool found;
	unsigned found_id, found_gid;
	char home[128];
	char found_name[40];
};

static size_t fields(char *line, char **f, size_t max)
{
	size_t n = 0;

	for (f[n++] = line; n < max && (line = strchr(line, ':')); f[n++] = line)
		*line++ = '\0';
	return n;
}

static bool number(const char *s, unsigned *v)
{
	uint64_t n;

	if (parse_uint(s, UINT32_MAX - 1, &n))
		return false;
	*v = (unsigned)n;
	return true;
}

static void match_entry(char *line, void *arg)
{
	struct lookup *l = arg;
	char *f[7];
	size_t n = fields(line, f, 7);
	unsigned id;

	if (l->found || n < 3 || !number(f[2], &id))
		return;
	if (l->name ? strcmp(f[0], l->name) != 0 : id != l->id)
		return;
	l->found = true;
	l->found_id = id;
	if (n >= 4 && !number(f[3], &l->found_gid))
		l->found_gid = id;
	if (n >= 6)
		fmt(l->home, sizeof l->home, "%s", f[5]);
	fmt(l->found_name, sizeof l->found_name, "%s", f[0]);
}

/* A group line "name:x:GID:user1,user2" that lists the user: its gid is
 * one of the user's supplementary groups, as login(1) and initgroups(3)
 * would give it. False when GROUPS_MAX are there already. */
static bool add_group(unsigned gid)
{
	for (size_t i = 0; i < creds.n_groups; i++)
		if (creds.groups[i] == gid)
			return true;
	if (creds.n_groups == GROUPS_MAX)
		return false;
	creds.groups[creds.n_groups++] = gid;
	return true;
}

struct membership {
	const char *user;
	bool too_many;
};

static void match_member(char *line, void *arg)
{
	struct membership *m = arg;
	char *f[4], *members[GROUPS_MAX];
	size_t n = fields(line, f, 4);
	unsigned gid;

	if (n < 4 || !number(f[2], &gid))
		return;
	n = split_words(f[3], members, GROUPS_MAX, ',');
	for (size_t i = 0; i < n; i++)
		if (strcmp(members[i], m->user) == 0 && !add_group(gid))
			m->too_many = true;
}

/* passwd and group are the image's: whoever made it chose what they
 * are. Only a regular file, not a symlink (to /dev/zero, say, which would
 * never end), opened without blocking (a fifo would wait forever for a
 * writer), and at most IMAGE_FILE_MAX bytes: a real one is a few KiB.
 * Anything else is a setup error, never a spin in PID 1, where no signal
 * is taken yet. Calls fn on each line; -ENOENT when the file is absent. */
#define IMAGE_FILE_MAX 65536

/* file ("/etc/passwd") of the root root: AT_FDCWD in PID 1, whose root
 * is the sandbox's; hutch check's descriptor of the image. pf: as
 * preflight.h; -1 after a refusal reported. */
static int each_image_line(int root, const char *file, void (*fn)(char *line, void *arg),
			   void *arg, struct preflight *pf)
{
	int fd = openat(root, file + (root != AT_FDCWD), O_RDONLY | O_NOFOLLOW |
			O_NONBLOCK | O_CLOEXEC), err;
	struct stat st;

	if (fd < 0 && errno != ELOOP)
		return -errno;
	if (fd < 0 || stat_at(fd, "", &st, AT_EMPTY_PATH) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		preflight_fail(pf, "--user: the sandbox's %s is not a regular file (a "
			       "symlink, fifo or device): hutch reads only a plain file "
			       "there", file);
		return -1;
	}
	err = st.st_size > IMAGE_FILE_MAX ? -EFBIG
					  : each_line_fd(fd, IMAGE_FILE_MAX, fn, arg);
	close(fd);
	if (err) {
		preflight_fail(pf, "--user: the sandbox's %s is larger than %d KiB: hutch "
			       "reads no more of it", file, IMAGE_FILE_MAX / 1024);
		return -1;
	}
	return 0;
}

/* A user or group as a number (looked up only for its defaults) or a name
 * (which must be there); option names it in a refusal. False after a
 * refusal reported to pf. */
static bool resolve(const char *option, const char *spec, size_t len, int root,
		    const char *file, struct lookup *l, struct preflight *pf)
{
	char name[40];
	int err;

	fmt(name, sizeof name, "%s", spec);
	name[len < sizeof name ? len : sizeof name - 1] = '\0';
	memset(l, 0, sizeof *l);
	if (number(name, &l->id))
		return each_image_line(root, file, match_entry, l, pf) != -1;
	l->name = name;
	err = each_image_line(root, file, match_entry, l, pf);
	l->name = NULL; /* name is this function's */
	if (err == -1)
		return false;
	if (err < 0 || !l->found)
		return preflight_fail(pf, "%s %s: no '%s' in the sandbox's %s (hutch "
				      "never falls back to root): add it to the root "
				      "image's %s, or give a number", option, spec, name,
				      file, file);
	l->id = l->found_id;
	return true;
}

/* The groups: those /etc/group lists the user in (by passwd's name), then
 * --group-add's, each a name there or a number. False after a refusal
 * reported to pf. */
static bool resolve_groups(const struct config *cfg, const struct lookup *user, int root,
			   struct preflight *pf)
{
	struct membership m = { user->found_name, false };
	struct lookup group;

	creds.n_groups = 0;
	if (user->found && each_image_line(root, "/etc/group", match_member, &m, pf) == -1)
		return false;
	if (m.too_many)
		return preflight_fail(pf, "--user %s: the sandbox's /etc/group lists it in "
				      "more than %d groups, the most hutch sets: take it "
				      "out of some", cfg->user ? cfg->user : "0", GROUPS_MAX);
	for (size_t i = 0; i < cfg->n_group_add; i++) {
		const char *g = cfg->group_add[i];

		if (!resolve("--group-add", g, strlen(g), root, "/etc/group", &group, pf))
			return false;
		if (!add_group(group.id))
			return preflight_fail(pf, "--group-add %s: more than %d supplementary "
					      "groups, the most hutch sets", g, GROUPS_MAX);
	}
	return true;
}

/* --user's ids and groups from the root's passwd and group, into creds;
 * --group-add alone is root's with those groups. False after a refusal
 * reported to pf. */
static bool lookup_user(const struct config *cfg, int root, struct preflight *pf)
{
	struct lookup user, group;
	const char *spec = cfg->user ? cfg->user : "0", *colon = strchr(spec, ':');

	if (!resolve("--user", spec, colon ? (size_t)(colon - spec) : strlen(spec), root,
		     "/etc/passwd", &user, pf))
		return false;
	creds.uid = user.id;
	/* No group given: the user's own from passwd, else the uid's number. */
	creds.gid = user.found ? user.found_gid : creds.uid;
	if (colon) {
		if (!resolve("--user", colon + 1, strlen(colon + 1), root, "/etc/group",
			     &group, pf))
			return false;
		creds.gid = group.id;
	}
	fmt(creds.home, sizeof creds.home, "%s", user.found && user.home[0]
						     ? user.home : "/");
	return resolve_groups(cfg, &user, root, pf);
}

const char *privs_resolve(const struct config *cfg)
{
	if (!cfg->user && !cfg->n_group_add)
		return "/";
	lookup_user(cfg, AT_FDCWD, NULL);
	creds.set = true;
	log_debug("the service runs as uid %u, gid %u, %zu supplementary groups",
		  creds.uid, creds.gid, creds.n_groups);
	return creds.home;
}

bool privs_check(const struct config *cfg, int root, struct preflight *pf)
{
	return (!cfg->user && !cfg->n_group_add) || lookup_user(cfg, root, pf);
}

/* capset(2) with the version 3 layout (kernel_calls.h): two 32-bit
 * words per set. */
static int set_capabilities(uint64_t keep, uint64_t inheritable)
{
	struct cap_header header = { CAP_VERSION_3, 0 };
	struct cap_data data[2] = {
		{ (uint32_t)keep, (uint32_t)keep, (uint32_t)inheritable },
		{ (uint32_t)(keep >> 32), (uint32_t)(keep >> 32), (uint32_t)(inheritable >> 32) },
	};

	return sys_capset(&header, data);
}

/* Drops from the bounding set what is among `present` and not in `keep`. */
static int drop_bounding_set(uint64_t keep, uint64_t present)
{
	/* Up to the kernel's last capability: it answers EINVAL past it. */
	for (int cap = 0; cap < 64; cap++) {
		if ((keep & (1ULL << cap)) || !(present & (1ULL << cap)))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
			return errno == EINVAL ? 0 : -1;
	}
	return 0;
}

static int set_groups(const struct config *cfg, bool rootless)
{
	if (!sys_setgroups(creds.n_groups, creds.groups))
		return 0;
	/* --group-add asked for, and not possible: said, not skipped */
	return rootless && errno == EPERM && !cfg->n_group_add ? 0 : -1;
}

#define FAIL(what) do { *step = (what); return -errno; } while (0)
/* An id that the user namespace does not map is EINVAL. */
#define FAIL_ID(what)                                                         \
	FAIL(cfg->userns && errno == EINVAL ? "--user is outside the user "    \
	     "namespace's ids (0-65535; as an ordinary user, 0 only)" : (what))

int privs_drop(const struct config *cfg, bool rootless, const char **step)
{
	uint64_t keep = cfg->cap_keep, inherit, ambient;

	umask(cfg->umask);
	for (size_t i = 0; i < cfg->n_rlimits; i++) {
		const struct rlimit_spec *r = &cfg->rlimits[i];
		struct rlimit rl = { r->soft == UINT64_MAX ? RLIM_INFINITY : r->soft,
				     r->hard == UINT64_MAX ? RLIM_INFINITY : r->hard };
		/* prlimit64, not setrlimit(3): musl's synchronises all threads
		 * (__synccall, semaphores: 5 KiB) for a one-thread child. Its
		 * struct rlimit is the kernel's 64-bit one on every target. */
		if (sys_prlimit64(0, r->resource, &rl, NULL))
			FAIL("cannot set a --rlimit");
	}
	/* PID 1 left only its own few (PID1_CAPS) beside the kept ones. */
	if (drop_bounding_set(keep, PID1_CAPS))
		FAIL("cannot drop capabilities from the bounding set");
	if (creds.set) {
		/* While still root, before the uid changes: setgroups
		 * needs CAP_SETGID. Denied for good in an ordinary user's
		 * namespace (/proc/PID/setgroups "deny"), where the caller's
		 * own groups stay (user_namespaces(7)): /etc/group's
		 * memberships are skipped there, but --group-add fails. */
		if (set_groups(cfg, rootless) ||
		    sys_setresgid(creds.gid, creds.gid, creds.gid))
			FAIL_ID("cannot set the service's groups");
		if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
			FAIL("cannot keep capabilities across the user change");
		if (sys_setresuid(creds.uid, creds.uid, creds.uid))
			FAIL_ID("cannot set the service's user");
	}
	/* A non-root user keeps capabilities across exec only as ambient
	 * ones (root gets the bounding set, now the kept ones, anyway).
	 * hutch oci: config.json's inheritable and ambient sets instead;
	 * the kernel raises an ambient one only if it is inheritable. */
	inherit = cfg->oci ? cfg->cap_inheritable : keep;
	ambient = cfg->oci ? cfg->cap_ambient & inherit :
		  creds.set && creds.uid != 0 ? keep : 0;
	if (set_capabilities(keep, inherit))
		FAIL("cannot set the service's capabilities");
	for (int cap = 0; cap < 64; cap++)
		if ((ambient & (1ULL << cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0))
			FAIL("cannot raise an ambient capability (Linux 4.3+)");
	/* hutch oci: config.json's process.noNewPrivileges false is
	 * honoured, as runc does (setuid programs in the image then work);
	 * hutch's own services always get it */
	if (!cfg->oci_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		FAIL("cannot set no_new_privs (Linux 3.5+)");
	return 0;
}

void privs_drop_pid1(const struct config *cfg)
{
	struct cap_header header = { CAP_VERSION_3, 0 };
	struct cap_data now[2];
	uint64_t keep = cfg->cap_keep | PID1_CAPS;

	/* Only what it has: a container or VM may already lack some (this
	 * one's bounding set might have no CAP_SYS_RESOURCE, say). */
	if (sys_capget(&header, now) == 0)
		keep &= (uint64_t)now[0].permitted | (uint64_t)now[1].permitted << 32;

	/* No inheritable set: PID 1 execs nothing, each service child sets
	 * its own. */
	if (drop_bounding_set(keep, ~0ULL) || set_capabilities(keep, 0))
		die("cannot drop PID 1's capabilities: %s", error_text(errno));
}

void privs_lock_self(void)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* -1000: the OOM killer never picks this process, which a full /tmp or a
 * service's leak would otherwise make a candidate (the launcher must live
 * to clean up). Writing it with CAP_SYS_RESOURCE also sets the floor
 * below which the process may later lower it without that capability:
 * inherited on fork, which is why the service writes the caller's value
 * back (spawn.c) while it still has the capability. A container may
 * deny it (no CAP_SYS_RESOURCE in its bounding set): then the sandbox
 * runs unprotected, as before, and -v says so. */
int oom_protect(const struct runtime *rt)
{
	if (!rt->oom_score_adj[0])
		return 0;
	return write_knob(AT_FDCWD, "/proc/self/oom_score_adj", "-1000");
}
