/* output.h - --output FILE: the service's stdout and stderr, through a
 * pipe, appended to a host file by the launcher, with a size cap. */
#ifndef HUTCH_OUTPUT_H
#define HUTCH_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct output {
	const char *path; /* NULL: no --output */
	const char *name; /* its last name, in dir */
	int dir;	  /* its directory, checked once (trust.h) */
	uint64_t max;	  /* rotate at this size; 0: never */
	uint64_t size;	  /* FILE's size now */
	int file;	  /* FILE, appended to; -1 while it cannot be */
	int pipe;	  /* the read end; -1 once every writer is gone */
	bool failing;	  /* a failure was logged; quiet until it mends */
};

/* Opens FILE and the pipe; cfg->output_fd is the write end, for PID 1 to
 * give the service. Dies (exit 125) when FILE cannot be opened. */
void output_open(struct output *out, struct config *cfg);

/* One read from the pipe into FILE, rotating FILE to FILE.1 at the cap.
 * Write errors are logged once and the data dropped: a full disk must not
 * stop the service, which would block on a full pipe. */
void output_copy(struct output *out);

#endif
