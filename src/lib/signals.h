/* SPDX-License-Identifier: MIT */
/* signals.h - the signal sets and dispositions of the launcher, PID 1 and
 * the service, built as the kernel sees them (every signal from 1 to
 * SIGRTMAX), not with libc's set helpers, which leave gaps. */
#ifndef HUTCH_SIGNALS_H
#define HUTCH_SIGNALS_H

#include <signal.h>

/* The signals hutch blocks and takes through a signalfd: every
 * one from 1 to SIGRTMAX (_NSIG - 1: 64, 127 on MIPS) but KILL and STOP
 * (they cannot be caught) and those the caller left ignored, which hutch
 * leaves to the kernel to discard (docs/usage.md, "Signals"). SIGCHLD is
 * hutch's own whatever the caller did: it is set back to its default
 * here, before the set is built. Terminal job control (TSTP, TTIN, TTOU)
 * is taken too: the launcher forwards it and then stops itself, as
 * dumb-init does (pty.c). The kernel is asked once per process image: a
 * fork (PID 1) gets the set of its parent's look. */
void supervised_signals(sigset_t *set);

/* Adds set to the blocked signals, every bit of it. */
void signals_block(const sigset_t *set);

/* Every disposition back to SIG_DFL, as the service must see them after
 * its exec: it starts with none of what hutch was started with (nohup's
 * ignored SIGHUP, a shell's ignored SIGINT and SIGQUIT). After
 * supervised_signals in this process or a parent forked from, only the
 * signals that are ignored are set (none, usually); otherwise all. */
void signals_default(void);

#endif
