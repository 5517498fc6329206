// SPDX-License-Identifier: MIT
/* oci_config.c - [oci] config.json onto hutch's configuration. Most of
 * it becomes hutch's own command line (--root, --user, --cap-keep,
 * --rlimit, --env, ...), parsed by the one option table, so that the
 * values are judged by the same checks as everywhere else; the rest
 * (mounts of any type, masked paths) goes into fields set directly. A
 * field that has no mapping is refused by its name: never ignored. */
#include "oci.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "options.h"
#include "privs.h"
#include "sys.h"

#define OCI_CONFIG_MAX (1u << 20) /* config.json; Docker's seccomp profile is ~60 KiB */
#define OCI_TOKENS 32768
#define OCI_ARGS 512

static char text[OCI_CONFIG_MAX];
static struct json_tok tok[OCI_TOKENS];
static struct json j;
static char arena[OCI_CONFIG_MAX];
static size_t arena_used;
static char *args[OCI_ARGS + 1];
static int n_args;
static const char *bundle_dir, *container;
static uint64_t cap_bits, inherit_bits, ambient_bits;
static bool terminal, no_new_privs;

/* A copy in the arena: the strings must outlive the parse. */
static char *keep(const char *s, size_t n)
{
	char *p;
	if (arena_used + n + 1 > sizeof arena)
		die("config.json: too large for hutch (%u bytes of strings)",
		    (unsigned)sizeof arena);
	p = arena + arena_used;
	memcpy(p, s, n);
	p[n] = '\0';
	arena_used += n + 1;
	return p;
}

static char *keepf(const char *f, const char *a, const char *b)
{
	char buf[4200];
	size_t n = fmt(buf, sizeof buf, f, a, b);
	if (n >= sizeof buf)
		die("config.json: a value is too long: %.60s...", buf);
	return keep(buf, n);
}

static void arg(const char *a)
{
	if (n_args >= OCI_ARGS)
		die("config.json: too many values for hutch (more than %d)", OCI_ARGS);
	args[n_args++] = keep(a, strlen(a)); /* options_parse takes char ** */
}

static void arg2(const char *option, const char *value)
{
	arg(option);
	arg(value);
}

/* The string at t, or death naming the field. */
static char *str(unsigned t, const char *field)
{
	static char buf[4096];
	int n = json_string(&j, t, buf, sizeof buf);
	if (n < 0)
		die("config.json: %s: %s", field, n == -ENOSPC ? "longer than 4095 bytes"
		    : j.tok[t].type == JSON_STRING ? "holds a NUL (\\u0000)"
		    : "must be a string");
	return keep(buf, (size_t)n);
}

static unsigned need(unsigned t, int type, const char *field)
{
	static const char *const names[] = { "null", "a boolean", "a boolean",
		"a number", "a string", "an array", "an object" };
	if (j.tok[t].type != type &&
	    !(type == JSON_TRUE && j.tok[t].type == JSON_FALSE))
		die("config.json: %s: must be %s", field, names[type]);
	return t;
}

/* The member key of object t, or 0 when absent; a key given twice is
 * refused (readers differ on which one wins). */
static unsigned member(unsigned t, const char *key, const char *field)
{
	int v = json_get(&j, t, key);
	if (v == JSON_DUPLICATE)
		die("config.json: %s.%s: given twice", field, key);
	return v > 0 ? (unsigned)v : 0;
}

static uint64_t unum(unsigned t, uint64_t max, const char *field)
{
	uint64_t v;
	int err = json_uint64(&j, t, max, &v);
	if (err)
		die("config.json: %s: %s", field, err == -ERANGE ?
		    "out of range" : "must be a whole number");
	return v;
}

/* Every key of object t must be one of the NUL-separated names in
 * known: the rest is a field hutch does not implement. */
static void only(unsigned t, const char *known, const char *field)
{
	for (unsigned k = json_first(&j, t); k; k = json_next(&j, k)) {
		const char *n = known;
		while (*n && !json_eq(&j, k, n))
			n += strlen(n) + 1;
		if (!*n) {
			char key[64];
			if (json_string(&j, k, key, sizeof key) < 0)
				memcpy(key, "?", 2);
			die("config.json: %s%s%s: not supported by hutch oci "
			    "(docs/oci.md)", field, *field ? "." : "", key);
		}
	}
}

/* A field hutch cannot honour may still be given empty (null, "", [],
 * {}, false): generators write them so. */
static bool empty(unsigned t)
{
	const struct json_tok *k = &j.tok[t];
	return !t || k->type == JSON_NULL || k->type == JSON_FALSE ||
	       (k->type == JSON_STRING && !k->len) ||
	       ((k->type == JSON_ARRAY || k->type == JSON_OBJECT) && !k->count);
}

static void refuse_unless_empty(unsigned obj, const char *key, const char *field)
{
	unsigned v = member(obj, key, field);
	if (!empty(v))
		die("config.json: %s%s%s: not supported by hutch oci (docs/oci.md)",
		    field, *field ? "." : "", key);
}

/* --- process ---------------------------------------------------------- */

/* A capability set as bits, each name checked. */
static uint64_t cap_set(unsigned t, const char *field)
{
	uint64_t bits = 0;
	for (unsigned i = json_first(&j, need(t, JSON_ARRAY, field)); i;
	     i = json_next(&j, i)) {
		const char *c = str(i, field);
		int n = capability_number(c);
		if (n >= 0 && n < 64)
			bits |= 1ULL << n;
		else
			die("config.json: %s: '%s' is not a capability", field, c);
	}
	return bits;
}

/* hutch keeps one set for bounding, effective and permitted: sets that
 * differ cannot be honoured. Inheritable and ambient are their own
 * (within it). */
static void caps(unsigned t)
{
	static const char sets[] = "effective\0permitted\0";
	unsigned b, v;
	uint64_t keep_bits;

	only(t, "bounding\0effective\0permitted\0inheritable\0ambient\0",
	     "process.capabilities");
	b = member(t, "bounding", "process.capabilities");
	keep_bits = b ? cap_set(b, "process.capabilities.bounding") : 0;
	for (const char *s = sets; *s; s += strlen(s) + 1) {
		char field[48];
		v = member(t, s, "process.capabilities");
		fmt(field, sizeof field, "process.capabilities.%s", s);
		if (v && cap_set(v, field) != keep_bits)
			die("config.json: %s: must be the same set as bounding "
			    "(hutch keeps one set)", field);
	}
	v = member(t, "inheritable", "process.capabilities");
	inherit_bits = v ? cap_set(v, "process.capabilities.inheritable") : 0;
	v = member(t, "ambient", "process.capabilities");
	ambient_bits = v ? cap_set(v, "process.capabilities.ambient") : 0;
	if ((inherit_bits | ambient_bits) & ~keep_bits)
		die("config.json: process.capabilities: inheritable and ambient "
		    "must be within bounding");
	/* set after the parse: --cap-keep refuses sys_ptrace for fear of
	 * hutch's PID 1, which a container does not have (oci_init.c) */
	cap_bits = keep_bits;
}

/* A limit as --rlimit takes it: UINT64_MAX is RLIM_INFINITY. */
static const char *limit(unsigned t, const char *field, char buf[24])
{
	uint64_t v = unum(t, UINT64_MAX, field);
	if (v == UINT64_MAX)
		return "unlimited";
	fmt(buf, 24, "%llu", (unsigned long long)v);
	return buf;
}

static void rlimits(unsigned t)
{
	for (unsigned i = json_first(&j, need(t, JSON_ARRAY, "process.rlimits")); i;
	     i = json_next(&j, i)) {
		unsigned ty, so, ha;
		char name[32], buf[96], soft[24], hard[24], *p;
		size_t k;
		need(i, JSON_OBJECT, "process.rlimits[]");
		only(i, "type\0soft\0hard\0", "process.rlimits[]");
		ty = member(i, "type", "process.rlimits[]");
		so = member(i, "soft", "process.rlimits[]");
		ha = member(i, "hard", "process.rlimits[]");
		if (!ty || !so || !ha)
			die("config.json: process.rlimits[]: type, soft and hard are required");
		p = str(ty, "process.rlimits[].type");
		if (strncmp(p, "RLIMIT_", 7) != 0 || strlen(p) > 30)
			die("config.json: process.rlimits[].type: '%s' is not RLIMIT_NAME", p);
		for (k = 0; p[7 + k]; k++)
			name[k] = (char)(p[7 + k] >= 'A' && p[7 + k] <= 'Z' ?
					 p[7 + k] - 'A' + 'a' : p[7 + k]);
		name[k] = '\0';
		fmt(buf, sizeof buf, "%s=%s:%s", name,
		    limit(so, "process.rlimits[].soft", soft),
		    limit(ha, "process.rlimits[].hard", hard));
		arg2("--rlimit", keep(buf, strlen(buf)));
	}
}

static void user(unsigned t)
{
	unsigned uid, gid, g, um;
	char buf[64];

	need(t, JSON_OBJECT, "process.user");
	only(t, "uid\0gid\0umask\0additionalGids\0", "process.user");
	uid = member(t, "uid", "process.user");
	gid = member(t, "gid", "process.user");
	fmt(buf, sizeof buf, "%llu:%llu",
	    (unsigned long long)(uid ? unum(uid, UINT32_MAX - 1, "process.user.uid") : 0),
	    (unsigned long long)(gid ? unum(gid, UINT32_MAX - 1, "process.user.gid") : 0));
	arg2("--user", keep(buf, strlen(buf)));
	g = member(t, "additionalGids", "process.user");
	for (unsigned i = g ? json_first(&j, need(g, JSON_ARRAY,
	     "process.user.additionalGids")) : 0; i; i = json_next(&j, i)) {
		fmt(buf, sizeof buf, "%llu", (unsigned long long)unum(i, UINT32_MAX - 1,
		    "process.user.additionalGids[]"));
		arg2("--group-add", keep(buf, strlen(buf)));
	}
	um = member(t, "umask", "process.user");
	if (um) {
		/* octal by hand: hutch's fmt has no %o */
		unsigned m = (unsigned)unum(um, 0777, "process.user.umask");
		char oct[5] = { '0', (char)('0' + (m >> 6)), (char)('0' + (m >> 3 & 7)),
				(char)('0' + (m & 7)), '\0' };
		arg2("--umask", keep(oct, 4));
	}
}

static void process(unsigned t, struct config *cfg)
{
	unsigned a, v;

	need(t, JSON_OBJECT, "process");
	only(t, "terminal\0user\0args\0env\0cwd\0capabilities\0"
	     "rlimits\0noNewPrivileges\0oomScoreAdj\0apparmorProfile\0"
	     "selinuxLabel\0", "process");
	v = member(t, "terminal", "process");
	terminal = v && json_bool(&j, need(v, JSON_TRUE, "process.terminal")) == 1;
	refuse_unless_empty(t, "apparmorProfile", "process");
	refuse_unless_empty(t, "selinuxLabel", "process");
	v = member(t, "noNewPrivileges", "process");
	no_new_privs = v && json_bool(&j, need(v, JSON_TRUE,
					       "process.noNewPrivileges")) == 1;
	v = member(t, "user", "process");
	if (v)
		user(v);
	v = member(t, "cwd", "process");
	if (!v)
		die("config.json: process.cwd: required");
	arg2("--workdir", str(v, "process.cwd"));
	v = member(t, "env", "process");
	for (unsigned i = v ? json_first(&j, need(v, JSON_ARRAY, "process.env")) : 0;
	     i; i = json_next(&j, i)) {
		char *e = str(i, "process.env[]");
		if (!strchr(e, '='))
			die("config.json: process.env[]: '%s' is not KEY=VALUE", e);
		arg2("--env", e);
	}
	v = member(t, "capabilities", "process");
	if (v)
		caps(need(v, JSON_OBJECT, "process.capabilities"));
	else
		cap_bits = 0;
	v = member(t, "rlimits", "process");
	if (v)
		rlimits(v);
	v = member(t, "oomScoreAdj", "process");
	if (v) {
		int64_t adj;
		if (json_int64(&j, v, -1000, 1000, &adj))
			die("config.json: process.oomScoreAdj: a whole number, -1000..1000");
		fmt(cfg->oom_score_adj, sizeof cfg->oom_score_adj, "%d", (int)adj);
	}
	a = member(t, "args", "process");
	if (!a || !j.tok[need(a, JSON_ARRAY, "process.args")].count)
		die("config.json: process.args: required, at least the program");
	arg("--");
	for (unsigned i = json_first(&j, a); i; i = json_next(&j, i))
		arg(str(i, "process.args[]"));
}

/* --- mounts ------------------------------------------------------------ */

/* The mounts hutch makes itself, with its own options (docs/oci.md):
 * config.json's entry for them is accepted when its type is theirs. */
static bool hutch_own(const char *dst, const char *type)
{
	static const char own[] = "/proc\0proc\0/dev\0tmpfs\0/dev/pts\0devpts\0"
				  "/dev/shm\0tmpfs\0";
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
};

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
		{ "private", 0, 0 }, { "rprivate", 0, 0 },
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
	/* hutch's mount namespace is private throughout: shared or slave
	 * propagation would be a promise it does not keep */
	if (!strcmp(o + (o[0] == 'r'), "shared") || !strcmp(o + (o[0] == 'r'), "slave") ||
	    !strcmp(o + (o[0] == 'r'), "unbindable"))
		die("config.json: mounts: %s: option %s: propagation other than "
		    "private is not supported by hutch oci", dst, o);
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

/* Whether a path has a ".." component. */
static bool dot_dot(const char *p)
{
	for (; *p; p++)
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]) &&
		    (p[-1] == '/'))
			return true;
	return false;
}

static const char *bundle_path(const char *p)
{
	return p[0] == '/' ? p : keepf("%s/%s", bundle_dir, p);
}

static void one_mount(unsigned t, struct config *cfg)
{
	struct mount_opts m = { 0 };
	unsigned d, ty, so, op;
	const char *dst, *type = "", *src = NULL;
	struct mount_spec *ms;

	need(t, JSON_OBJECT, "mounts[]");
	only(t, "destination\0type\0source\0options\0", "mounts[]");
	d = member(t, "destination", "mounts[]");
	if (!d)
		die("config.json: mounts[].destination: required");
	dst = str(d, "mounts[].destination");
	if (dst[0] != '/' || dot_dot(dst))
		die("config.json: mounts: %s: the destination must be an absolute "
		    "path without ..", dst);
	ty = member(t, "type", "mounts[]");
	if (ty)
		type = str(ty, "mounts[].type");
	so = member(t, "source", "mounts[]");
	if (so)
		src = str(so, "mounts[].source");
	op = member(t, "options", "mounts[]");
	for (unsigned i = op ? json_first(&j, need(op, JSON_ARRAY, "mounts[].options"))
			     : 0; i; i = json_next(&j, i))
		mount_option(str(i, "mounts[].options[]"), &m, dst);
	if (!m.bind && !strcmp(type, "bind"))
		m.bind = m.rec = true; /* runc's reading of type "bind" alone */
	if (!m.bind && hutch_own(dst, type))
		return;
	if (cfg->n_mounts == CONFIG_MAX_MOUNTS)
		die("config.json: mounts: more than %d", CONFIG_MAX_MOUNTS);
	ms = &cfg->mounts[cfg->n_mounts++];
	ms->dst = dst;
	if (m.bind) {
		if (!src)
			die("config.json: mounts: %s: a bind mount needs a source", dst);
		if (m.data[0] || (m.flags & ~(unsigned long)(MS_RDONLY | MS_NOSUID |
							  MS_NODEV)))
			die("config.json: mounts: %s: a bind mount takes only ro, "
			    "nosuid, nodev (hutch binds nosuid and nodev always)", dst);
		if ((m.flags & MS_RDONLY) ? m.rec : !m.rec)
			die("config.json: mounts: %s: hutch binds read-write with "
			    "rbind and read-only with bind (no submounts): say so",
			    dst);
		ms->kind = (m.flags & MS_RDONLY) ? MOUNT_RO_BIND : MOUNT_BIND;
		ms->src = bundle_path(src);
		return;
	}
	if (!type[0])
		die("config.json: mounts: %s: type required", dst);
	if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2"))
		die("config.json: mounts: %s: type %s is not supported by hutch oci "
		    "yet (remove the entry)", dst, type);
	ms->kind = MOUNT_FS;
	ms->type = type;
	ms->src = src ? src : type;
	ms->flags = m.flags;
	ms->data = m.data[0] ? keep(m.data, m.len) : NULL;
}

/* --- linux ------------------------------------------------------------- */

static void namespaces(unsigned t, struct config *cfg)
{
	static const char *const names[] = { "pid", "mount", "ipc", "uts", "network" };
	bool seen[5] = { false };

	for (unsigned i = json_first(&j, need(t, JSON_ARRAY, "linux.namespaces")); i;
	     i = json_next(&j, i)) {
		unsigned ty, p;
		size_t k = 0;
		need(i, JSON_OBJECT, "linux.namespaces[]");
		only(i, "type\0path\0", "linux.namespaces[]");
		ty = member(i, "type", "linux.namespaces[]");
		p = member(i, "path", "linux.namespaces[]");
		if (!ty)
			die("config.json: linux.namespaces[].type: required");
		while (k < 5 && !json_eq(&j, ty, names[k]))
			k++;
		if (k == 5)
			die("config.json: linux.namespaces: type %s is not supported "
			    "by hutch oci", str(ty, "linux.namespaces[].type"));
		if (!empty(p))
			die("config.json: linux.namespaces: %s: joining a namespace "
			    "by path is not supported by hutch oci yet", names[k]);
		seen[k] = true;
	}
	/* hutch always makes new PID, mount, IPC and UTS namespaces */
	if (!seen[0] || !seen[1] || !seen[2] || !seen[3])
		die("config.json: linux.namespaces: hutch oci needs new pid, mount, "
		    "ipc and uts namespaces (sharing the host's is not supported)");
	cfg->net_none = seen[4];
}

static void paths(unsigned t, const char **list, size_t *n, const char *field)
{
	for (unsigned i = json_first(&j, need(t, JSON_ARRAY, field)); i;
	     i = json_next(&j, i)) {
		const char *p = str(i, field);
		if (p[0] != '/')
			die("config.json: %s: '%s' is not an absolute path", field, p);
		if (*n == OCI_MAX_PATHS)
			die("config.json: %s: more than %d", field, OCI_MAX_PATHS);
		list[(*n)++] = p;
	}
}

/* runc spec's "deny everything" is hutch's own allow-list's start;
 * what hutch then allows is its /dev's nodes (docs/oci.md). */
static void devices(unsigned t)
{
	for (unsigned i = json_first(&j, need(t, JSON_ARRAY,
	     "linux.resources.devices")); i; i = json_next(&j, i)) {
		unsigned al = member(i, "allow", "linux.resources.devices[]");
		unsigned ac = member(i, "access", "linux.resources.devices[]");
		only(i, "allow\0access\0", "linux.resources.devices[]");
		if (!al || json_bool(&j, al) != 0 || !ac || !json_eq(&j, ac, "rwm"))
			die("config.json: linux.resources.devices: only the deny-all "
			    "entry {\"allow\":false,\"access\":\"rwm\"} is supported; "
			    "hutch allows its own /dev's nodes");
	}
}

static void resources(unsigned t)
{
	unsigned v, m, p;
	char buf[32];

	need(t, JSON_OBJECT, "linux.resources");
	only(t, "devices\0memory\0pids\0", "linux.resources");
	v = member(t, "devices", "linux.resources");
	if (v)
		devices(v);
	m = member(t, "memory", "linux.resources");
	if (m) {
		need(m, JSON_OBJECT, "linux.resources.memory");
		only(m, "limit\0", "linux.resources.memory");
		v = member(m, "limit", "linux.resources.memory");
		if (v) {
			fmt(buf, sizeof buf, "%llu", (unsigned long long)unum(v,
			    INT64_MAX, "linux.resources.memory.limit"));
			arg2("--memory", keep(buf, strlen(buf)));
		}
	}
	p = member(t, "pids", "linux.resources");
	v = p ? member(need(p, JSON_OBJECT, "linux.resources.pids"), "limit",
		       "linux.resources.pids") : 0;
	if (p)
		only(p, "limit\0", "linux.resources.pids");
	if (v) {
		int64_t n;
		if (json_int64(&j, v, INT64_MIN, INT64_MAX, &n))
			die("config.json: linux.resources.pids.limit: a whole number");
		fmt(buf, sizeof buf, "%lld", (long long)(n > 0 ? n : 0));
		arg2("--pids", keep(buf, strlen(buf)));
	}
}

/* /PARENT/ID (containerd's "/default/ID", "/k8s.io/ID"): the group is
 * hutch's PARENT/ID in each hierarchy, --cgroup-parent PARENT; the
 * container's id must be the last part (hutch names the group after
 * it). systemd's "slice:prefix:name" (--systemd-cgroup) is not mapped. */
static void cgroups_path(char *p)
{
	char *base = strrchr(p, '/');

	if (p[0] == '/' && base && base != p && strcmp(base + 1, container) == 0) {
		*base = '\0';
		arg2("--cgroup-parent", p + 1);
		return;
	}
	die("config.json: linux.cgroupsPath %s: hutch oci takes /PARENT/%s (the "
	    "container's id last; systemd's slice:prefix:name form is not "
	    "supported yet)", p, container);
}

static void linux_section(unsigned t, struct config *cfg, struct oci_spec *spec)
{
	unsigned v;

	need(t, JSON_OBJECT, "linux");
	only(t, "namespaces\0resources\0maskedPaths\0readonlyPaths\0cgroupsPath\0"
	     "uidMappings\0gidMappings\0sysctl\0seccomp\0devices\0rootfsPropagation\0"
	     "mountLabel\0intelRdt\0personality\0", "linux");
	v = member(t, "namespaces", "linux");
	if (!v)
		die("config.json: linux.namespaces: required (pid, mount, ipc, uts)");
	namespaces(v, cfg);
	v = member(t, "resources", "linux");
	if (v)
		resources(v);
	v = member(t, "maskedPaths", "linux");
	if (v)
		paths(v, spec->masked, &spec->n_masked, "linux.maskedPaths");
	v = member(t, "readonlyPaths", "linux");
	if (v)
		paths(v, spec->readonly, &spec->n_readonly, "linux.readonlyPaths");
	v = member(t, "cgroupsPath", "linux");
	if (!empty(v))
		cgroups_path(str(v, "linux.cgroupsPath"));
	refuse_unless_empty(t, "uidMappings", "linux");
	refuse_unless_empty(t, "gidMappings", "linux");
	refuse_unless_empty(t, "sysctl", "linux");
	refuse_unless_empty(t, "seccomp", "linux");
	refuse_unless_empty(t, "devices", "linux");
	refuse_unless_empty(t, "mountLabel", "linux");
	refuse_unless_empty(t, "intelRdt", "linux");
	refuse_unless_empty(t, "personality", "linux");
	v = member(t, "rootfsPropagation", "linux");
	if (v && !json_eq(&j, v, "private") && !json_eq(&j, v, "rprivate") &&
	    !empty(v))
		die("config.json: linux.rootfsPropagation: only private is supported");
}

/* --- the file ---------------------------------------------------------- */

static void read_json(const char *path)
{
	size_t where;
	const char *what;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		die("cannot open %s: %s", path, error_text(errno));
	n = read_fd(fd, text, sizeof text);
	close(fd);
	if (n < 0)
		die("cannot read %s: %s", path, error_text((int)-n));
	if ((size_t)n == sizeof text)
		die("%s: larger than %u bytes", path, (unsigned)sizeof text - 1);
	if (json_parse(&j, text, (size_t)n, tok, OCI_TOKENS, &where, &what))
		die("%s: not valid JSON at byte %zu: %s", path, where, what);
	if (j.tok[0].type != JSON_OBJECT)
		die("%s: must hold a JSON object", path);
}

static void root_section(unsigned t)
{
	unsigned p, ro;

	need(t, JSON_OBJECT, "root");
	only(t, "path\0readonly\0", "root");
	p = member(t, "path", "root");
	if (!p)
		die("config.json: root.path: required");
	arg2("--root", bundle_path(str(p, "root.path")));
	ro = member(t, "readonly", "root");
	if (ro && json_bool(&j, need(ro, JSON_TRUE, "root.readonly")) == 1)
		arg("--read-only");
}

static void read_config(const char *bundle)
{
	char path[4200];

	if (fmt(path, sizeof path, "%s/config.json", bundle) >= sizeof path)
		die("--bundle %s: too long", bundle);
	read_json(path);
}

/* What process() collected, into cfg after the option parse. */
static void process_done(struct config *cfg, const char *oom)
{
	struct parse_error err;

	args[n_args] = NULL;
	if (options_parse(cfg, n_args, args, &err, true) != PARSE_RUN)
		die("config.json, as hutch's options: %s", err.msg);
	memcpy(cfg->oom_score_adj, oom, sizeof cfg->oom_score_adj);
	cfg->cap_keep = cap_bits;
	cfg->cap_inheritable = inherit_bits;
	cfg->cap_ambient = ambient_bits;
	cfg->oci = true;
	cfg->oci_privs = !no_new_privs;
	cfg->restart = RESTART_NO;
}

void oci_load_process(const char *file, const char *id, struct config *cfg,
		      bool *tty)
{
	static struct config scratch;

	read_json(file);
	arg("hutch");
	arg2("--name", id);
	arg2("--seccomp", "off");
	arg2("--pids", "0");
	process(0, &scratch);
	process_done(cfg, scratch.oom_score_adj);
	*tty = terminal;
}

void oci_load(const char *bundle, const char *id, struct config *cfg,
	      struct oci_spec *spec)
{
	static struct config mounts_only; /* the mounts, kept across the parse */
	char oom[sizeof cfg->oom_score_adj] = "";
	unsigned v;

	bundle_dir = bundle;
	container = id;
	read_config(bundle);
	only(0, "ociVersion\0root\0process\0hostname\0domainname\0mounts\0linux\0"
	     "annotations\0hooks\0", "");
	v = member(0, "ociVersion", "");
	if (!v || strncmp(spec->version = str(v, "ociVersion"), "1.", 2) != 0)
		die("config.json: ociVersion: hutch oci reads version 1.x");
	refuse_unless_empty(0, "hooks", "");
	refuse_unless_empty(0, "domainname", "");
	v = member(0, "annotations", "");
	if (v && j.tok[need(v, JSON_OBJECT, "annotations")].count) {
		spec->annotations = keep(text + j.tok[v].start, j.tok[v].len);
		spec->annotations_len = j.tok[v].len;
	}
	arg("hutch");
	arg2("--name", id);
	/* no default filter, no default pids limit: config.json's alone */
	arg2("--seccomp", "off");
	arg2("--pids", "0");
	v = member(0, "root", "");
	if (!v)
		die("config.json: root: required");
	root_section(v);
	v = member(0, "hostname", "");
	spec->host_hostname = empty(v);
	if (!spec->host_hostname)
		arg2("--hostname", str(v, "hostname"));
	v = member(0, "linux", "");
	if (!v)
		die("config.json: linux: required (hutch oci runs Linux containers)");
	linux_section(v, &mounts_only, spec);
	if (mounts_only.net_none)
		arg2("--net", "none");
	v = member(0, "mounts", "");
	for (unsigned i = v ? json_first(&j, need(v, JSON_ARRAY, "mounts")) : 0; i;
	     i = json_next(&j, i))
		one_mount(i, &mounts_only);
	v = member(0, "process", "");
	if (!v)
		die("config.json: process: required (hutch oci has no other way "
		    "to start one)");
	process(v, &mounts_only);
	memcpy(oom, mounts_only.oom_score_adj, sizeof oom);
	process_done(cfg, oom);
	if (cfg->n_mounts + mounts_only.n_mounts > CONFIG_MAX_MOUNTS)
		die("config.json: mounts: more than %d", CONFIG_MAX_MOUNTS);
	memcpy(cfg->mounts + cfg->n_mounts, mounts_only.mounts,
	       mounts_only.n_mounts * sizeof cfg->mounts[0]);
	cfg->n_mounts += mounts_only.n_mounts;
	spec->terminal = terminal;
}
