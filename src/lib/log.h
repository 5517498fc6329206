/* SPDX-License-Identifier: MIT */
/* log.h - one-line messages on stderr, and a tiny printf-like formatter.
 *
 * hutch avoids stdio: a static binary with fprintf is about twice the size
 * of one that only calls write(2). fmt() understands the conversions hutch
 * uses (%s %c %d %i %u with l/ll/z, and %%), nothing else; the format
 * attribute lets the compiler check every call against printf's rules. */
#ifndef HUTCH_LOG_H
#define HUTCH_LOG_H

#include <stdarg.h>
#include <stddef.h>

#define HUTCH_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* LOG_WARN: something given is ignored and the start goes on (--quiet
 * leaves errors only). */
enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Where messages go: stderr; the kernel's log (/dev/kmsg: early boot, no
 * syslog daemon yet); syslog through /dev/log, the name as ident. */
enum log_target { LOG_STDERR, LOG_KMSG, LOG_SYSLOG };

/* Exit codes, shared by every part of hutch (docs/usage.md, "Exit codes"). */
enum {
	EXIT_SETUP = 125,	/* hutch could not set up */
	EXIT_CANNOT_EXEC = 126, /* the command exists but cannot be run */
	EXIT_NOT_FOUND = 127,	/* the command was not found */
};

/* Messages read "hutch[NAME]: text"; before the name is known, "hutch: ". */
void log_setup(const char *name, int verbosity);
int log_verbosity(void);

/* Opens the target (before the root switch: /dev/log and /dev/kmsg are
 * the host's); returns its descriptor, to keep open in PID 1, or -errno.
 * Until then, and for LOG_STDERR, messages go to fd 2. */
int log_open(enum log_target target);
/* /dev/kmsg opened, or /dev/log connected, for LOG_KMSG or LOG_SYSLOG:
 * the descriptor or -errno; hutch's own messages keep their target. */
int log_connect(enum log_target target);

/* Log writes never block: fd 2, when it is a terminal or a pipe, is
 * reopened non-blocking (again after PID 1 changed its fd 2). A line the
 * target cannot take at once is dropped and counted. log_descriptor():
 * the descriptor in use, to keep open in PID 1. */
void log_nonblocking(void);
int log_descriptor(void);

/* hutch oci: each message also to fn (--log FILE, as text or JSON lines),
 * and messages to fd instead of fd 2 (the container's set-up answers
 * its caller through a pipe). */
void log_also(void (*fn)(int level, const char *msg));
void log_to_fd(int fd);

size_t fmt_va(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt(char *buf, size_t size, const char *fmt, ...) HUTCH_PRINTF(3, 4);

/* The text of an errno value, in musl's words, for the errors hutch's
 * system calls can meet; "error N" for others. Smaller than strerror(3),
 * whose table holds every errno there is. */
const char *error_text(int err);

void log_msg(enum log_level level, const char *fmt, ...) HUTCH_PRINTF(2, 3);
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Setup failed: say why in one line and exit 125. Only for the set-up path,
 * never inside the supervisor loop (a running service is never lost to a
 * transient error). */
_Noreturn void die(const char *fmt, ...) HUTCH_PRINTF(1, 2);

/* Undo steps for die(), run newest first before its exit, so that a
 * refused start leaves nothing on the system: each set-up step that makes
 * something pushes the function that removes it (the state directory, the
 * pid file, the cgroup, the mount points made in the root) and pops it
 * when it hands the thing over (to PID 1, or to the normal end). At most
 * DIE_UNDO_MAX, in a fixed array: no malloc on the way out; one more
 * dies. No argument: each undoes a thing its process makes once. */
#define DIE_UNDO_MAX 8
void die_push(void (*fn)(void));
/* Takes off the newest step fn, without running it. */
void die_pop(void (*fn)(void));
/* Runs every step, newest first, and empties the stack: the normal end
 * of the process that pushed them. */
void die_unwind(void);
/* Empties the stack without running it: first thing in a forked child,
 * whose parent still owns what the steps would remove. */
void die_forget(void);

#endif
