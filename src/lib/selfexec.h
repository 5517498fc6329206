/* SPDX-License-Identifier: MIT */
/* selfexec.h - hutch runs from a sealed memfd copy of itself before it
 * enters a sandbox or a container (hutch exec, hutch oci create and
 * exec): a process there that reaches the entering hutch through
 * /proc/PID/exe finds a copy no one can write, never the host's binary
 * (CVE-2019-5736's pattern; docs/security.md). */
#ifndef HUTCH_SELFEXEC_H
#define HUTCH_SELFEXEC_H

/* main's argv: the copy is run with the same arguments */
extern char **selfexec_argv;

/* Returns when this process already runs from the sealed copy; otherwise
 * makes it and execs it (the same argv and environment), or dies (exit
 * 125) with one line saying why, vm.memfd_noexec=2 named when it is the
 * cause. */
void selfexec_sealed(void);

#endif
