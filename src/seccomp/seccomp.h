/* SPDX-License-Identifier: MIT */
/* seccomp.h - the service's system call filter: classic BPF that hutch
 * writes itself (no libseccomp), for the native ABI and, where the kernel
 * runs one beside it, the 32-bit compat ABI. docs/security.md, "Seccomp
 * filter", has the default list and the syntax of a --seccomp FILE. */
#ifndef HUTCH_SECCOMP_H
#define HUTCH_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

#include "bpf.h"
#include "config.h"
#include "profile.h"

/* cfg->seccomp_mode. The default is 0, so a cleared config has it. */
enum { SECCOMP_DEFAULT, SECCOMP_OFF, SECCOMP_LIST };

/* Rules in one list, @default counting as all of its names. */
#define SECCOMP_MAX_RULES 200

#if HUTCH_SECCOMP
/* Checks the text of a --seccomp FILE. Returns 0 when it is good, else the
 * number of the first bad line, with the reason in msg. */
unsigned seccomp_check(const char *text, char *msg, size_t size);

/* In PID 1, once: builds the filter cfg asks for into static storage (no
 * filter for --seccomp off). Dies (exit 125) if it cannot. */
void seccomp_prepare(const struct config *cfg);

/* In the service child, just before exec: installs that filter. Needs
 * no_new_privs (privs_drop sets it) or CAP_SYS_ADMIN. 0 or -errno. */
int seccomp_install(void);

/* What seccomp_install loads from now on, with SECCOMP_FILTER_FLAG_s:
 * hutch oci's program (seccomp_oci.c). */
void seccomp_use(const struct sock_fprog *p, unsigned flags);

/* seccomp_prepare without the kernel probe, for the unit tests: the
 * program (len 0 for --seccomp off). */
const struct sock_fprog *seccomp_build(const struct config *cfg);

/* The name of system call nr of the ABI the kernel calls arch
 * (AUDIT_ARCH_*), when hutch's table has it; else NULL. */
const char *seccomp_syscall_name(uint32_t arch, long nr);

/* PID 1, before the root switch: /dev/kmsg for reading, with
 * --seccomp-action kill (-1 otherwise, or when the kernel's log is not
 * ours to read: dmesg_restrict without CAP_SYSLOG, --userns). */
int seccomp_audit_open(const struct config *cfg);

/* At each start: what the log holds so far is not this run's. */
void seccomp_audit_mark(int fd);

/* The system call of the newest seccomp kill record (audit type 1326,
 * sig=31) logged since the mark by a process named comm; its name into
 * name (or ""). -1 when there is none. */
long seccomp_audit_find(int fd, const char *comm, char *name, size_t size);

#else
/* Built without the filter: --seccomp is refused by the parser, and the
 * service runs with no_new_privs and without capabilities, unfiltered. */
static inline void seccomp_prepare(const struct config *cfg)
{
	(void)cfg;
}

static inline int seccomp_install(void)
{
	return 0;
}

static inline int seccomp_audit_open(const struct config *cfg)
{
	(void)cfg;
	return -1;
}

static inline void seccomp_audit_mark(int fd)
{
	(void)fd;
}

static inline long seccomp_audit_find(int fd, const char *comm, char *name,
				      size_t size)
{
	(void)fd, (void)comm, (void)name, (void)size;
	return -1;
}
#endif

#endif
