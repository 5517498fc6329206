// SPDX-License-Identifier: MIT
/* oci_seccomp.c - [oci] config.json's linux.seccomp, read as runc reads
 * it (libcontainer/specconv SetupSeccomp, libcontainer/seccomp), into the
 * profile seccomp_oci.c compiles. Each entry of syscalls[] becomes a rule
 * per name, in order; an entry whose args name one index twice becomes a
 * rule per argument (runc's "old behaviour": those are ORed). A name no
 * ABI has is skipped, as runc skips names libseccomp does not know. Every
 * loop is bounded by the parsed tokens and the profile's fixed limits.
 *
 * The compiled program is kept in the container's record (ROOT/ID/seccomp)
 * for `exec`, whose process gets the container's filter, as under runc. */
#include "oci_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "oci_internal.h"
#include "seccomp_oci.h"
#include "sys.h"

#if HUTCH_SECCOMP

static struct seccomp_oci prof;

static const char actions[] = "SCMP_ACT_KILL\0SCMP_ACT_KILL_THREAD\0"
	"SCMP_ACT_KILL_PROCESS\0SCMP_ACT_TRAP\0SCMP_ACT_ERRNO\0SCMP_ACT_TRACE\0"
	"SCMP_ACT_LOG\0SCMP_ACT_ALLOW\0SCMP_ACT_NOTIFY\0";
static const uint32_t action_rets[] = {
	SECCOMP_RET_KILL_THREAD, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_KILL_PROCESS,
	SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO, SECCOMP_RET_TRACE, SECCOMP_RET_LOG,
	SECCOMP_RET_ALLOW, 0 /* NOTIFY: refused */
};
enum { ACT_NOTIFY = 8 };

static const char operators[] = "SCMP_CMP_NE\0SCMP_CMP_LT\0SCMP_CMP_LE\0"
	"SCMP_CMP_EQ\0SCMP_CMP_GE\0SCMP_CMP_GT\0SCMP_CMP_MASKED_EQ\0";

static const char flag_names[] = "SECCOMP_FILTER_FLAG_TSYNC\0"
	"SECCOMP_FILTER_FLAG_LOG\0SECCOMP_FILTER_FLAG_SPEC_ALLOW\0";

/* The index of the string at t among words, or death naming field. */
static int one_of(unsigned t, const char *words, const char *field, const char *fix)
{
	char buf[48];
	int i = 0;

	if (json_string(&oci_j, oci_need(t, JSON_STRING, field), buf, sizeof buf) < 0)
		buf[0] = '\0';
	for (const char *w = words; *w; w += strlen(w) + 1, i++)
		if (!strcmp(buf, w))
			return i;
	die("config.json: %s: '%s' is not %s", field, buf, fix);
}

/* An action with its errno (ERRNO and TRACE: errnoRet, else EPERM). */
static uint32_t action(unsigned t, unsigned errno_t, const char *field)
{
	int a = one_of(t, actions, field, "an action hutch oci knows (SCMP_ACT_ALLOW, "
		       "_ERRNO, _KILL, _KILL_THREAD, _KILL_PROCESS, _TRAP, _TRACE, _LOG)");
	uint32_t ret;

	if (a == ACT_NOTIFY)
		die("config.json: %s: SCMP_ACT_NOTIFY (a seccomp agent) is not "
		    "supported by hutch oci: another action", field);
	ret = action_rets[a];
	if (ret == SECCOMP_RET_ERRNO || ret == SECCOMP_RET_TRACE)
		ret |= errno_t ? (uint32_t)oci_unum(errno_t, 65535, "linux.seccomp errnoRet")
			       : EPERM;
	return ret;
}

static void arg(unsigned t)
{
	static const char field[] = "linux.seccomp.syscalls[].args[]";
	struct seccomp_oci_arg *a;
	unsigned v;

	if (prof.n_args == SECCOMP_OCI_MAX_ARGS)
		die("config.json: linux.seccomp: more than %d arguments (the args of "
		    "all syscalls[] entries): fewer", SECCOMP_OCI_MAX_ARGS);
	a = &prof.args[prof.n_args++];
	oci_need(t, JSON_OBJECT, field);
	oci_only(t, OCI_SPEC(LinuxSeccompArg, "index\0value\0valueTwo\0op\0", ""), field);
	v = oci_member(t, "index", field);
	a->index = (uint8_t)(v ? oci_unum(v, 5, "linux.seccomp.syscalls[].args[].index "
					  "(0 to 5)") : 0);
	v = oci_member(t, "value", field);
	a->value = v ? oci_unum(v, UINT64_MAX, "linux.seccomp.syscalls[].args[].value") : 0;
	v = oci_member(t, "valueTwo", field);
	a->value_two = v ? oci_unum(v, UINT64_MAX, "linux.seccomp.syscalls[].args[].valueTwo")
			 : 0;
	v = oci_member(t, "op", field);
	if (!v)
		die("config.json: %s.op: required (SCMP_CMP_EQ, ...)", field);
	a->op = (uint8_t)(SCMP_CMP_NE + one_of(v, operators, "linux.seccomp.syscalls[].args[].op",
		"an operator (SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT, _MASKED_EQ)"));
}

static void add_rule(int sys, uint32_t ret, unsigned first, unsigned n)
{
	if (prof.n_rules == SECCOMP_OCI_MAX_RULES)
		die("config.json: linux.seccomp: more than %d rules (one per name): "
		    "fewer names", SECCOMP_OCI_MAX_RULES);
	prof.rule[prof.n_rules++] = (struct seccomp_oci_rule){
		ret, (int16_t)sys, (uint16_t)first, (uint16_t)n };
}

/* One syscalls[] entry: a rule per name, all sharing its arguments,
 * or, when an index is given twice, a rule per name and argument. */
static void entry(unsigned t)
{
	static const char field[] = "linux.seccomp.syscalls[]";
	unsigned names, args, first = prof.n_args, n, seen = 0, v;
	bool split = false;
	uint32_t ret;

	oci_need(t, JSON_OBJECT, field);
	oci_only(t, OCI_SPEC(LinuxSyscall, "names\0action\0errnoRet\0args\0", ""), field);
	names = oci_member(t, "names", field);
	v = oci_member(t, "action", field);
	if (!names || !v)
		die("config.json: %s: names and action are required", field);
	ret = action(v, oci_member(t, "errnoRet", field), "linux.seccomp.syscalls[].action");
	args = oci_member(t, "args", field);
	for (unsigned a = args ? json_first(&oci_j, oci_need(args, JSON_ARRAY,
			"linux.seccomp.syscalls[].args")) : 0; a; a = json_next(&oci_j, a)) {
		arg(a);
		split |= seen >> prof.args[prof.n_args - 1].index & 1;
		seen |= 1u << prof.args[prof.n_args - 1].index;
	}
	n = prof.n_args - first;
	for (unsigned i = json_first(&oci_j, oci_need(names, JSON_ARRAY, "linux.seccomp."
			 "syscalls[].names")); i; i = json_next(&oci_j, i)) {
		char name[64];
		int sys, len = json_string(&oci_j, oci_need(i, JSON_STRING,
				"linux.seccomp.syscalls[].names[]"), name, sizeof name);
		if (len == 0)
			die("config.json: %s.names: an empty name (runc refuses it too)", field);
		sys = len < 0 ? -1 : seccomp_oci_syscall(name);
		if (sys < 0)
			continue; /* no ABI has it: runc skips it */
		if (!split)
			add_rule(sys, ret, first, n);
		for (unsigned k = 0; split && k < n; k++)
			add_rule(sys, ret, first + k, 1);
	}
}

/* flags: absent or null, SPEC_ALLOW when the kernel has it (runc's
 * default); else each one given, which the kernel must know. */
static unsigned flags(unsigned t)
{
	unsigned bits = 0;

	if (!t || oci_j.tok[t].type == JSON_NULL)
		return seccomp_oci_flag_known(SECCOMP_FILTER_FLAG_SPEC_ALLOW) ?
		       SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0;
	for (unsigned i = json_first(&oci_j, oci_need(t, JSON_ARRAY, "linux.seccomp.flags"));
	     i; i = json_next(&oci_j, i)) {
		unsigned f = 1u << one_of(i, flag_names, "linux.seccomp.flags[]",
			"a flag hutch oci knows (SECCOMP_FILTER_FLAG_TSYNC, _LOG, _SPEC_ALLOW)");
		if (!seccomp_oci_flag_known(f))
			die("config.json: linux.seccomp.flags: this kernel does not know "
			    "the flag: leave it out");
		/* TSYNC: the process has one thread at the install, and runc
		 * does not pass it either */
		bits |= f == SECCOMP_FILTER_FLAG_TSYNC ? 0 : f;
	}
	return bits;
}

void oci_seccomp(unsigned t)
{
	static const char field[] = "linux.seccomp";
	unsigned v, d, e;
	char msg[160];

	oci_need(t, JSON_OBJECT, field);
	oci_only(t, OCI_SPEC(LinuxSeccomp, "defaultAction\0defaultErrnoRet\0architectures\0"
			     "flags\0syscalls\0", "listenerPath\0listenerMetadata\0"), field);
	d = oci_member(t, "defaultAction", field);
	v = oci_member(t, "syscalls", field);
	if (oci_empty(d) && oci_empty(v))
		return; /* runc: no filter */
	if (!d)
		die("config.json: linux.seccomp.defaultAction: required with syscalls");
	memset(&prof, 0, sizeof prof);
	prof.default_action = action(d, oci_member(t, "defaultErrnoRet", field),
				     "linux.seccomp.defaultAction");
	/* runc's -ENOSYS stub: not for an allowing default, nor when the
	 * default errno is ENOSYS already */
	e = oci_member(t, "defaultErrnoRet", field);
	prof.enosys = prof.default_action != SECCOMP_RET_ALLOW &&
		      prof.default_action != SECCOMP_RET_LOG &&
		      (prof.default_action & 0xffff0000U) != SECCOMP_RET_TRACE &&
		      !(e && oci_unum(e, 65535, "linux.seccomp.defaultErrnoRet") == ENOSYS);
	for (unsigned i = v ? json_first(&oci_j, oci_need(v, JSON_ARRAY, "linux.seccomp.syscalls"))
			    : 0; i; i = json_next(&oci_j, i))
		entry(i);
	prof.abis = 1;
	v = oci_member(t, "architectures", field);
	for (unsigned i = v ? json_first(&oci_j, oci_need(v, JSON_ARRAY,
			 "linux.seccomp.architectures")) : 0; i; i = json_next(&oci_j, i)) {
		char name[32];
		int abi = json_string(&oci_j, oci_need(i, JSON_STRING,
				"linux.seccomp.architectures[]"), name, sizeof name) < 0
			  ? -2 : seccomp_oci_arch(name);
		if (abi == -2)
			die("config.json: linux.seccomp.architectures: '%s' is not an "
			    "architecture runc knows (SCMP_ARCH_X86_64, SCMP_ARCH_X86, "
			    "SCMP_ARCH_AARCH64, SCMP_ARCH_ARM, ...)", name);
		if (abi > 0)
			prof.abis |= 1u << abi;
	}
	prof.flags = flags(oci_member(t, "flags", field));
	if (seccomp_oci_compile(&prof, msg, sizeof msg))
		die("config.json: linux.seccomp: %s", msg);
	seccomp_oci_use(seccomp_oci_program()->filter, seccomp_oci_program()->len,
			prof.flags);
}

/* The record's copy: flags, then the instructions. */
int oci_seccomp_save(int dir)
{
	static char buf[sizeof(uint32_t) + 4096 * sizeof(struct sock_filter)];
	const struct sock_fprog *p = seccomp_oci_program();

	if (!p->len)
		return 0;
	memcpy(buf, &prof.flags, sizeof prof.flags);
	memcpy(buf + sizeof prof.flags, p->filter, p->len * sizeof *p->filter);
	return oci_record_file(dir, "seccomp", buf,
			       sizeof prof.flags + p->len * sizeof *p->filter);
}

void oci_seccomp_load(int dir)
{
	static char buf[sizeof(uint32_t) + 4096 * sizeof(struct sock_filter) + 1];
	int fd = openat(dir, "seccomp", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	unsigned f;

	if (fd < 0 && errno == ENOENT)
		return;
	n = fd < 0 ? -errno : read_fd(fd, buf, sizeof buf);
	if (fd >= 0)
		close(fd);
	if (n < 0)
		die("cannot read the container's seccomp filter: %s", error_text((int)-n));
	if ((size_t)n < sizeof f + sizeof(struct sock_filter) || (size_t)n == sizeof buf ||
	    ((size_t)n - sizeof f) % sizeof(struct sock_filter))
		die("the container's seccomp filter in its record is damaged");
	memcpy(&f, buf, sizeof f);
	seccomp_oci_use((const struct sock_filter *)(void *)(buf + sizeof f),
			(unsigned)(((size_t)n - sizeof f) / sizeof(struct sock_filter)), f);
}

#else
void oci_seccomp(unsigned t)
{
	if (!oci_empty(t))
		die("config.json: linux.seccomp: this hutch is built without seccomp "
		    "(profile %s)", HUTCH_PROFILE);
}

int oci_seccomp_save(int dir)
{
	(void)dir;
	return 0;
}

void oci_seccomp_load(int dir)
{
	(void)dir;
}
#endif
