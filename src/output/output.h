/* SPDX-License-Identifier: MIT */
/* output.h - --output FILE|syslog|kmsg: the service's stdout and stderr,
 * through a pipe, copied by the launcher in whole lines: appended to a
 * host file with a size cap, or one message a line to hutch's log. */
#ifndef HUTCH_OUTPUT_H
#define HUTCH_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "options.h" /* output_log_target */
#include "runtime.h"
#include "profile.h"

struct output {
	const char *path; /* NULL: no --output */
	const char *file_name; /* FILE's last name, in dir */
	int dir;	  /* its directory, checked once (trust.h) */
	uint64_t max;	  /* rotate at this size; 0: never */
	uint64_t size;	  /* FILE's size now */
	int file;	  /* FILE (or the log), appended to; -1 while it cannot be */
	int pipe;	  /* the read end; -1 once every writer is gone */
	bool failing;	  /* a failure was logged; quiet until it mends */
	bool stamps;	  /* --output-timestamps */
	bool splice;	  /* a character device, nothing to do per line */
	int log;	  /* 0: FILE; LOG_SYSLOG or LOG_KMSG: one message a line */
	const char *tag;  /* the tag of each message */
	size_t held;	  /* an unfinished line, kept until its newline comes */
	size_t line_max;  /* a longer line is cut, each piece marked */
	/* --output-rate: a token bucket, filled when output comes */
	uint64_t rate_bytes, rate_ms, tokens, filled_at, dropped;
	bool dropping;
	/* a flood is read every PAUSE_MS, not at each write */
	bool can_pause;	   /* the pipe is large enough to wait */
	uint64_t read_at, resume_at;
	uint64_t cpu_milli, cpu_mark; /* --cpu; the launcher's CPU (ms) then */
};

#if HUTCH_OUTPUT
/* Opens FILE (or the log) and the pipe; rt->output_fd is the write end,
 * for PID 1 to give the service. Dies (exit 125) when FILE cannot be
 * opened. */
void output_open(struct output *out, const struct config *cfg, struct runtime *rt);

/* A new pipe for the service of a rebuilt sandbox (the last one's is
 * read to its end): its write end in rt->output_fd, FILE kept. */
void output_pipe(struct output *out, struct runtime *rt);

/* One read from the pipe: whole lines into FILE, rotating it to FILE.1 at
 * the cap, or to the log. Write errors are logged once and the data
 * dropped: a full disk must not stop the service, which would block on a
 * full pipe. */
void output_copy(struct output *out);

/* How long the launcher should leave the pipe alone (ms; -1: read it when
 * it is readable): while a service floods, each read waits a little for
 * the pipe to fill, so a 4 KiB write is not a wakeup of the launcher. */
int output_pause(struct output *out);

/* hutch check's: what the start would refuse about --output FILE (its
 * directory, what is at FILE), nothing created; false after a refusal
 * reported to pf (preflight.h). */
struct preflight;
bool output_check(const char *path, struct preflight *pf);
#else
/* Built without --output (refused by the parser): the service writes to
 * hutch's own stdout and stderr, and there is no pipe to copy. */
static inline void output_open(struct output *out, const struct config *cfg,
			       struct runtime *rt)
{
	(void)cfg;
	out->path = NULL;
	out->pipe = rt->output_fd = -1;
}

static inline void output_pipe(struct output *out, struct runtime *rt)
{
	(void)out;
	(void)rt;
}

static inline void output_copy(struct output *out)
{
	out->pipe = -1;
}

static inline int output_pause(struct output *out)
{
	(void)out;
	return -1;
}

struct preflight;
static inline bool output_check(const char *path, struct preflight *pf)
{
	(void)path;
	(void)pf;
	return true;
}
#endif

#endif
