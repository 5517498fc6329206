/* SPDX-License-Identifier: MIT */
/* seccomp.c - the service's system call filter, as a classic BPF program
 * that hutch writes itself: no libseccomp, and none of the kernel's UAPI
 * headers, which musl's include path lacks on some cross routes. The few
 * constants are kernel ABI, copied here with the header each comes from.
 *
 * The program checks the architecture first: a system call is numbered
 * per ABI, and a filter that only knew the native numbers would let a
 * 32-bit process on a 64-bit kernel (i386 on x86_64, armhf on aarch64)
 * through with its own. So the native ABI and each compat ABI get
 * their rules, and any other one is killed (seccomp_abi.h has which). Rules are tried in order, the
 * first match wins: read into one answer per number, then written as
 * a search on the number (bpf.c). */
#include "seccomp.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capabilities.h"
#include "log.h"
#include "kernel_calls.h"
#include "sys.h"
#include "seccomp_abi.h"
#include "bpf.h"
#if HUTCH_OCI
#include "seccomp_oci.h"
#endif

/* <linux/seccomp.h>. KILL_PROCESS is Linux 4.14+; an older kernel masks
 * the action with 0x7fff0000, which leaves 0, its KILL (the thread): the
 * fallback is automatic. */
#define SECCOMP_MODE_FILTER 2
#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#define SECCOMP_RET_ERRNO 0x00050000U
#define SECCOMP_RET_ALLOW 0x7fff0000U

/* <linux/sched.h>: NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID,
 * NEWNET. (NEWTIME, 0x80, is in clone's exit-signal byte: only unshare and
 * clone3 take it.) */
#define CLONE_NEW_ANY 0x7e020000U

enum {
#define S(name, ...) SC_##name,
#include "seccomp_table.h"
#undef S
	N_NAMES,
	DEFAULT_END = SC_clone3 + 1 /* the default list is what comes first */
};
_Static_assert(SC_clone == SC_personality + 1 && SC_clone3 == SC_clone + 1,
	       "default_rules() expects personality, clone, clone3 last");

enum { ABI_CHECK = -1, ABI_NATIVE };

/* The table's calls, SC_name each: number(i, abi) is call i's number on
 * an ABI (-1: it has none), name_of(i) its name, name_index(s) the call
 * named s (-1: not one of the table's). A build with hutch oci carries
 * every system call's name and numbers (seccomp_syscalls.h, seccomp_oci.c):
 * there the table's calls are rows of that one, by name, not a second
 * copy of them. */
#if HUTCH_OCI
static const uint16_t oci_row[N_NAMES] = {
#define S(name, ...) SYS_OCI_##name,
#include "seccomp_table.h"
#undef S
};

static int number(int i, int abi)
{
	return seccomp_oci_number(oci_row[i], abi);
}

static const char *name_of(int i)
{
	return seccomp_oci_name(oci_row[i]);
}

static int name_index(const char *s)
{
	int sys = seccomp_oci_syscall(s);

	for (int i = 0; i < N_NAMES && sys >= 0; i++)
		if (oci_row[i] == sys)
			return i;
	return -1;
}
#else
static const char names[] = /* NUL-separated */
#define S(name, ...) #name "\0"
#include "seccomp_table.h"
#undef S
	;

/* Each ABI's numbers (NO: none), the native ABI first. */
static const uint16_t numbers[N_ABIS][N_NAMES] = {
#define SECCOMP_TABLE "seccomp_table.h"
#include "seccomp_numbers.h"
};

static int number(int i, int abi)
{
	unsigned nr = numbers[ABI_NATIVE][i];

	for (int other = 1; other < N_ABIS; other++) /* a select, not a multiply */
		if (abi == other)
			nr = numbers[other][i];

	return nr == NO ? -1 : (int)nr;
}

static const char *name_of(int i)
{
	return nul_list_at(names, (size_t)i);
}

static int name_index(const char *s)
{
	return nul_list_index(s, names);
}
#endif

/* How the filter sees each (seccomp_data.arch). */
static const uint32_t abi_arch[N_ABIS] = {
	ARCH_NATIVE,
#ifdef ARCH_COMPAT1
	ARCH_COMPAT1,
#endif
#ifdef ARCH_COMPAT2
	ARCH_COMPAT2,
#endif
};

/* What one ABI's rules decide, one answer per system call number
 * (decide()): at most one per rule, @default counting as all of its names,
 * and the 4 that "default deny" adds. */
#define ANSWERS_MAX (SECCOMP_MAX_RULES + 4)
_Static_assert(ANSWERS_MAX <= BPF_ANSWERS_MAX, "more answers than bpf_answers_sort takes");

/* The program: 2 per ABI + 1 to check the architecture, then per section
 * 3 (the number loaded, x32's check), 12 for the two checks of an
 * argument, and the search, whose answers have 3 return values at most
 * (allow, deny, ENOSYS). */
#define PROG_MAX (N_ABIS * (3 + 12 + BPF_SEARCH_MAX(ANSWERS_MAX, 3)) + 2 * N_ABIS + 1)
_Static_assert(PROG_MAX <= BPF_MAXINSNS, "SECCOMP_MAX_RULES too large for BPF_MAXINSNS");

static struct sock_filter prog[PROG_MAX];
static struct sock_fprog fprog = { 0, prog };
static struct bpf bpf;
static uint32_t deny_ret; /* ERRNO | EPERM, or KILL_PROCESS */
static uint64_t caps_kept; /* cfg->cap_keep: what the default list lets by */

/* The filter follows the capabilities kept: a service given one with
 * --cap-keep must be able to use it, so the default list lets through the
 * calls that exist to exercise that capability (the kernel then checks
 * it, as it would without a filter). Each row names the capability the
 * kernel asks for (capabilities(7)); stored + 1, so that 0, what every
 * row not named gets, is "none". Calls that are the sandbox's own walls
 * get none, whatever is kept: the mount API, pivot_root and chroot (a
 * chroot with CAP_SYS_CHROOT leaves the MS_MOVE + chroot root of
 * --chroot), unshare, setns and clone's namespaces (CAP_SYS_ADMIN),
 * open_by_handle_at (CAP_DAC_READ_SEARCH opens any file of a file system
 * bound in, past the bind), the ptrace family (CAP_SYS_PTRACE is refused
 * anyway), kexec_load and kexec_file_load (CAP_SYS_BOOT is kept for
 * reboot, which in the sandbox's PID namespace ends the sandbox only;
 * kexec would stage a kernel for the whole machine); and those no capability governs (keyctl, userfaultfd, io_uring,
 * uselib, personality). */
#define GOVERNED_BY(cap) ((cap) + 1)
static const uint8_t governing_cap[DEFAULT_END] = {
	[SC_settimeofday] = GOVERNED_BY(CAP_SYS_TIME),
	[SC_stime] = GOVERNED_BY(CAP_SYS_TIME),
	[SC_clock_settime] = GOVERNED_BY(CAP_SYS_TIME),
	[SC_clock_settime64] = GOVERNED_BY(CAP_SYS_TIME),
	[SC_clock_adjtime] = GOVERNED_BY(CAP_SYS_TIME),
	[SC_clock_adjtime64] = GOVERNED_BY(CAP_SYS_TIME),
	[SC_adjtimex] = GOVERNED_BY(CAP_SYS_TIME),
	[SC_init_module] = GOVERNED_BY(CAP_SYS_MODULE),
	[SC_finit_module] = GOVERNED_BY(CAP_SYS_MODULE),
	[SC_delete_module] = GOVERNED_BY(CAP_SYS_MODULE),
	[SC_reboot] = GOVERNED_BY(CAP_SYS_BOOT), /* in a PID namespace: ends it */
	[SC_iopl] = GOVERNED_BY(CAP_SYS_RAWIO),
	[SC_ioperm] = GOVERNED_BY(CAP_SYS_RAWIO),
	[SC_acct] = GOVERNED_BY(CAP_SYS_PACCT),
	[SC_vhangup] = GOVERNED_BY(CAP_SYS_TTY_CONFIG),
	[SC_syslog] = GOVERNED_BY(CAP_SYSLOG),
	[SC_swapon] = GOVERNED_BY(CAP_SYS_ADMIN),
	[SC_swapoff] = GOVERNED_BY(CAP_SYS_ADMIN),
	[SC_quotactl] = GOVERNED_BY(CAP_SYS_ADMIN),
	[SC_lookup_dcookie] = GOVERNED_BY(CAP_SYS_ADMIN),
	[SC_perf_event_open] = GOVERNED_BY(CAP_PERFMON), /* Linux 5.8+ */
	[SC_bpf] = GOVERNED_BY(CAP_BPF),		 /* Linux 5.8+ */
};

/* Whether the default list lets call i by: its capability is kept. */
static bool capability_kept_for(int i)
{
	unsigned cap = governing_cap[i];

	return cap && (caps_kept >> (cap - 1) & 1);
}

/* --- the rules as one answer per number --------------------------------
 *
 * Rules are tried in order and the first that names a number decides:
 * so a section's rules are read first into one answer per number (the
 * first rule's), then laid out as a binary search on the number
 * (answers_emit(), bpf_search()).
 * Why a search and not the rules in order: since Linux 5.11 the kernel
 * runs a filter it installs once for every number of each ABI, to find
 * the calls it always allows (seccomp_cache_prepare; those then skip the
 * filter), and each of those runs of rules in order walked every rule,
 * about 50 of the default list's: most of the 0.2 ms an install took, at
 * every start and restart (bench/analysis.md). A search takes a handful
 * of steps for any number. */

enum { ANSWER_RETURN, ANSWER_PERSONALITY, ANSWER_CLONE };

struct answer {
	uint32_t nr;
	uint8_t kind; /* a return, or a check of an argument (below) */
	bool open;    /* a check whose answer when it passes is to come */
	uint32_t ret; /* the return, or a check's return when it passes */
};

static struct answer answers[ANSWERS_MAX];
static unsigned n_answers;

/* The first rule naming nr decides. A check (personality's, clone's)
 * denies what it catches and lets the rest go on to the next rules: the
 * first later rule naming nr that returns gives its answer then. */
static void decide(int nr, uint8_t kind, uint32_t ret)
{
	struct answer *a = answers;

	if (nr < 0)
		return;
	while (a < answers + n_answers && a->nr != (uint32_t)nr)
		a++;
	if (a < answers + n_answers) {
		if (a->open && kind == ANSWER_RETURN)
			a->ret = ret, a->open = false;
		return;
	}
	if (n_answers < ANSWERS_MAX)
		answers[n_answers++] = (struct answer){ (uint32_t)nr, kind,
							kind != ANSWER_RETURN, ret };
	else /* a list seccomp_check refuses: dropped, it would pass */
		bpf.overflow = true;
}

/* The accumulator holds the number: if it is nr, return action. */
static void rule(int nr, uint32_t action)
{
	decide(nr, ANSWER_RETURN, action);
}

/* Denying clone3 answers ENOSYS, never EPERM or a kill: its flags are in
 * memory, which a filter cannot read, and glibc falls back to clone, whose
 * flags the filter can check, only on ENOSYS. */
static void named_rule(int i, int abi, bool deny)
{
	rule(number(i, abi), !deny ? SECCOMP_RET_ALLOW
			     : i == SC_clone3 ? SECCOMP_RET_ERRNO | ENOSYS
					      : deny_ret);
}

/* --- the program ------------------------------------------------------ */

/* An instruction's code and jumps in one word: call sites stay small. */
#define OP(code, jt, jf) ((code) | (jt) << 16 | (jf) << 24)

/* PROG_MAX is never reached (the assertion above); if it were, the
 * program would lack its final return and the kernel refuse it. */
static unsigned emit(uint32_t op, uint32_t k)
{
	return bpf_emit(&bpf, (uint16_t)op, (uint8_t)(op >> 16), (uint8_t)(op >> 24), k);
}

/* clone creating a namespace. The flags are the first argument on x86_64
 * (flags, stack, ptid, ctid, tls), and on i386, arm, mips, powerpc and the
 * generic table (flags, stack, ptid, tls, ctid: CLONE_BACKWARDS or the
 * generic order); s390's CLONE_BACKWARDS2 puts the stack first
 * (CLONE_FLAGS_ARG). The kernel reads the low 32 bits only
 * (kernel_clone_args.flags). */
static void clone_check(const struct answer *a)
{
	emit(OP(BPF_JEQ_K, 0, 4), a->nr);
	emit(BPF_LD_ABS, SECCOMP_DATA_ARG_LO(CLONE_FLAGS_ARG));
	emit(OP(BPF_JSET_K, 0, 1), CLONE_NEW_ANY);
	emit(BPF_RET_K, deny_ret);
	emit(BPF_RET_K, a->ret); /* not a namespace */
}

/* personality(2) takes an unsigned int: PER_LINUX (0), PER_LINUX32 (8,
 * what linux32(1) sets for a 32-bit process) and 0xffffffff (the query)
 * pass; flags such as ADDR_NO_RANDOMIZE or READ_IMPLIES_EXEC do not. */
static void personality_check(const struct answer *a)
{
	emit(OP(BPF_JEQ_K, 0, 6), a->nr);
	emit(BPF_LD_ABS, SECCOMP_DATA_ARG_LO(0));
	emit(OP(BPF_JEQ_K, 3, 0), 0);
	emit(OP(BPF_JEQ_K, 2, 0), 8);
	emit(OP(BPF_JEQ_K, 1, 0), 0xffffffffU);
	emit(BPF_RET_K, deny_ret);
	emit(BPF_RET_K, a->ret);
}

/* The answers, laid out: the checks of an argument first (a call each,
 * tried in turn), then the others as a search on the number (bpf.c). */
static void answers_emit(uint32_t otherwise)
{
	static struct bpf_answer plain[ANSWERS_MAX];
	unsigned n = 0;

	for (unsigned i = 0; i < n_answers; i++) {
		const struct answer *a = &answers[i];
		if (a->kind == ANSWER_PERSONALITY)
			personality_check(a);
		else if (a->kind == ANSWER_CLONE)
			clone_check(a);
		else
			plain[n++] = (struct bpf_answer){ a->nr, a->ret };
	}
	bpf_search(&bpf, plain, bpf_answers_sort(plain, n), otherwise);
}

/* The default list: each call denied unless its capability is kept (a
 * rule that allows it then, so that a list's later rules and its default
 * deny do not catch it either). */
static void default_rules(int abi)
{
	for (int i = 0; i < SC_personality; i++)
		named_rule(i, abi, !capability_kept_for(i));
	decide(number(SC_personality, abi), ANSWER_PERSONALITY, 0);
	decide(number(SC_clone, abi), ANSWER_CLONE, 0);
	named_rule(SC_clone3, abi, true);
}

/* --- --seccomp FILE: one rule a line (docs/security.md, "Seccomp") --- */

struct walk {
	int abi;	   /* ABI_CHECK: only read, emit nothing */
	bool deny_default; /* "default deny" */
	bool raw;	   /* a rule by number, in the native numbering only */
	unsigned rules;
	char *msg;
	size_t size;
};

static const char keywords[] = "deny\0allow\0default\0@default\0";
enum { KW_DENY, KW_ALLOW, KW_DEFAULT, KW_AT_DEFAULT };

#define WORD_MAX 40 /* longer words are cut: no name is half as long */

static int list_rule(struct walk *st, char w[3][WORD_MAX])
{
	int verb = nul_list_index(w[0], keywords), arg = nul_list_index(w[1], keywords), i;
	bool deny = verb == KW_DENY;
	unsigned nr = 0;
	const char *d;

	if (!*w[1] || *w[2] || verb < 0 || verb == KW_AT_DEFAULT ||
	    (verb == KW_DEFAULT && arg != KW_DENY && arg != KW_ALLOW))
		return fmt(st->msg, st->size, "expected 'default allow|deny' or "
			   "'deny|allow NAME'"), -1;
	if (verb == KW_DEFAULT) {
		st->deny_default = arg == KW_DENY;
		return 0;
	}
	if (deny && arg == KW_AT_DEFAULT) {
		st->rules += DEFAULT_END;
		if (st->abi != ABI_CHECK)
			default_rules(st->abi);
		return 0;
	}
	st->rules++;
	for (d = w[1]; *d >= '0' && *d <= '9'; d++)
		nr = nr * 10 + (unsigned)(*d - '0');
	if (!*d && d - w[1] <= 4) {
		st->raw = true;
		if (st->abi == ABI_NATIVE)
			rule((int)nr, deny ? deny_ret : SECCOMP_RET_ALLOW);
		return 0;
	}
	i = name_index(w[1]);
	if (i < 0)
		return fmt(st->msg, st->size, "unknown syscall %s", w[1]), -1;
	if (st->abi != ABI_CHECK)
		named_rule(i, st->abi, deny);
	return 0;
}

/* Reads a list; returns 0, or the number of its first bad line. */
static unsigned walk(struct walk *st, const char *text)
{
	unsigned line = 0;

	for (const char *s = text; *s; s += *s == '\n') {
		char w[3][WORD_MAX];

		line++;
		for (int k = 0; k < 3; k++) { /* blank-separated, within the line */
			size_t n, cut;
			while (*s == ' ' || *s == '\t' || *s == '\r')
				s++;
			n = until_any(s, " \t\r\n");
			cut = n < WORD_MAX ? n : WORD_MAX - 1;
			memcpy(w[k], s, cut);
			w[k][cut] = '\0';
			s += n;
		}
		s += until_any(s, "\n");
		if (*w[0] && *w[0] != '#' && list_rule(st, w))
			return line;
		if (st->rules > SECCOMP_MAX_RULES)
			return fmt(st->msg, st->size, "more than %d rules "
				   "(@default counts as %d)", SECCOMP_MAX_RULES,
				   DEFAULT_END), line;
	}
	return 0;
}

unsigned seccomp_check(const char *text, char *msg, size_t size)
{
	struct walk st = { .abi = ABI_CHECK, .msg = msg, .size = size };

	return walk(&st, text);
}

/* One ABI's rules, reached with the architecture checked. */
static void section(const struct config *cfg, bool deny_default, int abi)
{
	struct walk st = { .abi = abi };
	uint32_t otherwise = deny_default ? deny_ret : SECCOMP_RET_ALLOW;

	emit(BPF_LD_ABS, SECCOMP_DATA_NR);
#ifdef X32_SYSCALL_BIT
	/* Denied by killing: a process whose every call fails could not
	 * even exit. */
	if (abi == ABI_NATIVE) {
		emit(OP(BPF_JGE_K, 0, 1), X32_SYSCALL_BIT);
		emit(BPF_RET_K, SECCOMP_RET_KILL_PROCESS);
	}
#endif
	n_answers = 0;
	if (cfg->seccomp_mode == SECCOMP_LIST)
		walk(&st, cfg->seccomp_list);
	else
		default_rules(abi);
	if (deny_default) {
		/* Unless the list says otherwise: the service must be able to
		 * start (the filter is in place before its exec) and to end
		 * (musl and glibc retry a failed exit forever). */
		named_rule(SC_execve, abi, false);
		named_rule(SC_exit, abi, false);
		named_rule(SC_exit_group, abi, false);
		named_rule(SC_clone3, abi, true);
	}
	for (unsigned i = 0; i < n_answers; i++)
		if (answers[i].open) /* no later rule: what the list does otherwise */
			answers[i].ret = otherwise, answers[i].open = false;
	answers_emit(otherwise);
}

const struct sock_fprog *seccomp_build(const struct config *cfg)
{
	struct walk list = { .abi = ABI_CHECK };

	fprog.len = 0;
	if (cfg->seccomp_mode == SECCOMP_OFF)
		return &fprog;
	bpf = (struct bpf){ .insn = prog, .max = PROG_MAX };
	deny_ret = cfg->seccomp_kill ? SECCOMP_RET_KILL_PROCESS
				     : SECCOMP_RET_ERRNO | EPERM;
	caps_kept = cfg->cap_keep;
	if (cfg->seccomp_mode == SECCOMP_LIST && walk(&list, cfg->seccomp_list))
		bpf.overflow = true; /* checked when parsed: never, but refused */
	emit(BPF_LD_ABS, SECCOMP_DATA_ARCH);
	/* A rule by number names a native call: a compat ABI would pass it,
	 * so with one, a compat process is killed like a foreign one. */
	for (int abi = 1; abi < N_ABIS && !list.raw; abi++) {
		emit(OP(BPF_JEQ_K, 0, 1), abi_arch[abi]);
		emit(BPF_JA, 0); /* at 2 * abi; k, set below: a 32-bit jump */
	}
	emit(OP(BPF_JEQ_K, 1, 0), abi_arch[ABI_NATIVE]);
	emit(BPF_RET_K, SECCOMP_RET_KILL_PROCESS);
	section(cfg, list.deny_default, ABI_NATIVE);
	for (int abi = 1; abi < N_ABIS && !list.raw; abi++) {
		prog[(size_t)2 * (size_t)abi].k = bpf.len - 2u * abi - 1u;
		section(cfg, list.deny_default, abi);
	}
	/* Never for a list seccomp_check accepts (ANSWERS_MAX, PROG_MAX):
	 * else a program that kills at the first call, not one that lets
	 * through what the rules it lacks deny (seccomp_prepare refuses it). */
	if (bpf.overflow) {
		prog[0] = (struct sock_filter){ BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS };
		bpf.len = 1;
	}
	fprog.len = (unsigned short)bpf.len;
	return &fprog;
}

void seccomp_prepare(const struct config *cfg)
{
	if (cfg->seccomp_mode == SECCOMP_OFF)
		return;
	/* No program at all: a kernel with seccomp filters answers EFAULT
	 * and installs nothing; one without (CONFIG_SECCOMP_FILTER), and
	 * qemu-user, which cannot filter the calls it makes for its guest,
	 * answer EINVAL. Said here, before the service ever starts. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) &&
	    errno == EINVAL)
		die("no seccomp filters in this kernel (or under qemu-user): "
		    "kernel option CONFIG_SECCOMP_FILTER (or --seccomp off)");
	seccomp_build(cfg);
	if (bpf.overflow)
		die("the seccomp list has more than %d rules or a bad line, though "
		    "checked when read: give --seccomp FILE again", SECCOMP_MAX_RULES);
	log_debug("seccomp filter: %u BPF instructions", fprog.len);
}

/* The program seccomp_install loads: hutch's own, or hutch oci's. */
static const struct sock_fprog *active = &fprog;
static unsigned active_flags;

void seccomp_use(const struct sock_fprog *p, unsigned flags)
{
	active = p;
	active_flags = flags;
}

int seccomp_install(void)
{
	static const struct sock_fprog none;
	const struct sock_fprog *p = active;

	/* Once: hutch oci installs before the capabilities go when
	 * no_new_privs is off (oci_init.c), and spawn_harden asks again. */
	active = &none;
	if (!p->len)
		return 0;
	/* Flags only through seccomp(2) (Linux 3.17); prctl has none. */
	if (active_flags ? sys_seccomp(SECCOMP_SET_MODE_FILTER, active_flags, p)
			 : prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, p, 0, 0))
		return -errno;
	return 0;
}

const char *seccomp_syscall_name(uint32_t arch, long nr)
{
	for (int abi = 0; abi < N_ABIS; abi++)
		for (int i = 0; i < N_NAMES && abi_arch[abi] == arch && nr >= 0; i++)
			if (number(i, abi) == nr)
				return name_of(i);
	return NULL;
}
