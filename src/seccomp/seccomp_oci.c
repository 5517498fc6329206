/* SPDX-License-Identifier: MIT */
/* seccomp_oci.c - [oci] an OCI seccomp profile as a classic BPF program,
 * with runc's semantics (seccomp_oci.h). No libseccomp: the program is
 * the one hutch's own filter has (seccomp.c), an architecture check and
 * then a section per ABI:
 *
 *   ld arch; jeq COMPAT -> ja section (32-bit k); jeq NATIVE; ret KILL
 *   section: ld nr; [x86_64: x32 bit -> KILL, or ja x32's section];
 *            [nr > last -> ENOSYS]; the rules with arguments: jeq NR,
 *            0, next; (conditions, each failing to next); ret ACTION;
 *            next: ld nr ...; then the rules without, one answer per
 *            number, as a search on it (bpf.c), ret DEFAULT between
 *
 * with libseccomp's exceptions to the profile's order (shadowed(),
 * multiplexed()). A number's rules are all of one kind (shadowed()), so
 * the two parts never answer for one number.
 *
 * A rule's jumps stay within it (at most 38 instructions, below BPF's
 * 8-bit offsets); the architecture check and the search's long halves
 * jump with BPF_JA's 32-bit k. A program above BPF_MAXINSNS is refused,
 * never cut. */
#include "seccomp_oci.h"

#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "seccomp_abi.h"
#include "bpf.h"
#include "sys.h"

#if HUTCH_SECCOMP

#define SECCOMP_SET_MODE_FILTER 1
#define AUDIT_ARCH_64BIT 0x80000000U /* <linux/audit.h> __AUDIT_ARCH_64BIT */

static const char names[] = /* NUL-separated, sorted */
#define S(name, ...) #name "\0"
#include "seccomp_syscalls.h"
#undef S
	;

static const uint16_t numbers[N_ABIS][N_SYSCALLS] = {
#define SECCOMP_TABLE "seccomp_syscalls.h"
#include "seccomp_numbers.h"
};

#ifdef X32_SYSCALL_BIT
/* x32: a section of its own when architectures lists it (ABI_X32) */
static const uint16_t x32_numbers[N_SYSCALLS] = {
#define S(name, ...)
#define X32(name, nr) nr,
#include "seccomp_syscalls.h"
#undef X32
#undef S
};
#endif
#define ABI_X32 N_ABIS /* the index the x32 section has here */

static const uint32_t abi_arch[N_ABIS] = {
	ARCH_NATIVE,
#ifdef ARCH_COMPAT1
	ARCH_COMPAT1,
#endif
#ifdef ARCH_COMPAT2
	ARCH_COMPAT2,
#endif
};

/* runc's architecture names (libcontainer/seccomp/config.go), each with
 * the AUDIT_ARCH value the kernel shows for it. x32 has no value of its
 * own (it is x86_64's with a bit in the number): 0, ABI_X32 on x86_64. */
static const char arch_names[] =
	"X86\0X86_64\0X32\0ARM\0AARCH64\0MIPS\0MIPS64\0MIPS64N32\0MIPSEL\0"
	"MIPSEL64\0MIPSEL64N32\0PPC\0PPC64\0PPC64LE\0RISCV64\0S390\0S390X\0"
	"LOONGARCH64\0";
static const uint32_t arch_values[] = {
	AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, 0, AUDIT_ARCH_ARM, AUDIT_ARCH_AARCH64,
	AUDIT_ARCH_MIPS, AUDIT_ARCH_MIPS64, AUDIT_ARCH_MIPS64N32, AUDIT_ARCH_MIPSEL,
	AUDIT_ARCH_MIPSEL64, AUDIT_ARCH_MIPSEL64N32, AUDIT_ARCH_PPC, AUDIT_ARCH_PPC64,
	AUDIT_ARCH_PPC64LE, AUDIT_ARCH_RISCV64, AUDIT_ARCH_S390, AUDIT_ARCH_S390X,
	AUDIT_ARCH_LOONGARCH64,
};

int seccomp_oci_syscall(const char *name)
{
	return nul_list_index(name, names);
}

const char *seccomp_oci_name(int sys)
{
	return nul_list_at(names, (size_t)sys);
}

int seccomp_oci_arch(const char *name)
{
	int i = strncmp(name, "SCMP_ARCH_", 10) ? -1 : nul_list_index(name + 10, arch_names);

	if (i < 0)
		return -2;
#ifdef X32_SYSCALL_BIT
	if (!arch_values[i])
		return ABI_X32;
#endif
	for (int abi = 0; abi < N_ABIS; abi++)
		if (arch_values[i] == abi_arch[abi])
			return abi;
	return -1;
}

const char *seccomp_oci_arch_names(void)
{
	return "\"SCMP_ARCH_X86\",\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X32\","
	       "\"SCMP_ARCH_ARM\",\"SCMP_ARCH_AARCH64\",\"SCMP_ARCH_MIPS\","
	       "\"SCMP_ARCH_MIPS64\",\"SCMP_ARCH_MIPS64N32\",\"SCMP_ARCH_MIPSEL\","
	       "\"SCMP_ARCH_MIPSEL64\",\"SCMP_ARCH_MIPSEL64N32\",\"SCMP_ARCH_PPC\","
	       "\"SCMP_ARCH_PPC64\",\"SCMP_ARCH_PPC64LE\",\"SCMP_ARCH_RISCV64\","
	       "\"SCMP_ARCH_S390\",\"SCMP_ARCH_S390X\",\"SCMP_ARCH_LOONGARCH64\"";
}

bool seccomp_oci_flag_known(unsigned flag)
{
	return sys_seccomp(SECCOMP_SET_MODE_FILTER, flag, NULL) < 0 &&
	       errno == EFAULT;
}

/* --- the program --------------------------------------------------------- */

static struct sock_filter prog[BPF_MAXINSNS];
_Static_assert(SECCOMP_OCI_MAX_RULES <= BPF_ANSWERS_MAX, "more rules than bpf_answers_sort takes");
static struct sock_fprog fprog = { 0, prog };
static struct bpf bpf;

static unsigned emit(uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	return bpf_emit(&bpf, code, jt, jf, k);
}

/* A rule's jumps to its end ("next"): patched once its length is known. */
struct fixups {
	unsigned at[16];
	bool jt[16];
	unsigned n;
};

static void jump_out(struct fixups *f, uint16_t code, bool on_true, uint8_t other,
		     uint32_t k)
{
	unsigned at = emit(code, on_true ? 0 : other, on_true ? other : 0, k);

	if (f->n < 16) {
		f->at[f->n] = at;
		f->jt[f->n++] = on_true;
	}
}

int seccomp_oci_number(int sys, int abi)
{
	unsigned nr = numbers[0][sys];

#ifdef X32_SYSCALL_BIT
	if (abi == ABI_X32)
		return x32_numbers[sys] == NO ? -1 : (int)(x32_numbers[sys] | X32_SYSCALL_BIT);
#endif
	for (int other = 1; other < N_ABIS; other++)
		if (abi == other)
			nr = numbers[other][sys];
	return nr == NO ? -1 : (int)nr;
}

/* One condition; a failure jumps out. On a 32-bit ABI the argument is
 * its low half (the kernel widens a 32-bit register), and so is the
 * value. On a 64-bit one, the high halves decide unless equal. */
static void condition(const struct seccomp_oci_arg *a, bool wide, struct fixups *f)
{
	uint32_t hi = (uint32_t)(a->value >> 32), lo = (uint32_t)a->value;

	if (a->op == SCMP_CMP_MASKED_EQ) {
		if (wide) {
			emit(BPF_LD_ABS, 0, 0, SECCOMP_DATA_ARG_HI(a->index));
			emit(BPF_AND_K, 0, 0, hi);
			jump_out(f, BPF_JEQ_K, false, 0, (uint32_t)(a->value_two >> 32));
		}
		emit(BPF_LD_ABS, 0, 0, SECCOMP_DATA_ARG_LO(a->index));
		emit(BPF_AND_K, 0, 0, lo);
		jump_out(f, BPF_JEQ_K, false, 0, (uint32_t)a->value_two);
		return;
	}
	if (wide) {
		emit(BPF_LD_ABS, 0, 0, SECCOMP_DATA_ARG_HI(a->index));
		switch (a->op) {
		case SCMP_CMP_EQ: /* high differs: fail */
			jump_out(f, BPF_JEQ_K, false, 0, hi);
			break;
		case SCMP_CMP_NE: /* high differs: pass (over ld, jeq) */
			emit(BPF_JEQ_K, 0, 2, hi);
			break;
		case SCMP_CMP_GT:
		case SCMP_CMP_GE: /* above: pass; below: fail; equal: low decides */
			emit(BPF_JGT_K, 3, 0, hi);
			jump_out(f, BPF_JEQ_K, false, 0, hi);
			break;
		default: /* LT, LE: below passes, above fails */
			emit(BPF_JGE_K, 0, 3, hi);
			jump_out(f, BPF_JEQ_K, false, 0, hi);
		}
	}
	emit(BPF_LD_ABS, 0, 0, SECCOMP_DATA_ARG_LO(a->index));
	switch (a->op) {
	case SCMP_CMP_EQ: jump_out(f, BPF_JEQ_K, false, 0, lo); break;
	case SCMP_CMP_NE: jump_out(f, BPF_JEQ_K, true, 0, lo); break;
	case SCMP_CMP_GT: jump_out(f, BPF_JGT_K, false, 0, lo); break;
	case SCMP_CMP_GE: jump_out(f, BPF_JGE_K, false, 0, lo); break;
	case SCMP_CMP_LT: jump_out(f, BPF_JGE_K, true, 0, lo); break;
	default: jump_out(f, BPF_JGT_K, true, 0, lo); break; /* LE */
	}
}

static void rule(const struct seccomp_oci *p, const struct seccomp_oci_rule *r,
		 int nr, bool wide)
{
	struct fixups f = { .n = 0 };

	jump_out(&f, BPF_JEQ_K, false, 0, (uint32_t)nr);
	for (unsigned i = 0; i < r->n_args; i++)
		condition(&p->args[r->arg + i], wide, &f);
	emit(BPF_RET_K, 0, 0, r->action);
	for (unsigned i = 0; i < f.n && !bpf.overflow; i++) {
		unsigned off = bpf.len - f.at[i] - 1; /* at most 37 */
		if (f.jt[i])
			prog[f.at[i]].jt = (uint8_t)off;
		else
			prog[f.at[i]].jf = (uint8_t)off;
	}
	emit(BPF_LD_ABS, 0, 0, SECCOMP_DATA_NR); /* the conditions loaded arguments */
}

/* runc's -ENOSYS stub (libcontainer/seccomp/patchbpf): a call numbered
 * above every call the profile names on this ABI is newer than the
 * profile, and gets ENOSYS, on which libcs fall back (clone3 -> clone),
 * rather than the default action's EPERM. */
static void enosys_stub(const struct seccomp_oci *p, int abi)
{
	int last = 0;

	for (unsigned i = 0; i < p->n_rules; i++) {
		int nr = seccomp_oci_number(p->rule[i].sys, abi);
		if (nr > last)
			last = nr;
	}
	if (last > 0) {
		emit(BPF_JGT_K, 0, 1, (uint32_t)last);
		emit(BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS);
	}
}

/* libseccomp's order within one call, which is not the profile's: a
 * rule without arguments wins over every rule with some (whichever
 * comes first), so those are left out when there is one. A call is a
 * number on the ABI, as libseccomp keys its rules: two names of one
 * number (arm's arm_sync_file_range and sync_file_range2, 341) are one
 * call, else a rule with arguments on one would answer before the
 * search holding the other's plain rule. */
static bool shadowed(const struct seccomp_oci *p, int sys, int abi)
{
	int nr = seccomp_oci_number(sys, abi);

	for (unsigned i = 0; i < p->n_rules; i++) {
		const struct seccomp_oci_rule *r = &p->rule[i];
		if ((r->sys == sys || (nr >= 0 && seccomp_oci_number(r->sys, abi) == nr)) &&
		    !r->n_args && r->action != p->default_action)
			return true;
	}
	return false;
}

/* The multiplexers of the ABIs that have them (i386, ppc, s390, the MIPS
 * o32, m68k, sh): socketcall(CALL, args) and ipc(CALL, ...) reach the
 * same calls as socket(2) ... and semop(2) ..., so libseccomp gives a rule
 * on one of those a twin on the multiplexer with its call number
 * (<linux/net.h> SYS_*, <linux/ipc.h>), its own arguments dropped: they
 * are in memory, where a filter cannot read. Without it, socketcall
 * would pass what a rule on socket denies. */
static const char socket_calls[] = "socket\0bind\0connect\0listen\0accept\0"
	"getsockname\0getpeername\0socketpair\0send\0recv\0sendto\0recvfrom\0"
	"shutdown\0setsockopt\0getsockopt\0sendmsg\0recvmsg\0accept4\0recvmmsg\0"
	"sendmmsg\0"; /* SYS_SOCKET 1 ... SYS_SENDMMSG 20 */
static const char ipc_calls[] = "semop\0semget\0semctl\0semtimedop\0msgsnd\0"
	"msgrcv\0msgget\0msgctl\0shmat\0shmdt\0shmget\0shmctl\0";
static const uint8_t ipc_numbers[] = { 1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24 };

static void multiplexed(const struct seccomp_oci *p, const struct seccomp_oci_rule *r,
			int abi)
{
	const char *name = seccomp_oci_name(r->sys);
	int call, mux;

	if ((call = nul_list_index(name, socket_calls)) >= 0)
		mux = SYS_OCI_socketcall, call += 1;
	else if ((call = nul_list_index(name, ipc_calls)) >= 0)
		mux = SYS_OCI_ipc, call = ipc_numbers[call];
	else
		return;
	if (seccomp_oci_number(mux, abi) < 0 || shadowed(p, mux, abi))
		return;
	emit(BPF_JEQ_K, 0, 4, (uint32_t)seccomp_oci_number(mux, abi));
	emit(BPF_LD_ABS, 0, 0, SECCOMP_DATA_ARG_LO(0));
	emit(BPF_JEQ_K, 0, 1, (uint32_t)call);
	emit(BPF_RET_K, 0, 0, r->action);
	emit(BPF_LD_ABS, 0, 0, SECCOMP_DATA_NR);
}

/* Returns where the jump to the x32 section is, to be set, or 0. */
static unsigned section(const struct seccomp_oci *p, int abi)
{
	/* x32 is a 32-bit ABI to libseccomp (its arguments' low halves) */
	bool wide = abi < N_ABIS && (abi_arch[abi] & AUDIT_ARCH_64BIT);
	static struct bpf_answer plain[SECCOMP_OCI_MAX_RULES];
	unsigned x32_jump = 0, n_plain = 0;

	emit(BPF_LD_ABS, 0, 0, SECCOMP_DATA_NR);
#ifdef X32_SYSCALL_BIT
	/* x32 is x86_64's arch with this bit in the number: its own section
	 * when listed, else killed as an ABI not filtered (libseccomp's
	 * bad-architecture action) */
	if (abi == 0 && (p->abis >> ABI_X32 & 1)) {
		emit(BPF_JGE_K, 0, 1, X32_SYSCALL_BIT);
		x32_jump = emit(BPF_JA, 0, 0, 0);
	} else if (abi == 0) {
		emit(BPF_JGE_K, 0, 1, X32_SYSCALL_BIT);
		emit(BPF_RET_K, 0, 0, SECCOMP_RET_KILL_THREAD);
	}
#endif
	if (p->enosys)
		enosys_stub(p, abi);
	/* A number's rules are either all with arguments (and the twins of
	 * multiplexed()) or one without that wins (shadowed()): the first
	 * kind tried in the profile's order, then the second as a search on
	 * the number (bpf_search: the kernel runs the filter once per number
	 * when it is installed, and rules in order made each of those runs
	 * walk all the rules before its own). */
	for (unsigned i = 0; i < p->n_rules; i++) {
		const struct seccomp_oci_rule *r = &p->rule[i];
		int nr = seccomp_oci_number(r->sys, abi);
		/* runc skips a rule that does what the default does */
		if (r->action == p->default_action || (r->n_args && shadowed(p, r->sys, abi)))
			continue;
		if (nr >= 0 && r->n_args)
			rule(p, r, nr, wide);
		else if (nr >= 0)
			plain[n_plain++] = (struct bpf_answer){ (uint32_t)nr, r->action };
		multiplexed(p, r, abi);
	}
	bpf_search(&bpf, plain, bpf_answers_sort(plain, n_plain), p->default_action);
	return x32_jump;
}

int seccomp_oci_compile(const struct seccomp_oci *p, char *msg, size_t size)
{
	unsigned ja[N_ABIS] = { 0 }, x32;

	bpf = (struct bpf){ .insn = prog, .max = BPF_MAXINSNS };
	emit(BPF_LD_ABS, 0, 0, SECCOMP_DATA_ARCH);
	for (int abi = 1; abi < N_ABIS; abi++)
		if (p->abis >> abi & 1) {
			emit(BPF_JEQ_K, 0, 1, abi_arch[abi]);
			ja[abi] = emit(BPF_JA, 0, 0, 0); /* k set below */
		}
	emit(BPF_JEQ_K, 1, 0, abi_arch[0]);
	/* libseccomp's default for an architecture not in the filter */
	emit(BPF_RET_K, 0, 0, SECCOMP_RET_KILL_THREAD);
	x32 = section(p, 0);
	for (int abi = 1; abi < N_ABIS; abi++)
		if (p->abis >> abi & 1) {
			prog[ja[abi]].k = bpf.len - ja[abi] - 1;
			section(p, abi);
		}
	if (x32 && !bpf.overflow) {
		prog[x32].k = bpf.len - x32 - 1;
		section(p, ABI_X32);
	}
	fprog.len = (unsigned short)bpf.len;
	if (bpf.overflow)
		return fmt(msg, size, "the filter would be longer than the kernel's "
			   "%d BPF instructions: fewer names or arguments", BPF_MAXINSNS), -1;
	return 0;
}

const struct sock_fprog *seccomp_oci_program(void)
{
	return &fprog;
}

void seccomp_oci_use(const struct sock_filter *insns, unsigned n, unsigned flags)
{
	if (insns != prog) {
		memcpy(prog, insns, (n < BPF_MAXINSNS ? n : BPF_MAXINSNS) * sizeof prog[0]);
	}
	fprog.len = (unsigned short)(n < BPF_MAXINSNS ? n : BPF_MAXINSNS);
	seccomp_use(&fprog, flags);
}

#endif
