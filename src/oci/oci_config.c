// SPDX-License-Identifier: MIT
/* oci_config.c - [oci] config.json onto hutch's configuration: the top
 * level, root and process here (mounts and linux in oci_linux.c). Most
 * of it becomes hutch's own command line (--root, --user, --rlimit,
 * --env, ...), parsed by the one option table, so that the values are
 * judged by the same checks as everywhere else; the rest (mounts of any
 * type, masked paths, capability sets) goes into fields set directly. A
 * field of the spec that has no mapping is refused by its name, never
 * ignored; a name the spec does not define is ignored with a warning
 * (oci_only, oci_walk.h). */
#include "oci_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "options.h"
#include "sys.h"

static uint64_t cap_bits, inherit_bits, ambient_bits;
static bool terminal, no_new_privs;

/* --- process ---------------------------------------------------------- */

/* A capability set as bits. A name hutch does not know is ignored with
 * a warning, as runc 1.1 does ("ignoring unknown or unavailable
 * capabilities"): the set's other names still hold. */
static uint64_t cap_set(unsigned t, const char *field)
{
	uint64_t bits = 0;
	for (unsigned i = json_first(&oci_j, oci_need(t, JSON_ARRAY, field)); i;
	     i = json_next(&oci_j, i)) {
		const char *c = oci_str(i, field);
		int n = capability_number(c);
		if (n >= 0 && n < 64)
			bits |= 1ULL << n;
		else
			oci_ignored(field, c, "not a capability hutch knows");
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

	oci_only(t, OCI_SPEC(LinuxCapabilities, "bounding\0effective\0permitted\0"
			     "inheritable\0ambient\0", ""), "process.capabilities");
	b = oci_member(t, "bounding", "process.capabilities");
	keep_bits = b ? cap_set(b, "process.capabilities.bounding") : 0;
	for (const char *s = sets; *s; s += strlen(s) + 1) {
		char field[48];
		v = oci_member(t, s, "process.capabilities");
		fmt(field, sizeof field, "process.capabilities.%s", s);
		if (v && cap_set(v, field) != keep_bits)
			die("config.json: %s: must be the same set as bounding "
			    "(hutch keeps one set)", field);
	}
	v = oci_member(t, "inheritable", "process.capabilities");
	inherit_bits = v ? cap_set(v, "process.capabilities.inheritable") : 0;
	v = oci_member(t, "ambient", "process.capabilities");
	ambient_bits = v ? cap_set(v, "process.capabilities.ambient") : 0;
	if ((inherit_bits | ambient_bits) & ~keep_bits)
		die("config.json: process.capabilities: inheritable and ambient "
		    "must be within bounding");
	/* set after the parse: --cap-keep refuses sys_ptrace for fear of
	 * hutch's PID 1, which a oci_container does not have (oci_init.c) */
	cap_bits = keep_bits;
}

/* A limit as --rlimit takes it: UINT64_MAX is RLIM_INFINITY. */
static const char *limit(unsigned t, const char *field, char buf[24])
{
	uint64_t v = oci_unum(t, UINT64_MAX, field);
	if (v == UINT64_MAX)
		return "unlimited";
	fmt(buf, 24, "%llu", (unsigned long long)v);
	return buf;
}

static void rlimits(unsigned t)
{
	for (unsigned i = json_first(&oci_j, oci_need(t, JSON_ARRAY, "process.rlimits")); i;
	     i = json_next(&oci_j, i)) {
		unsigned ty, so, ha;
		char name[32], buf[96], soft[24], hard[24], *p;
		size_t k;
		oci_need(i, JSON_OBJECT, "process.rlimits[]");
		oci_only(i, OCI_SPEC(POSIXRlimit, "type\0soft\0hard\0", ""), "process.rlimits[]");
		ty = oci_member(i, "type", "process.rlimits[]");
		so = oci_member(i, "soft", "process.rlimits[]");
		ha = oci_member(i, "hard", "process.rlimits[]");
		if (!ty || !so || !ha)
			die("config.json: process.rlimits[]: type, soft and hard are required");
		p = oci_str(ty, "process.rlimits[].type");
		if (strncmp(p, "RLIMIT_", 7) != 0 || strlen(p) > 30)
			die("config.json: process.rlimits[].type: '%s' is not RLIMIT_NAME", p);
		for (k = 0; p[7 + k]; k++)
			name[k] = (char)(p[7 + k] >= 'A' && p[7 + k] <= 'Z' ?
					 p[7 + k] - 'A' + 'a' : p[7 + k]);
		name[k] = '\0';
		fmt(buf, sizeof buf, "%s=%s:%s", name,
		    limit(so, "process.rlimits[].soft", soft),
		    limit(ha, "process.rlimits[].hard", hard));
		oci_arg2("--rlimit", oci_keep(buf, strlen(buf)));
	}
}

static void user(unsigned t)
{
	unsigned uid, gid, g, um;
	char buf[64];

	oci_need(t, JSON_OBJECT, "process.user");
	oci_only(t, OCI_SPEC(User, "uid\0gid\0umask\0additionalGids\0", "username\0"),
		 "process.user");
	uid = oci_member(t, "uid", "process.user");
	gid = oci_member(t, "gid", "process.user");
	fmt(buf, sizeof buf, "%llu:%llu",
	    (unsigned long long)(uid ? oci_unum(uid, UINT32_MAX - 1, "process.user.uid") : 0),
	    (unsigned long long)(gid ? oci_unum(gid, UINT32_MAX - 1, "process.user.gid") : 0));
	oci_arg2("--user", oci_keep(buf, strlen(buf)));
	g = oci_member(t, "additionalGids", "process.user");
	for (unsigned i = g ? json_first(&oci_j, oci_need(g, JSON_ARRAY,
	     "process.user.additionalGids")) : 0; i; i = json_next(&oci_j, i)) {
		fmt(buf, sizeof buf, "%llu", (unsigned long long)oci_unum(i, UINT32_MAX - 1,
		    "process.user.additionalGids[]"));
		oci_arg2("--group-add", oci_keep(buf, strlen(buf)));
	}
	um = oci_member(t, "umask", "process.user");
	if (um) {
		/* octal by hand: hutch's fmt has no %o */
		unsigned m = (unsigned)oci_unum(um, 0777, "process.user.umask");
		char oct[5] = { '0', (char)('0' + (m >> 6)), (char)('0' + (m >> 3 & 7)),
				(char)('0' + (m & 7)), '\0' };
		oci_arg2("--umask", oci_keep(oct, 4));
	}
}

static void process(unsigned t, struct runtime *rt)
{
	unsigned a, v;

	oci_need(t, JSON_OBJECT, "process");
	oci_only(t, OCI_SPEC(Process, "terminal\0user\0args\0env\0cwd\0capabilities\0"
			     "rlimits\0noNewPrivileges\0oomScoreAdj\0",
			     "consoleSize\0commandLine\0apparmorProfile\0selinuxLabel\0"),
		 "process");
	v = oci_member(t, "terminal", "process");
	terminal = v && json_bool(&oci_j, oci_need(v, JSON_TRUE, "process.terminal")) == 1;
	v = oci_member(t, "noNewPrivileges", "process");
	no_new_privs = v && json_bool(&oci_j, oci_need(v, JSON_TRUE,
					       "process.noNewPrivileges")) == 1;
	v = oci_member(t, "user", "process");
	if (v)
		user(v);
	v = oci_member(t, "cwd", "process");
	if (!v)
		die("config.json: process.cwd: required");
	oci_arg2("--workdir", oci_str(v, "process.cwd"));
	v = oci_member(t, "env", "process");
	for (unsigned i = v ? json_first(&oci_j, oci_need(v, JSON_ARRAY, "process.env")) : 0;
	     i; i = json_next(&oci_j, i)) {
		char *e = oci_str(i, "process.env[]");
		if (!strchr(e, '='))
			die("config.json: process.env[]: '%s' is not KEY=VALUE", e);
		oci_arg2("--env", e);
	}
	v = oci_member(t, "capabilities", "process");
	if (v)
		caps(oci_need(v, JSON_OBJECT, "process.capabilities"));
	else
		cap_bits = 0;
	v = oci_member(t, "rlimits", "process");
	if (v)
		rlimits(v);
	v = oci_member(t, "oomScoreAdj", "process");
	if (v) {
		int64_t adj;
		if (json_int64(&oci_j, v, -1000, 1000, &adj))
			die("config.json: process.oomScoreAdj: a whole number, -1000..1000");
		fmt(rt->oom_score_adj, sizeof rt->oom_score_adj, "%d", (int)adj);
	}
	a = oci_member(t, "args", "process");
	if (!a || !oci_j.tok[oci_need(a, JSON_ARRAY, "process.args")].count)
		die("config.json: process.args: required, at least the program");
	oci_arg("--");
	for (unsigned i = json_first(&oci_j, a); i; i = json_next(&oci_j, i))
		oci_arg(oci_str(i, "process.args[]"));
}

/* --- the file ---------------------------------------------------------- */

static void root_section(unsigned t)
{
	unsigned p, ro;

	oci_need(t, JSON_OBJECT, "root");
	oci_only(t, OCI_SPEC(Root, "path\0readonly\0", ""), "root");
	p = oci_member(t, "path", "root");
	if (!p)
		die("config.json: root.path: required");
	oci_arg2("--root", oci_bundle_path(oci_str(p, "root.path")));
	ro = oci_member(t, "readonly", "root");
	if (ro && json_bool(&oci_j, oci_need(ro, JSON_TRUE, "root.readonly")) == 1)
		oci_arg("--read-only");
}

static void read_config(const char *bundle)
{
	char path[4200];

	if (fmt(path, sizeof path, "%s/config.json", bundle) >= sizeof path)
		die("--bundle %s: too long", bundle);
	oci_read_json(path);
}

/* What process() collected, into cfg after the option parse. One parse
 * per hutch oci process (create or exec), so one text arena, here: it
 * outlives cfg, whose strings point into it. */
static void process_done(struct config *cfg)
{
	static struct config_text text;
	struct parse_error err;

	oci_args[oci_n_args] = NULL;
	if (options_parse(cfg, &text, oci_n_args, oci_args, &err, true) != PARSE_RUN)
		die("config.json, as hutch's options: %s", err.msg);
	options_complete(cfg); /* root.path is absolute: its bundle's */
	cfg->cap_keep = cap_bits;
	cfg->cap_inheritable = inherit_bits;
	cfg->cap_ambient = ambient_bits;
	cfg->oci = true;
	cfg->oci_privs = !no_new_privs;
	cfg->restart = RESTART_NO;
}

void oci_load_process(const char *file, const char *id, struct config *cfg,
		      struct runtime *rt, bool *tty)
{
	oci_read_json(file);
	oci_arg("hutch");
	oci_arg2("--name", id);
	oci_arg2("--seccomp", "off");
	oci_arg2("--pids", "0");
	process(0, rt);
	process_done(cfg);
	*tty = terminal;
}

void oci_load(const char *bundle, const char *id, struct config *cfg,
	      struct runtime *rt, struct oci_spec *spec)
{
	static struct config mounts_only; /* the mounts and device rules, kept across the parse */
	unsigned v;

	oci_bundle_dir = bundle;
	oci_container = id;
	read_config(bundle);
	oci_only(0, OCI_SPEC(Spec, "ociVersion\0root\0process\0hostname\0mounts\0linux\0"
			     "annotations\0hooks\0", "domainname\0solaris\0windows\0vm\0zos\0"),
		 "");
	v = oci_member(0, "ociVersion", "");
	if (!v || strncmp(spec->version = oci_str(v, "ociVersion"), "1.", 2) != 0)
		die("config.json: ociVersion: hutch oci reads version 1.x");
	/* a version is digits, dots and a SemVer suffix: nothing that could
	 * end a line of the record or a string of state's JSON */
	for (const char *c = spec->version; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= 'A' && *c <= 'Z') || *c == '.' || *c == '-' || *c == '+'))
			die("config.json: ociVersion is not a version (1.0.2, 1.1.0-rc.1): "
			    "digits, letters, '.', '-' and '+' only");
	v = oci_member(0, "hooks", "");
	if (!oci_empty(v))
		oci_hooks_check(v, spec);
	v = oci_member(0, "annotations", "");
	if (v && oci_j.tok[oci_need(v, JSON_OBJECT, "annotations")].count) {
		spec->annotations = oci_keep(oci_j.text + oci_j.tok[v].start, oci_j.tok[v].len);
		spec->annotations_len = oci_j.tok[v].len;
	}
	oci_arg("hutch");
	oci_arg2("--name", id);
	/* no default filter, no default pids limit: config.json's alone */
	oci_arg2("--seccomp", "off");
	oci_arg2("--pids", "0");
	v = oci_member(0, "root", "");
	if (!v)
		die("config.json: root: required");
	root_section(v);
	v = oci_member(0, "hostname", "");
	spec->host_hostname = oci_empty(v);
	if (!spec->host_hostname)
		oci_arg2("--hostname", oci_str(v, "hostname"));
	v = oci_member(0, "linux", "");
	if (!v)
		die("config.json: linux: required (hutch oci runs Linux containers)");
	oci_linux_section(v, &mounts_only, spec);
	if (mounts_only.net_none)
		oci_arg2("--net", "none");
	v = oci_member(0, "mounts", "");
	for (unsigned i = v ? json_first(&oci_j, oci_need(v, JSON_ARRAY, "mounts")) : 0; i;
	     i = json_next(&oci_j, i))
		oci_one_mount(i, &mounts_only);
	v = oci_member(0, "process", "");
	if (!v)
		die("config.json: process: required (hutch oci has no other way "
		    "to start one)");
	process(v, rt);
	process_done(cfg);
	if (spec->cgroup_name)
		cfg->name = spec->cgroup_name; /* the group's name (cgroup.c) */
	if (spec->cgroup_parent)
		cfg->cgroup_parent = spec->cgroup_parent; /* below root or own group */
	oci_cpu_apply(spec, cfg);
	if (cfg->n_mounts + mounts_only.n_mounts > CONFIG_MAX_MOUNTS)
		die("config.json: mounts: more than %d", CONFIG_MAX_MOUNTS);
	memcpy(cfg->mounts + cfg->n_mounts, mounts_only.mounts,
	       mounts_only.n_mounts * sizeof cfg->mounts[0]);
	cfg->n_mounts += mounts_only.n_mounts;
	memcpy(cfg->dev_rules, mounts_only.dev_rules, sizeof cfg->dev_rules);
	cfg->n_dev_rules = mounts_only.n_dev_rules;
	cfg->root_propagation = mounts_only.root_propagation;
	memcpy(cfg->dev_nodes, mounts_only.dev_nodes, sizeof cfg->dev_nodes);
	cfg->n_dev_nodes = mounts_only.n_dev_nodes;
	spec->terminal = terminal;
}
