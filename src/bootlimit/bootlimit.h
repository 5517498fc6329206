/* SPDX-License-Identifier: MIT */
/* bootlimit.h - --boot-limit N (HUTCH_BOOTLIMIT): crash loops counted
 * across reboots. A start of hutch that ends at the start limit adds one
 * to a small record, PERSIST_DIR/NAME; once N starts in a row ended so,
 * hutch does not start the service (exit EXIT_BOOT_LIMIT) until `hutch
 * reset NAME` or a run that stays up for the --start-limit window. What
 * keeps a bad update from boot-looping a device forever (docs/limits.md,
 * "A router whose update boot-loops", docs/design.md "Boot limit"). */
#ifndef HUTCH_BOOTLIMIT_H
#define HUTCH_BOOTLIMIT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "profile.h"
#include "protocol.h" /* PERSIST_DIR_DEFAULT */

/* The launcher's exit code when the boot limit keeps the service from
 * starting: next to hutch's own 125-127, which the service's codes
 * rarely reach, and one an init system can be told not to restart on
 * (systemd's RestartPreventExitStatus=124). */
#define EXIT_BOOT_LIMIT 124

/* What PID 1 tells the launcher on the boot-limit pipe, one byte each. */
#define BOOT_STARTED 'S' /* the service started */
#define BOOT_EXITED 'X'	 /* its main process exited */
#define BOOT_GAVE_UP 'L' /* the start limit was reached: a crash loop */

#if HUTCH_BOOTLIMIT
/* A record's text, "crashloops=N\nlimit=M\n": false when its first
 * line is not whole (cut short, garbled); *limit is 0 without a whole
 * second line. Pure, for the unit tests. */
bool bootlimit_parse(const char *text, uint64_t *count, uint64_t *limit);

/* Launcher, before it makes anything: with --boot-limit, NAME's record is
 * read from the persist directory; true at the limit, said in one line
 * (the launcher exits EXIT_BOOT_LIMIT). Otherwise *pid1_end is the write
 * end of the pipe for PID 1, or -1 when there is nothing to record (no
 * --boot-limit, or a persist directory that cannot be used or written,
 * said in one line: the service starts either way). */
bool bootlimit_reached(const struct config *cfg, int *pid1_end);

/* Launcher's poll(2): the read end of the pipe (-1: none), and how long
 * poll may sleep for the boot limit (-1: forever). */
int bootlimit_fd(void);
int bootlimit_timeout(void);

/* After each poll: reads what PID 1 said (when readable) and clears the
 * record once the service has stayed up for the start-limit window. */
void bootlimit_poll(short revents);

/* PID 1 has ended: a crash loop adds one to the record. */
void bootlimit_end(void);

/* hutch check: what a start would find, in text; 0 fine, 1 a warning
 * (the limit off, or nothing recorded), 2 the start would be refused. */
int bootlimit_check(const struct config *cfg, char *text, size_t size);

/* hutch reset [--persist-dir DIR] NAME: removes the record. 0, 1 when it
 * cannot, 125 on an unsafe directory. */
int bootlimit_reset(const char *dir, const char *name);

/* "crash loops: 1 of 2 starts in a row\n" for hutch status, into buf
 * ("" without a record); whether the limit is reached. */
bool bootlimit_describe(const char *dir, const char *name, char *buf, size_t size);

/* The record's count of crash loops in a row (0: none) and its limit in
 * *limit, for hutch status --json. */
unsigned bootlimit_record(const char *dir, const char *name, uint64_t *limit);
#else
static inline bool bootlimit_reached(const struct config *cfg, int *pid1_end)
{
	(void)cfg;
	*pid1_end = -1;
	return false;
}

static inline int bootlimit_fd(void)
{
	return -1;
}

static inline int bootlimit_timeout(void)
{
	return -1;
}

static inline void bootlimit_poll(short revents)
{
	(void)revents;
}

static inline void bootlimit_end(void)
{
}

static inline int bootlimit_check(const struct config *cfg, char *text,
				  size_t size)
{
	(void)cfg;
	(void)text;
	(void)size;
	return 0;
}

static inline int bootlimit_reset(const char *dir, const char *name)
{
	(void)dir;
	(void)name;
	return feature_refuse("reset", F_BOOTLIMIT);
}

static inline unsigned bootlimit_record(const char *dir, const char *name,
					uint64_t *limit)
{
	(void)dir;
	(void)name;
	*limit = 0;
	return 0;
}

static inline bool bootlimit_describe(const char *dir, const char *name,
				      char *buf, size_t size)
{
	(void)dir;
	(void)name;
	if (size)
		buf[0] = '\0';
	return false;
}
#endif

#endif
