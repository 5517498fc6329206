/* SPDX-License-Identifier: MIT */
/* exit_cause.c - the choice of an exit cause and its words (src/state/exit_cause.c). */
#include <signal.h>
#include <string.h>

#include "exit_cause.h"
#include "tap.h"

#define KILLED(sig) (sig)
#define EXITED(code) ((code) << 8)

int main(void)
{
	struct exit_info e = { .cause = CAUSE_NONE, .code = -1, .syscall = -1 };
	char buf[160];

	is_num(exit_cause_of(EXITED(3), CAUSE_NONE, false, false), CAUSE_EXITED,
	       "an exit is exited");
	is_num(exit_cause_of(KILLED(SIGKILL), CAUSE_NONE, false, false), CAUSE_SIGNAL,
	       "SIGKILL alone is a signal");
	is_num(exit_cause_of(KILLED(SIGKILL), CAUSE_NONE, true, false), CAUSE_OOM,
	       "SIGKILL with an OOM kill counted in the run is the OOM killer");
	is_num(exit_cause_of(EXITED(1), CAUSE_NONE, true, false), CAUSE_EXITED,
	       "an exit with an OOM kill of another process stays an exit");
	is_num(exit_cause_of(KILLED(SIGSYS), CAUSE_NONE, false, true), CAUSE_SECCOMP,
	       "SIGSYS under a filter is seccomp");
	is_num(exit_cause_of(KILLED(SIGSYS), CAUSE_NONE, false, false), CAUSE_SIGNAL,
	       "SIGSYS without one is a signal");
	is_num(exit_cause_of(KILLED(SIGKILL), CAUSE_PRESSURE, true, false), CAUSE_PRESSURE,
	       "PID 1's own reason wins");
	is_num(exit_cause_of(EXITED(0), CAUSE_STOP, false, false), CAUSE_STOP,
	       "a service that exits 0 on the stop signal: stop");

	is_str(exit_cause_word(CAUSE_NONE), "none", "the first word");
	is_str(exit_cause_word(CAUSE_START_LIMIT), "start-limit", "a word in the middle");
	is_str(exit_cause_word(CAUSE_HEALTH), "health", "the last word");
	is_str(exit_cause_word(N_CAUSES), "unknown", "out of the table");
	is_str(exit_cause_text(CAUSE_OOM), "OOM kill", "a text");
	for (int c = 0; c < N_CAUSES; c++)
		for (int d = c + 1; d < N_CAUSES; d++)
			ok(strcmp(exit_cause_word(c), exit_cause_word(d)) != 0,
			   "words %d and %d differ", c, d);

	exit_describe(&e, "", buf, sizeof buf);
	is_str(buf, "none", "no exit yet");
	e = (struct exit_info){ CAUSE_EXITED, 3, 0, -1, "", 0, 0, 0 };
	exit_describe(&e, " after 5 ms", buf, sizeof buf);
	is_str(buf, "exited with code 3 after 5 ms", "an exit");
	e = (struct exit_info){ CAUSE_OOM, -1, SIGKILL, -1, "", 1, 0, 0 };
	exit_describe(&e, "", buf, sizeof buf);
	is_str(buf, "killed by signal 9 (SIGKILL): OOM kill", "an OOM kill");
	e = (struct exit_info){ CAUSE_SECCOMP, -1, SIGSYS, 272, "unshare", 0, 0, 0 };
	exit_describe(&e, "", buf, sizeof buf);
	ok(strstr(buf, ": seccomp kill of unshare (system call 272)") != NULL,
	   "a seccomp kill with its call: %s", buf);
	e.syscall = -1;
	exit_describe(&e, "", buf, sizeof buf);
	ok(strstr(buf, ": seccomp kill (system call unknown)") != NULL,
	   "and without: %s", buf);
	e = (struct exit_info){ CAUSE_SECCOMP, -1, SIGSYS, 999, "", 0, 0, 0 };
	exit_describe(&e, "", buf, sizeof buf);
	ok(strstr(buf, ": seccomp kill of system call 999") != NULL,
	   "a number hutch has no name for: %s", buf);
	return tap_done();
}
