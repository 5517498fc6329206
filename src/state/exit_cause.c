// SPDX-License-Identifier: MIT
/* exit_cause.c - the table of exit causes, the choice of one for a wait
 * status, and its words (pure: tests/unit/exit_cause.c links it). */
#include "exit_cause.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "log.h"
#include "sys.h"

/* NUL-separated, one per row: no table of pointers (8 bytes a row). */
static const char words[] =
#define X(id, word, text) word "\0"
	EXIT_CAUSES(X)
#undef X
	;

static const char texts[] =
#define X(id, word, text) text "\0"
	EXIT_CAUSES(X)
#undef X
	;

static const char *nth(const char *list, enum exit_cause cause)
{
	if ((unsigned)cause >= N_CAUSES)
		return "unknown";
	return nul_list_at(list, (size_t)cause);
}

const char *exit_cause_word(enum exit_cause cause)
{
	return nth(words, cause);
}

const char *exit_cause_text(enum exit_cause cause)
{
	return nth(texts, cause);
}

/* SIGKILL with an OOM kill counted is the OOM killer's (it kills with
 * SIGKILL); a run that exited although an OOM kill hit one of its
 * processes keeps its own cause, the count shows beside it. SIGSYS is
 * what the kernel sends for SECCOMP_RET_KILL_*; without a filter that
 * kills it can only be kill(2)'s. */
enum exit_cause exit_cause_of(int status, enum exit_cause pending, bool oom,
			      bool seccomp)
{
	if (pending != CAUSE_NONE)
		return pending;
	if (!WIFSIGNALED(status))
		return CAUSE_EXITED;
	if (WTERMSIG(status) == SIGKILL && oom)
		return CAUSE_OOM;
	if (WTERMSIG(status) == SIGSYS && seccomp)
		return CAUSE_SECCOMP;
	return CAUSE_SIGNAL;
}

size_t exit_describe(const struct exit_info *e, const char *mid, char *buf,
		     size_t size)
{
	char name[16];
	size_t n;

	if (e->cause == CAUSE_NONE)
		return fmt(buf, size, "none");
	n = e->sig ? fmt(buf, size, "killed by signal %d (%s)%s", e->sig,
			 signal_name(e->sig, name, sizeof name), mid)
		   : fmt(buf, size, "exited with code %d%s", e->code, mid);
	if (n >= size || e->cause == CAUSE_EXITED || e->cause == CAUSE_SIGNAL)
		return n;
	n += fmt(buf + n, size - n, ": %s", exit_cause_text(e->cause));
	if (n < size && e->cause == CAUSE_SECCOMP)
		n += e->syscall < 0 ? fmt(buf + n, size - n, " (system call unknown)")
		     : e->syscall_name[0]
			     ? fmt(buf + n, size - n, " of %s (system call %ld)",
				   e->syscall_name, e->syscall)
			     : fmt(buf + n, size - n, " of system call %ld", e->syscall);
	return n;
}
