// SPDX-License-Identifier: MIT
/* oci_linux.c - [oci] config.json's mounts and linux section onto
 * hutch's configuration: the mounts hutch makes itself, binds as --bind
 * and --ro-bind, other file systems as given; the namespaces, resources,
 * cgroupsPath and the masked paths; a refusal naming every field that
 * has no mapping. */
#include "oci_walk.h"
#include "oci_systemd.h"

#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "log.h"
#include "options_internal.h"
#include "profile.h"
#include "sys.h"

/* --- mounts ------------------------------------------------------------ */

/* The mounts hutch makes itself, with its own options (docs/oci.md):
 * config.json's entry for them is accepted when its type is theirs.
 * Not /dev/shm: config.json's tmpfs there is mounted as given (its
 * source, size and mode, as runc), in place of hutch's own (dev.c). */
static bool hutch_own(const char *dst, const char *type)
{
	static const char own[] = "/proc\0proc\0/dev\0tmpfs\0/dev/pts\0devpts\0";
	for (const char *p = own; *p; p += strlen(p) + 1) {
		const char *ty = p + strlen(p) + 1;
		if (!strcmp(p, dst)) {
			if (strcmp(ty, type) != 0)
				die("config.json: mounts: %s: hutch makes it %s "
				    "itself; type %s is not supported", dst, ty, type);
			return true;
		}
		p = ty;
	}
	return false;
}

struct mount_opts {
	unsigned long flags;
	bool bind, rec;
	char data[512];
	size_t len;
	unsigned long propagation[MOUNT_MAX_PROPAGATION];
	size_t n_propagation;
};

#define PROPAGATION_WORDS "shared, slave, private, unbindable, or one of them with r before"

/* A propagation word as mount(2)'s flags (runc's table), 0 if it is none */
static unsigned long propagation(const char *w)
{
	static const char words[] = "shared\0slave\0private\0unbindable\0";
	static const unsigned long flags[] = { MS_SHARED, MS_SLAVE, MS_PRIVATE,
					       MS_UNBINDABLE };
	bool rec = w[0] == 'r';
	int i = nul_list_index(w + rec, words);

	return i < 0 ? 0 : flags[i] | (rec ? MS_REC : 0);
}

static void mount_option(const char *o, struct mount_opts *m, const char *dst)
{
	static const struct {
		const char *name;
		unsigned long set, clear;
	} words[] = {
		{ "ro", MS_RDONLY, 0 }, { "rw", 0, MS_RDONLY },
		{ "nosuid", MS_NOSUID, 0 }, { "suid", 0, MS_NOSUID },
		{ "nodev", MS_NODEV, 0 }, { "dev", 0, MS_NODEV },
		{ "noexec", MS_NOEXEC, 0 }, { "exec", 0, MS_NOEXEC },
		{ "relatime", MS_RELATIME, 0 }, { "strictatime", MS_STRICTATIME, 0 },
		{ "noatime", MS_NOATIME, 0 }, { "nodiratime", MS_NODIRATIME, 0 },
		{ "sync", MS_SYNCHRONOUS, 0 }, { "dirsync", MS_DIRSYNC, 0 },
	};
	if (!strcmp(o, "bind") || !strcmp(o, "rbind")) {
		m->bind = true;
		m->rec = o[0] == 'r';
		return;
	}
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (!strcmp(o, words[i].name)) {
			m->flags = (m->flags | words[i].set) & ~words[i].clear;
			return;
		}
	/* set in turn once the mount is made (mounts.c), as runc does */
	if (propagation(o)) {
		if (m->n_propagation == MOUNT_MAX_PROPAGATION)
			die("config.json: mounts: %s: more than %d propagation "
			    "options: give the one that should hold", dst,
			    MOUNT_MAX_PROPAGATION);
		m->propagation[m->n_propagation++] = propagation(o);
		return;
	}
	if (strchr(o, '=') || !strcmp(o, "newinstance")) {
		m->len += fmt(m->data + m->len, sizeof m->data - m->len, "%s%s",
			      m->len ? "," : "", o);
		if (m->len >= sizeof m->data)
			die("config.json: mounts: %s: options too long", dst);
		return;
	}
	die("config.json: mounts: %s: option '%s' is not supported by hutch oci",
	    dst, o);
}

/* the atime options a bind takes, set after it as runc's remount does */
#define BIND_ATIME (MS_RELATIME | MS_STRICTATIME | MS_NOATIME | MS_NODIRATIME)

/* Whether a path names something that exists and is not a directory. */
static bool not_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && !S_ISDIR(sb.st_mode);
}

/* Whether a path has a ".." component. */
static bool dot_dot(const char *p)
{
	for (; *p; p++)
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]) &&
		    (p[-1] == '/'))
			return true;
	return false;
}

void oci_one_mount(unsigned t, struct config *cfg)
{
	struct mount_opts m = { 0 };
	unsigned d, ty, so, op;
	const char *dst, *type = "", *src = NULL;
	struct mount_spec *ms;

	oci_need(t, JSON_OBJECT, "mounts[]");
	oci_only(t, OCI_SPEC(Mount, "destination\0type\0source\0options\0",
			     "uidMappings\0gidMappings\0"), "mounts[]");
	d = oci_member(t, "destination", "mounts[]");
	if (!d)
		die("config.json: mounts[].destination: required");
	dst = oci_str(d, "mounts[].destination");
	if (dst[0] != '/' || dot_dot(dst))
		die("config.json: mounts: %s: the destination must be an absolute "
		    "path without ..", dst);
	ty = oci_member(t, "type", "mounts[]");
	if (ty)
		type = oci_str(ty, "mounts[].type");
	so = oci_member(t, "source", "mounts[]");
	if (so)
		src = oci_str(so, "mounts[].source");
	op = oci_member(t, "options", "mounts[]");
	for (unsigned i = op ? json_first(&oci_j, oci_need(op, JSON_ARRAY, "mounts[].options"))
			     : 0; i; i = json_next(&oci_j, i))
		mount_option(oci_str(i, "mounts[].options[]"), &m, dst);
	if (!m.bind && !strcmp(type, "bind"))
		m.bind = m.rec = true; /* runc's reading of type "bind" alone */
	if (!m.bind && hutch_own(dst, type)) {
		/* its own mounts are private (Podman says rprivate there) */
		for (size_t i = 0; i < m.n_propagation; i++)
			if (!(m.propagation[i] & MS_PRIVATE))
				die("config.json: mounts: %s: hutch makes it itself, "
				    "private: remove its propagation options other than "
				    "private and rprivate", dst);
		return;
	}
	if (cfg->n_mounts == CONFIG_MAX_MOUNTS)
		die("config.json: mounts: more than %d", CONFIG_MAX_MOUNTS);
	ms = &cfg->mounts[cfg->n_mounts++];
	ms->dst = dst;
	memcpy(ms->propagation, m.propagation, sizeof ms->propagation);
	if (m.bind) {
		if (!src)
			die("config.json: mounts: %s: a bind mount needs a source", dst);
		/* shared (or rshared) and no slave, private or unbindable
		 * word, with rootfsPropagation shared: Kubernetes'
		 * Bidirectional (CSI drivers). runc's bind stays a peer of the
		 * host's (shared) source and what the container mounts there
		 * reaches the host; hutch's never does: refused, not run
		 * without it (docs/oci.md, Mount propagation) */
		bool shared = false, peer = (cfg->root_propagation & MS_SHARED) != 0;
		for (size_t i = 0; i < m.n_propagation; i++) {
			shared |= (m.propagation[i] & MS_SHARED) != 0;
			if (m.propagation[i] & (MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE))
				peer = false;
		}
		if (peer && shared)
			die("config.json: mounts: %s: a shared bind with rootfsPropagation "
			    "shared sends the container's mounts there back to the host "
			    "(Bidirectional): hutch oci never propagates out", dst);
		/* data (mode=, size=) is ignored by mount(2) with MS_BIND,
		 * so under runc too: runtime-tools' mounts case gives it */
		if (m.flags & ~(unsigned long)(MS_RDONLY | MS_NOSUID | MS_NODEV |
					      MS_NOEXEC | BIND_ATIME))
			die("config.json: mounts: %s: a bind mount takes only ro, "
			    "nosuid, nodev, noexec and an atime option (hutch binds "
			    "nosuid and nodev always)", dst);
		/* hutch makes a read-only bind's submounts read-only too
		 * where the kernel can (mount_setattr); where it cannot,
		 * a submount would stay writable: none is taken along */
		if ((m.flags & MS_RDONLY) && m.rec && !not_dir(oci_bundle_path(src)))
			die("config.json: mounts: %s: a read-only bind takes no "
			    "submounts in hutch oci: say bind, not rbind", dst);
		ms->kind = (m.flags & MS_RDONLY) ? MOUNT_RO_BIND : MOUNT_BIND;
		ms->src = oci_bundle_path(src);
		/* as runc: MS_BIND, MS_REC for rbind, noexec by a remount
		 * (mounts.c) */
		ms->flags = MS_BIND | (m.rec ? MS_REC : 0) |
			    (m.flags & (MS_NOEXEC | BIND_ATIME));
		return;
	}
	if (!type[0])
		die("config.json: mounts: %s: type required", dst);
	if (!strcmp(type, "cgroup2"))
		die("config.json: mounts: %s: type cgroup2 is not supported by hutch "
		    "oci yet (remove the entry)", dst);
	/* hutch keeps every cgroup file system read-only (mounts_view.c);
	 * the entry is expanded by the container's process (oci_cgmount.c) */
	if (!strcmp(type, "cgroup") && !(m.flags & MS_RDONLY))
		die("config.json: mounts: %s: a read-write cgroup mount is not "
		    "supported by hutch oci (it keeps them read-only): add ro", dst);
	ms->kind = MOUNT_FS;
	ms->type = type;
	ms->src = src ? src : type;
	ms->flags = m.flags;
	ms->data = m.data[0] ? oci_keep(m.data, m.len) : NULL;
}

/* --- linux ------------------------------------------------------------- */

/* New pid, mount, ipc and uts namespaces, or ones joined by path
 * (oci_ns.c), network too; a mount namespace joined by path gets the
 * container's root as runc gives it one: its mounts change for every
 * process in it. A user namespace is new (oci_userns.c). */
static void namespaces(unsigned t, struct config *cfg, struct oci_spec *spec)
{
	static const char *const names[] = { "pid", "mount", "ipc", "uts", "network",
					     "user" };
	static const int kind[] = { OCI_NS_PID, OCI_NS_MNT, OCI_NS_IPC, OCI_NS_UTS,
				    OCI_NS_NET, -1 };
	bool seen[6] = { false };
	bool joined = false;

	for (unsigned i = json_first(&oci_j, oci_need(t, JSON_ARRAY, "linux.namespaces")); i;
	     i = json_next(&oci_j, i)) {
		unsigned ty, p;
		size_t k = 0;
		oci_need(i, JSON_OBJECT, "linux.namespaces[]");
		oci_only(i, OCI_SPEC(LinuxNamespace, "type\0path\0", ""), "linux.namespaces[]");
		ty = oci_member(i, "type", "linux.namespaces[]");
		p = oci_member(i, "path", "linux.namespaces[]");
		if (!ty)
			die("config.json: linux.namespaces[].type: required");
		while (k < 6 && !json_eq(&oci_j, ty, names[k]))
			k++;
		if (k == 6)
			die("config.json: linux.namespaces: type %s is not supported "
			    "by hutch oci", oci_str(ty, "linux.namespaces[].type"));
		if (!oci_empty(p) && k == 5)
			die("config.json: linux.namespaces: user: joining a user "
			    "namespace by path is not supported by hutch oci");
		if (!oci_empty(p))
			oci_ns_open(spec, kind[k], oci_str(p, "linux.namespaces[].path"));
		joined |= !oci_empty(p);
		seen[k] = true;
	}
	/* the new user namespace owns every namespace made after it; one
	 * joined belongs to the host's, where the container has no rights */
	if (seen[5] && joined)
		die("config.json: linux.namespaces: a user namespace with namespaces "
		    "joined by path is not supported by hutch oci");
	/* they read the record, which the namespace's root may not */
	if (seen[5] && spec->container_hooks)
		die("config.json: hooks: createContainer and startContainer with a "
		    "user namespace are not supported by hutch oci yet");
	if (seen[5] && !HUTCH_USERNS)
		die("config.json: linux.namespaces: user: this hutch is built "
		    "without user namespaces (HUTCH_USERNS)");
	spec->userns = seen[5];
	/* Everything hutch mounts stays in a mount namespace of the
	 * container's (new or joined). runc, given none, mounts /proc, /dev
	 * and the rest into the image in the host's namespace, makes the
	 * host's / a slave first and leaves all of it after delete. */
	if (!seen[1])
		die("config.json: linux.namespaces: hutch oci needs a mount namespace "
		    "(new or joined): it never mounts in the host's");
	/* A type left out keeps the host's (runtime-spec: the container
	 * joins the runtime's own), as a pod's hostPID, hostIPC and
	 * hostNetwork (with the host's UTS) ask. */
	spec->host_ns[OCI_NS_PID] |= !seen[0]; /* or its path is the runtime's own */
	spec->host_ns[OCI_NS_IPC] |= !seen[2];
	spec->host_ns[OCI_NS_UTS] |= !seen[3];
	/* the new user namespace could not mount a /proc of the host's PID
	 * namespace, which the host's user namespace owns */
	if (seen[5] && spec->host_ns[OCI_NS_PID])
		die("config.json: linux.namespaces: a user namespace needs a pid "
		    "namespace (the host's cannot get its /proc mounted there)");
	if (spec->host_ns[OCI_NS_UTS] && !spec->host_hostname)
		die("config.json: hostname: the container has the host's UTS namespace "
		    "(no uts entry, or the runtime's own by path): the host's name is not "
		    "the container's to set, as runc");
	cfg->net_none = seen[4] && !spec->join[OCI_NS_NET];
}

static void paths(unsigned t, const char **list, size_t *n, const char *field)
{
	for (unsigned i = json_first(&oci_j, oci_need(t, JSON_ARRAY, field)); i;
	     i = json_next(&oci_j, i)) {
		const char *p = oci_str(i, field);
		if (p[0] != '/')
			die("config.json: %s: '%s' is not an absolute path", field, p);
		if (*n == OCI_MAX_PATHS)
			die("config.json: %s: more than %d", field, OCI_MAX_PATHS);
		list[(*n)++] = p;
	}
}

/* One number of a device entry: absent or -1 is any (runc's wildcard). */
static unsigned dev_number(unsigned e, const char *key, int64_t max)
{
	unsigned v = oci_member(e, key, "linux.resources.devices[]");
	int64_t n;

	if (oci_empty(v))
		return DEV_ANY;
	if (json_int64(&oci_j, v, -1, max, &n))
		die("config.json: linux.resources.devices[].%s: a device number from 0 "
		    "to %lld, or -1 for any", key, (long long)max);
	return n < 0 ? DEV_ANY : (unsigned)n;
}

/* access "rwm" or part of it: DEV_* bits (absent or "": all, as runc) */
static unsigned char dev_access(unsigned e)
{
	unsigned v = oci_member(e, "access", "linux.resources.devices[]");
	const char *a = oci_empty(v) ? "rwm" : oci_str(v, "linux.resources.devices[].access");
	unsigned char bits = 0;

	for (; *a; a++)
		switch (*a) {
		case 'r':
			bits |= DEV_READ;
			break;
		case 'w':
			bits |= DEV_WRITE;
			break;
		case 'm':
			bits |= DEV_MKNOD;
			break;
		default:
			die("config.json: linux.resources.devices[].access: '%c' is not r, "
			    "w or m", *a);
		}
	return bits ? bits : (DEV_READ | DEV_WRITE | DEV_MKNOD);
}

/* linux.resources.devices, runc's list of cgroup device rules in order.
 * hutch's list starts from deny-all and allows its /dev's nodes
 * (cgroup_devices.c); the allow entries here are added to it, as runc adds
 * its own devices' rules to the spec's. So a deny is taken only as the
 * first thing, of everything (runc spec's and every engine's first
 * entry): a deny after an allow would need an ordered list, which hutch's
 * allow-list is not, and is refused. containerd, Docker and Podman send
 * the deny of everything, then allows: mknod of any node ("c *:* m"),
 * /dev/console, tun and the like. */
static void devices(unsigned t, struct config *cfg)
{
	bool allowed = false;

	for (unsigned i = json_first(&oci_j, oci_need(t, JSON_ARRAY,
	     "linux.resources.devices")); i; i = json_next(&oci_j, i)) {
		unsigned al = oci_member(i, "allow", "linux.resources.devices[]");
		unsigned ty = oci_member(i, "type", "linux.resources.devices[]");
		const char *type = oci_empty(ty) ? "a" : oci_str(ty, "linux.resources.devices[].type");
		struct dev_rule r;
		int allow;

		oci_only(i, OCI_SPEC(LinuxDeviceCgroup, "allow\0type\0major\0minor\0access\0", ""),
			 "linux.resources.devices[]");
		allow = al ? json_bool(&oci_j, al) : -1;
		if (allow < 0)
			die("config.json: linux.resources.devices[].allow: true or false, required");
		if (strcmp(type, "a") != 0 && strcmp(type, "c") != 0 && strcmp(type, "b") != 0)
			die("config.json: linux.resources.devices[].type: a, c or b, not '%s'", type);
		r = (struct dev_rule){ type[0], dev_access(i), dev_number(i, "major", 0xfff),
				       dev_number(i, "minor", 0xfffff) };
		if (r.type == 'a' && (r.major != DEV_ANY || r.minor != DEV_ANY))
			die("config.json: linux.resources.devices[]: type a (every device) "
			    "takes no major or minor");
		if (!allow) {
			if (allowed || r.type != 'a' || r.access != (DEV_READ | DEV_WRITE | DEV_MKNOD))
				die("config.json: linux.resources.devices: a deny entry is taken "
				    "only first and of everything ({\"allow\":false,\"access\":"
				    "\"rwm\"}): hutch keeps an allow-list, not an ordered one");
			continue;
		}
		if (r.type == 'a' && r.access != (DEV_READ | DEV_WRITE | DEV_MKNOD))
			die("config.json: linux.resources.devices[]: type a (every device) "
			    "with less than rwm: not supported by hutch oci (cgroup v1's "
			    "\"a\" allows all of it)");
		if (cfg->n_dev_rules == CONFIG_MAX_DEV_RULES)
			die("config.json: linux.resources.devices: more than %d allow entries",
			    CONFIG_MAX_DEV_RULES);
		cfg->dev_rules[cfg->n_dev_rules++] = r;
		allowed = true;
	}
}

/* memory.swap is memory and swap together (v1's memsw): hutch's
 * --memory-swap is the swap alone, as v2's memory.swap.max (runc writes
 * swap - limit there); -1 or 0: no swap limit of its own. reservation
 * is written as runc writes it (cgroup_memory_pids.c). */
/* swappiness (0-100) and disableOOMKiller, which runc writes to v1's
 * memory.swappiness and memory.oom_control (cgroup_memory_pids.c); the
 * kernel memory limits, which runc 1.1 takes and ignores, with a
 * warning: kernels since 6.x have no v1 kmem limit to write. */
static void memory_v1_knobs(unsigned m)
{
	unsigned v = oci_member(m, "swappiness", "linux.resources.memory");
	int64_t n;

	if (v) {
		cgroup_exact.swappiness_set = true;
		cgroup_exact.swappiness = oci_unum(v, 100, "linux.resources.memory.swappiness");
	}
	v = oci_member(m, "disableOOMKiller", "linux.resources.memory");
	cgroup_exact.oom_kill_disable = v && json_bool(&oci_j, oci_need(v, JSON_TRUE,
					"linux.resources.memory.disableOOMKiller")) == 1;
	for (const char *k = "kernel\0kernelTCP\0"; *k; k += strlen(k) + 1) {
		v = oci_member(m, k, "linux.resources.memory");
		if (v && json_int64(&oci_j, v, -1, INT64_MAX, &n))
			die("config.json: linux.resources.memory.%s: bytes, or -1", k);
		if (v)
			log_error("warning: linux.resources.memory.%s ignored, as "
				  "runc does (no kmem limits in Linux 6)", k);
	}
}

static void memory(unsigned m)
{
	unsigned v, s;
	uint64_t limit = 0;
	int64_t swap = 0, reservation = 0;
	char buf[32];

	oci_need(m, JSON_OBJECT, "linux.resources.memory");
	oci_only(m, OCI_SPEC(LinuxMemory, "limit\0swap\0reservation\0kernel\0kernelTCP\0"
			     "swappiness\0disableOOMKiller\0",
			     "useHierarchy\0checkBeforeUpdate\0"), "linux.resources.memory");
	memory_v1_knobs(m);
	v = oci_member(m, "reservation", "linux.resources.memory");
	if (v && json_int64(&oci_j, v, -1, INT64_MAX, &reservation))
		die("config.json: linux.resources.memory.reservation: bytes, or -1");
	/* -1: none, as a new group has */
	cgroup_exact.memory_reservation = reservation > 0 ? (uint64_t)reservation : 0;
	v = oci_member(m, "limit", "linux.resources.memory");
	if (v) {
		limit = oci_unum(v, INT64_MAX, "linux.resources.memory.limit");
		fmt(buf, sizeof buf, "%llu", (unsigned long long)limit);
		oci_arg2("--memory", oci_keep(buf, strlen(buf)));
	}
	s = oci_member(m, "swap", "linux.resources.memory");
	if (s && json_int64(&oci_j, s, -1, INT64_MAX, &swap))
		die("config.json: linux.resources.memory.swap: a whole number, or -1");
	if (swap > 0 && (!limit || (uint64_t)swap < limit))
		die("config.json: linux.resources.memory.swap: memory and swap "
		    "together: needs a memory.limit, and at least it");
	if (swap > 0) {
		fmt(buf, sizeof buf, "%llu", (unsigned long long)((uint64_t)swap - limit));
		oci_arg2("--memory-swap", oci_keep(buf, strlen(buf)));
	}
}

static void resources(unsigned t, struct config *cfg, struct oci_spec *spec)
{
	unsigned v, m, p;

	oci_need(t, JSON_OBJECT, "linux.resources");
	oci_only(t, OCI_SPEC(LinuxResources, "devices\0memory\0pids\0cpu\0",
			     "blockIO\0hugepageLimits\0network\0rdma\0unified\0"),
		 "linux.resources");
	v = oci_member(t, "devices", "linux.resources");
	if (v)
		devices(v, cfg);
	m = oci_member(t, "memory", "linux.resources");
	if (m)
		memory(m);
	v = oci_member(t, "cpu", "linux.resources");
	if (v)
		oci_cpu(v, spec);
	p = oci_member(t, "pids", "linux.resources");
	v = p ? oci_member(oci_need(p, JSON_OBJECT, "linux.resources.pids"), "limit",
		       "linux.resources.pids") : 0;
	if (p)
		oci_only(p, OCI_SPEC(LinuxPids, "limit\0", ""), "linux.resources.pids");
	if (v) {
		int64_t n;
		char buf[32];
		if (json_int64(&oci_j, v, INT64_MIN, INT64_MAX, &n))
			die("config.json: linux.resources.pids.limit: a whole number");
		/* -1: no limit ("max", as a new group has; runc tells
		 * systemd TasksMax=infinity, where 0 leaves its default) */
		spec->pids_unlimited = n < 0;
		fmt(buf, sizeof buf, "%lld", (long long)(n > 0 ? n : 0));
		oci_arg2("--pids", oci_keep(buf, strlen(buf)));
	}
}

/* Whether each '/'-separated part of path is a group name. */
static bool valid_parts(char *path)
{
	for (char *part = path, *next; part; part = next) {
		next = strchr(part, '/');
		if (next)
			*next++ = '\0';
		/* a slice's own name is its whole path's, dashes for '/':
		 * the kubelet's besteffort pod slices are 65 bytes */
		if (!valid_name(part, "._-@:\\", 128))
			return false;
	}
	return true;
}

/* linux.cgroupsPath in the forms of runc's fs driver: "/PARENT/NAME"
 * below each hierarchy's root (containerd's "/default/ID", Podman's
 * "/libpod_parent/libpod-ID", runtime-tools' "/cgrouptest"), and
 * "PARENT/NAME" below the group hutch runs in, in each hierarchy (on v1
 * each may place it elsewhere; on v2 below its parent: cgroup.c's
 * open_base); none: "ID", as runc. PARENT (any depth, maybe none) is made where missing and stays,
 * as runc leaves it; NAME is the group create makes and delete removes
 * (the record keeps it: oci_create.c). runc cleans "..", "." and "//"
 * away, and an empty result puts the container in runc's own or the
 * root group, which runc then tries to remove: hutch refuses them
 * (false). systemd's form (--systemd-cgroup) comes here as the path
 * runc's systemd driver gives it (systemd_path). */
static bool cgroups_path(const char *path, struct oci_spec *spec)
{
	char *rel = oci_keep(path + (path[0] == '/'), strlen(path) - (path[0] == '/'));
	char *base = strrchr(rel, '/'), *name = base ? base + 1 : rel;

	if (base)
		*base = '\0';
	if (!valid_name(name, "._-", 120) || strlen(path) > 1 + 128 + 1 + 120 ||
	    (base && (base - rel > 128 || !valid_parts(oci_keep(rel, strlen(rel))))))
		return false;
	spec->cgroup_parent = base ? rel : "";
	cgroup_exact.below_own = path[0] != '/';
	if (strcmp(name, oci_container) != 0)
		spec->cgroup_name = name;
	return true;
}

/* systemd's name of a slice, "a-b.slice", as the path where systemd
 * keeps it, each '-' a level deeper: "/a.slice/a-b.slice" ("-.slice" is
 * the root, ""); runc's systemd driver does the same (ExpandSlice).
 * False when slice is no such name or its path exceeds size. */
static bool slice_path(const char *slice, char *out, size_t size)
{
	size_t len = strlen(slice), stem = len - 6, n = 0;

	out[0] = '\0';
	if (len < 7 || strcmp(slice + stem, ".slice") != 0 || strchr(slice, '/'))
		return false;
	if (stem == 1 && slice[0] == '-')
		return true;
	for (size_t i = 0; i <= stem; i++) {
		if (i < stem && slice[i] != '-')
			continue;
		/* "-a.slice", "a--b.slice", "a-.slice": no name, as systemd's */
		if (i == 0 || slice[i - 1] == '-' || n + 1 + i + sizeof ".slice" > size)
			return false;
		out[n++] = '/';
		memcpy(out + n, slice, i);
		memcpy(out + n + i, ".slice", sizeof ".slice");
		n += i + sizeof ".slice" - 1;
	}
	return true;
}

static bool is_slice(const char *name)
{
	size_t len = strlen(name);

	return len >= 6 && !strcmp(name + len - 6, ".slice");
}

/* --systemd-cgroup's cgroupsPath "SLICE:PREFIX:NAME" (Docker's
 * "system.slice:docker:ID", the kubelet's "kubepods-besteffort-
 * podUID.slice:cri-containerd:ID"; none: "system.slice:runc:ID") as the
 * absolute path runc's systemd driver gives the container's group in
 * each hierarchy: SLICE's path, then the unit PREFIX-NAME.scope (NAME
 * itself when it is a slice), which cgroups_path takes. hutch makes the
 * directories, as for the fs forms; where systemd runs (found as runc
 * finds it: oci_systemd_runs) create has systemd make the scope there
 * as well, as runc has it made (oci_systemd.c): spec->sd_unit. */
static void cgroups_systemd(const char *path, struct oci_spec *spec)
{
	char slice[1 + 128 + 1], *rest = oci_keep(path, strlen(path)); /* cgroups_path's PARENT */
	const char *part[3], *unit;

	for (int i = 0; i < 3; i++) {
		part[i] = rest;
		rest = rest ? strchr(rest, ':') : NULL;
		if (rest)
			*rest++ = '\0';
		if (!rest != (i == 2))
			die("config.json: linux.cgroupsPath %s: with --systemd-cgroup, "
			    "SLICE:PREFIX:NAME (system.slice:docker:ID), as runc", path);
	}
	if (strchr(part[1], '/') || strchr(part[2], '/'))
		die("config.json: linux.cgroupsPath %s: PREFIX and NAME make one unit name, "
		    "PREFIX-NAME.scope: no '/' in them", path);
	if (!part[0][0])
		part[0] = "system.slice";
	if (!slice_path(part[0], slice, sizeof slice))
		die("config.json: linux.cgroupsPath %s: '%s' is no slice hutch takes: "
		    "NAME.slice, each '-' a level deeper (a-b.slice is a.slice/a-b.slice), "
		    "its path up to 128 bytes", path, part[0]);
	unit = is_slice(part[2]) ? part[2] : oci_keepf("%s-%s.scope", part[1], part[2]);
	if (!cgroups_path(oci_keepf("%s/%s", slice, unit), spec))
		die("config.json: linux.cgroupsPath %s: with --systemd-cgroup hutch oci takes "
		    "SLICE:PREFIX:NAME whose unit, PREFIX-NAME.scope, has up to 120 letters, "
		    "digits, '.', '_', '-' (no '.' or '-' first)", path);
	if (!oci_systemd_runs())
		return;
	/* runc's driver would ask for a transient slice with the
	 * container's PIDs in it, which systemd does not take for a slice */
	if (is_slice(part[2]))
		die("config.json: linux.cgroupsPath %s: NAME '%s' is a slice, where systemd "
		    "runs hutch oci asks it for a scope only: a NAME without .slice", path,
		    part[2]);
	spec->sd_unit = unit;
	spec->sd_slice = part[0];
	spec->sd_name = part[2];
}

/* linux.rootfsPropagation: runc's words (an empty one is hutch's
 * default, private); set by mounts.c */
static unsigned long root_propagation(const char *w)
{
	unsigned long f = propagation(w);

	if (!f && w[0])
		die("config.json: linux.rootfsPropagation: '%s' is not a propagation: "
		    "write " PROPAGATION_WORDS " (rslave ...)", w);
	return f;
}

void oci_linux_section(unsigned t, struct config *cfg, struct oci_spec *spec)
{
	unsigned v;
	const char *cgroups;

	oci_need(t, JSON_OBJECT, "linux");
	oci_only(t, OCI_SPEC(Linux, "namespaces\0resources\0maskedPaths\0readonlyPaths\0"
			     "cgroupsPath\0uidMappings\0gidMappings\0sysctl\0seccomp\0"
			     "rootfsPropagation\0devices\0",
			     "mountLabel\0intelRdt\0personality\0"), "linux");
	v = oci_member(t, "namespaces", "linux");
	if (!v)
		die("config.json: linux.namespaces: required (pid, mount, ipc, uts)");
	namespaces(v, cfg, spec);
	v = oci_member(t, "resources", "linux");
	if (v)
		resources(v, cfg, spec);
	v = oci_member(t, "maskedPaths", "linux");
	if (v)
		paths(v, spec->masked, &spec->n_masked, "linux.maskedPaths");
	v = oci_member(t, "readonlyPaths", "linux");
	if (v)
		paths(v, spec->readonly, &spec->n_readonly, "linux.readonlyPaths");
	v = oci_member(t, "cgroupsPath", "linux");
	cgroups = oci_empty(v) ? NULL : oci_str(v, "linux.cgroupsPath");
	if (oci_systemd_cgroup)
		cgroups_systemd(cgroups ? cgroups : oci_keepf("%s%s", "system.slice:runc:",
							      oci_container), spec);
	else if (!cgroups_path(cgroups ? cgroups : oci_container, spec))
		die("config.json: linux.cgroupsPath %s: hutch oci takes /PARENT/NAME or "
		    "PARENT/NAME, PARENT optional (up to 128 bytes), NAME up to 120 "
		    "letters, digits, '.', '_', '-' (PARENT's also '@', ':', '\\'), "
		    "no empty, '.' or '..' part (with --systemd-cgroup: SLICE:PREFIX:NAME)",
		    cgroups);
	v = oci_member(t, "uidMappings", "linux");
	if (!oci_empty(v) || spec->userns)
		oci_id_map(v, spec, 0);
	v = oci_member(t, "gidMappings", "linux");
	if (!oci_empty(v) || spec->userns)
		oci_id_map(v, spec, 1);
	v = oci_member(t, "sysctl", "linux");
	for (unsigned k = v ? json_first(&oci_j, oci_need(v, JSON_OBJECT, "linux.sysctl"))
			    : 0; k; k = json_next(&oci_j, k)) {
		char *key = oci_str(k, "linux.sysctl");
		oci_member(v, key, "linux.sysctl"); /* dies on a key given twice */
		oci_sysctl_add(spec, cfg, key, oci_str(k + 1, "linux.sysctl's values"));
	}
	v = oci_member(t, "seccomp", "linux");
	if (!oci_empty(v))
		oci_seccomp(v);
	v = oci_member(t, "devices", "linux");
	if (!oci_empty(v))
		oci_devices(v, cfg, spec->userns);
	v = oci_member(t, "rootfsPropagation", "linux");
	if (!oci_empty(v))
		cfg->root_propagation = root_propagation(oci_str(v, "linux.rootfsPropagation"));
}
