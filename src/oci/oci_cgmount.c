// SPDX-License-Identifier: MIT
/* oci_cgmount.c - [oci] a mount of type cgroup (runc spec's and
 * Podman's at /sys/fs/cgroup), made as runc makes it on a cgroup v1
 * host for a container without a cgroup namespace: a tmpfs (mode 755,
 * nosuid, nodev, noexec) at the destination and in it, for each v1
 * hierarchy the container's process is in, a read-only bind of its
 * group named as the host names the hierarchy's mount point
 * (/sys/fs/cgroup/memory -> DEST/memory). A hybrid host's unified
 * hierarchy is left out, as runc leaves it. Expanded by the container's
 * process once it joined its groups (oci_init.c): /proc/self/cgroup
 * then names them, and its mounts are made in order. */
#include "oci.h"

#include <errno.h>
#include <string.h>
#include <sys/mount.h>

#include "cgroup.h"
#include "sys.h"

struct expand {
	struct config *cfg;
	size_t at;       /* the entry after which the binds go */
	const char *dst; /* the cgroup mount's destination */
	unsigned long propagation[MOUNT_MAX_PROPAGATION]; /* its options' */
	char pool[2048]; /* the binds' paths */
	size_t used;
};

static const char *keep(struct expand *e, const char *a, const char *b)
{
	char *p = e->pool + e->used;
	size_t n = fmt(p, sizeof e->pool - e->used, "%s%s", a, b);

	if (n >= sizeof e->pool - e->used)
		die("config.json: mounts: %s: too many cgroup hierarchies", e->dst);
	e->used += n + 1;
	return p;
}

/* One line of /proc/self/cgroup, "ID:CONTROLLERS:PATH": a v1
 * hierarchy's (CONTROLLERS not empty) becomes a bind after e->at. */
static void hierarchy(char *line, void *arg)
{
	struct expand *e = arg;
	struct config *cfg = e->cfg;
	char *w[3], mount[96], *base;
	struct mount_spec *m;

	if (split_words(line, w, 3, ':') != 3 || !w[1][0])
		return;
	if (!cgroup_mount_of(w[1], mount, sizeof mount) || !(base = strrchr(mount, '/')))
		die("config.json: mounts: %s: the host's mount of cgroup %s is not "
		    "found", e->dst, w[1]);
	if (cfg->n_mounts == CONFIG_MAX_MOUNTS)
		die("config.json: mounts: more than %d", CONFIG_MAX_MOUNTS);
	m = &cfg->mounts[++e->at];
	memmove(m + 1, m, (cfg->n_mounts++ - e->at) * sizeof *m);
	*m = (struct mount_spec){ .kind = MOUNT_RO_BIND, .flags = MS_BIND | MS_NOEXEC };
	/* each bind takes the entry's propagation options, as runc's */
	memcpy(m->propagation, e->propagation, sizeof m->propagation);
	m->src = keep(e, mount, strcmp(w[2], "/") ? w[2] : "");
	m->dst = keep(e, e->dst, base);
}

void oci_cgroup_mounts(struct config *cfg)
{
	static struct expand e;

	for (size_t i = 0; i < cfg->n_mounts; i++) {
		struct mount_spec *m = &cfg->mounts[i];
		if (m->kind != MOUNT_FS || strcmp(m->type, "cgroup") != 0)
			continue;
		e.cfg = cfg;
		e.at = i;
		e.dst = m->dst;
		memcpy(e.propagation, m->propagation, sizeof e.propagation);
		m->type = m->src = "tmpfs";
		m->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
		m->data = "mode=755";
		if (each_line("/proc/self/cgroup", hierarchy, &e))
			die("cannot read /proc/self/cgroup: %s", error_text(errno));
		if (e.at == i)
			die("config.json: mounts: %s: type cgroup: the host has no "
			    "cgroup v1 hierarchy (a cgroup2 one is not supported by "
			    "hutch oci yet)", m->dst);
		i = e.at;
	}
}
