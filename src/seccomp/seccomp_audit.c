// SPDX-License-Identifier: MIT
/* seccomp_audit.c - which system call a seccomp kill was for.
 *
 * PID 1 reaps the service, and the wait status of a process the filter
 * killed says SIGSYS and nothing more: the kernel puts si_syscall only in
 * the SIGSYS siginfo of the dying process itself (force_sig_seccomp,
 * for its core dump), never in the parent's waitid(2) siginfo. What does
 * carry it is the audit record every SECCOMP_RET_KILL_* writes (kernel
 * seccomp_log(), while "kill_process" is in
 * /proc/sys/kernel/seccomp/actions_logged, the default): with no audit
 * daemon listening the kernel prints it to its log,
 *   audit: type=1326 audit(...): ... pid=8800 comm="unshare"
 *   exe="/bin/busybox" sig=31 arch=c000003e syscall=272 compat=0 ...
 * queued by the dying process and printed by the kauditd thread: often
 * after its parent has reaped it. So PID 1 opens /dev/kmsg before the
 * root switch (reading needs CAP_SYSLOG under dmesg_restrict), moves to
 * the log's end at each start, and after a SIGSYS reads what came since,
 * waiting in poll(2) for the record up to AUDIT_WAIT_MS: a bounded wait,
 * only after a seccomp kill, never while the service runs.
 *
 * The record's pid is the host's, which PID 1 cannot map to its own
 * namespace's; the match is the process name (comm, read from the
 * zombie before it is reaped) among the records since this run started,
 * the newest winning (the killed process logs just before it dies). Two
 * processes of that name killed by seccomp in the same instant, here and
 * elsewhere on the host, could be confused; no record (an audit daemon
 * takes them, printk's rate limit, a log we may not read) is "system call
 * unknown", never a guess. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "seccomp.h"
#include "log.h"
#include "sys.h"

/* kauditd prints within microseconds unless the machine is loaded; a
 * loaded one costs a later restart by at most this. */
#define AUDIT_WAIT_MS 250

int seccomp_audit_open(const struct config *cfg)
{
	int fd;

	/* Only where kills are the filter's answer: with the default EPERM,
	 * only a call of a foreign ABI is killed, and PID 1 keeps no
	 * descriptor of the host's log for that (its call is then unknown). */
	if (cfg->seccomp_mode == SECCOMP_OFF || !cfg->seccomp_kill)
		return -1;
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	seccomp_audit_mark(fd);
	return fd;
}

void seccomp_audit_mark(int fd)
{
	if (fd >= 0) /* devkmsg_llseek: SEEK_END is "after the newest record" */
		(void)lseek(fd, 0, SEEK_END);
}

/* The value after " key=" in rec, or NULL. */
static const char *field(const char *rec, const char *key)
{
	size_t len = strlen(key);

	for (const char *p = strchr(rec, ' '); p; p = strchr(p + 1, ' '))
		if (strncmp(p + 1, key, len) == 0 && p[1 + len] == '=')
			return p + 2 + len;
	return NULL;
}

/* Whether rec is a seccomp kill record of comm; its call into *nr and
 * *arch. */
static bool kill_of(const char *rec, const char *comm, long *nr, uint32_t *arch)
{
	const char *type = field(rec, "type"), *c = field(rec, "comm"),
		   *sig = field(rec, "sig"), *a = field(rec, "arch"),
		   *s = field(rec, "syscall");
	size_t len = strlen(comm);
	uint64_t num = 0, v = 0;

	/* AUDIT_SECCOMP; no strstr: musl's pulls in a kilobyte of two-way */
	if (!type || strncmp(type, "1326 ", 5) != 0 || !c || !sig || !a || !s ||
	    strncmp(sig, "31 ", 3) != 0 || c[0] != '"' ||
	    strncmp(c + 1, comm, len) != 0 || c[1 + len] != '"')
		return false;
	for (; (*a >= '0' && *a <= '9') || (*a >= 'a' && *a <= 'f'); a++)
		v = v * 16 + (uint64_t)(*a <= '9' ? *a - '0' : *a - 'a' + 10);
	for (; *s >= '0' && *s <= '9' && num < (1u << 31); s++)
		num = num * 10 + (uint64_t)(*s - '0');
	*nr = (long)num;
	*arch = (uint32_t)v;
	return true;
}

long seccomp_audit_find(int fd, const char *comm, char *name, size_t size)
{
	/* one record per read; 8 KiB is the kernel's longest (a shorter
	 * buffer gets EINVAL and no progress) */
	char rec[8192];
	long nr = -1, found;
	uint32_t arch = 0, a;
	const char *known;
	uint64_t until = monotonic_ms() + AUDIT_WAIT_MS, now;

	name[0] = '\0';
	for (int i = 0; fd >= 0 && comm[0] && i < 4096; i++) {
		ssize_t n = read(fd, rec, sizeof rec - 1);
		struct pollfd more = { fd, POLLIN, 0 };

		if (n < 0 && errno == EPIPE)
			continue; /* overwritten before we read them: go on */
		if (n > 0) {
			rec[n] = '\0';
			if (kill_of(rec, comm, &found, &a))
				nr = found, arch = a;
			continue;
		}
		/* EAGAIN: nothing newer yet; the record may be on its way */
		if (nr >= 0 || n == 0 || errno != EAGAIN || (now = monotonic_ms()) >= until ||
		    poll(&more, 1, (int)(until - now)) <= 0)
			break;
	}
	if (nr >= 0 && (known = seccomp_syscall_name(arch, nr)))
		fmt(name, size, "%s", known);
	return nr;
}
