/* SPDX-License-Identifier: MIT */
/* log.c - messages to fd 2 with one write(2) each, so lines from the
 * launcher, PID 1 and the service never interleave mid-line. */
#include "log.h"

#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "sys.h"

static int verbosity = LOG_INFO;
static enum log_target target = LOG_STDERR;
static int log_fd = STDERR_FILENO;
static const char *sandbox; /* the name, once known; it lives until exit */
static unsigned long dropped; /* lines a full or stopped target refused */

void log_setup(const char *name, int level)
{
	verbosity = level;
	if (name)
		sandbox = name;
}

int log_connect(enum log_target to)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	int fd;

	if (to == LOG_KMSG) {
		fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	} else {
		/* A connected datagram socket: each message one send, and it
		 * keeps reaching the daemon after PID 1 switched its root. */
		fd = sys_socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0 && connect(fd, (const struct sockaddr *)&addr, sizeof addr)) {
			int err = errno;
			close(fd);
			fd = -1;
			errno = err;
		}
	}
	return fd < 0 ? -errno : fd;
}

int log_open(enum log_target to)
{
	int fd = to == LOG_STDERR ? STDERR_FILENO : log_connect(to);

	if (fd < 0)
		return fd;
	target = to;
	log_fd = fd;
	return fd;
}

/* A terminal can be stopped (tcflow, Ctrl-S) and a pipe can fill up: a
 * blocking write there would wedge PID 1 or the launcher, and with it
 * `hutch stop`. fd 2 is opened again through /proc, a file description
 * of our own that can be non-blocking without changing the caller's.
 * kmsg never blocks; the syslog socket is non-blocking from the start. */
void log_nonblocking(void)
{
	struct stat st;
	int fd;

	if (target != LOG_STDERR)
		return;
	if (log_fd > STDERR_FILENO)
		close(log_fd); /* a copy made before, maybe of another fd 2 */
	log_fd = STDERR_FILENO;
	if (fstat(STDERR_FILENO, &st) || !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
		return;
	fd = open("/proc/self/fd/2", O_WRONLY | O_APPEND | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0)
		log_fd = fd;
}

int log_descriptor(void)
{
	return log_fd;
}

int log_verbosity(void)
{
	return verbosity;
}

/* Writes u backwards, ending before end; returns its first character. */
static char *digits(char *end, unsigned long long u, bool negative)
{
	do
		*--end = (char)('0' + u % 10);
	while (u /= 10);
	if (negative)
		*--end = '-';
	return end;
}

/* Each conversion becomes a string, copied by one loop: a number is
 * written backwards into the end of num, a character or a literal is the
 * one character there. */
size_t fmt_va(char *buf, size_t size, const char *f, va_list ap)
{
	size_t pos = 0;

	for (; *f; f++) {
		char num[24], *n = num + sizeof num - 1;
		const char *s = NULL;

		*n = '\0';
		if (*f != '%') {
			*--n = *f;
		} else {
			int longs = 0;
			while (*++f == 'l')
				longs++;
			if (*f == 'z') {
				f++;
				longs = -1;
			}
			switch (*f) {
			case 's':
				s = va_arg(ap, const char *);
				if (!s)
					s = "(null)";
				break;
			case 'c':
				*--n = (char)va_arg(ap, int);
				break;
			case 'd':
			case 'i':
			case 'u': {
				unsigned long long u =
					longs < 0   ? va_arg(ap, size_t)
				      : longs == 2 ? va_arg(ap, unsigned long long)
				      : longs == 1 ? va_arg(ap, unsigned long)
						   : va_arg(ap, unsigned int);
				/* %d, %i: the same bits, read as signed */
				long long v = longs == 2 ? (long long)u
					    : longs == 1 ? (long)u : (int)u;
				bool negative = *f != 'u' && v < 0;
				n = digits(n, negative ? 0ULL - (unsigned long long)v : u,
					   negative);
				break;
			}
			case '%':
				*--n = '%';
				break;
			default: /* unsupported: the format attribute catches it */
				if (!*f)
					f--;
				break;
			}
		}
		for (s = s ? s : n; *s; s++, pos++)
			if (pos + 1 < size)
				buf[pos] = *s;
	}
	if (size)
		buf[pos < size ? pos : size - 1] = '\0';
	return pos;
}

size_t fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = fmt_va(buf, size, f, ap);
	va_end(ap);
	return n;
}

/* "<PRI>" for kmsg and syslog: the daemon facility (3) with the level's
 * severity: err 3, warning 4, info 6, debug 7. */
static size_t priority(char *buf, enum log_level level)
{
	static const unsigned char severity[] = { 3, 4, 6, 7 };

	return fmt(buf, 8, "<%u>", (target == LOG_SYSLOG ? 24u : 0u) + severity[level]);
}

/* A target that would block drops the line and counts it; the count is
 * told with the next line that gets through. A syslog daemon that went
 * away (restarted) leaves the socket unconnected: the message then goes
 * to stderr, if that takes it at once. */
static void emit(const char *line, size_t n)
{
	int err = 0;

	if (dropped) {
		char note[48];
		err = write_all(log_fd, note, fmt(note, sizeof note, "hutch: %lu log "
						  "lines dropped\n", dropped));
	}
	if (!err) {
		dropped = 0;
		err = write_all(log_fd, line, n);
	}
	if (err && err != -EAGAIN && log_fd != STDERR_FILENO && target != LOG_STDERR)
		err = write_all(STDERR_FILENO, line, n);
	if (err == -EAGAIN)
		dropped++;
}

static void (*also)(int level, const char *msg);

void log_also(void (*fn)(int level, const char *msg))
{
	also = fn;
}

void log_to_fd(int fd)
{
	log_fd = fd;
}

/* Every message one line for a terminal, whatever it quotes (config.json's
 * strings, names, paths), so no caller needs a sanitizer of its own: the
 * C0 controls (newline, ESC) and DEL become '?', and so does each byte of
 * U+0080-U+009F (C1: CSI and OSC to terminals that take them from UTF-8)
 * and of the bidi overrides and isolates U+202A-U+202E, U+2066-U+2069
 * (they reorder what is shown, so a line reads other than it holds:
 * CVE-2021-42574). Other UTF-8 is text and stays; a lone byte 0x80-0x9F
 * stays too (it is a UTF-8 continuation byte: only a Latin-1 terminal
 * takes it as C1). */
static void one_line(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const unsigned char *u = (const unsigned char *)s + i;
		unsigned v = i + 2 < n ? (unsigned)u[1] << 8 | u[2] : 0;
		size_t len = u[0] < ' ' || u[0] == 0x7f ? 1
			   : u[0] == 0xc2 && i + 1 < n && u[1] - 0x80u < 0x20 ? 2
			   : u[0] == 0xe2 && (v - 0x80aau < 5 || v - 0x81a6u < 4) ? 3 : 0;
		while (len--)
			s[i + len] = '?';
	}
}

static void log_va(enum log_level level, const char *f, va_list ap)
{
	char line[560];
	size_t head = 0, room, n;

	if ((int)level > verbosity)
		return;
	if (target != LOG_STDERR)
		head = priority(line, level);
	/* syslog: "<30>web: text", the name as ident; else "hutch[web]: text"
	 * ("hutch: text" before the name is known). Names are at most 64
	 * characters (valid_name). */
	if (target == LOG_SYSLOG)
		head += fmt(line + head, 80, "%s: ", sandbox ? sandbox : "hutch");
	else if (sandbox)
		head += fmt(line + head, 80, "hutch[%s]: ", sandbox);
	else
		head += fmt(line + head, 80, "hutch: ");
	room = sizeof line - head - 1;
	n = fmt_va(line + head, room + 1, f, ap);
	if (n > room) { /* cut: mark it rather than lose the newline */
		n = room;
		for (size_t i = 1; i <= 3; i++)
			line[head + n - i] = '.';
	}
	one_line(line + head, n);
	line[head + n] = '\0';
	if (also)
		also(level, line + head);
	line[head + n] = '\n';
	n += head + (target != LOG_SYSLOG);
	emit(line, n);
}

void log_msg(enum log_level level, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	log_va(level, f, ap);
	va_end(ap);
}

/* The undo steps of the set-up so far, newest last (log.h). A fixed
 * array: die() may run when memory or descriptors are what failed. */
static void (*undo[DIE_UNDO_MAX])(void);
static unsigned n_undo;

void die_push(void (*fn)(void))
{
	if (n_undo == DIE_UNDO_MAX)
		die("more than %d undo steps: raise DIE_UNDO_MAX (log.h)", DIE_UNDO_MAX);
	undo[n_undo++] = fn;
}

/* cppcheck-suppress constParameter ; a function, compared only */
void die_pop(void (*fn)(void))
{
	/* the newest step of fn: a caller hands over what it pushed last */
	for (unsigned i = n_undo; i-- > 0;)
		if (undo[i] == fn) {
			for (n_undo--; i < n_undo; i++)
				undo[i] = undo[i + 1];
			return;
		}
}

void die_forget(void)
{
	n_undo = 0;
}

void die_unwind(void)
{
	/* each step taken off before it runs: a die() inside it goes on
	 * with the older ones, never runs one twice */
	while (n_undo)
		undo[--n_undo]();
}

void die(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	log_va(LOG_ERROR, f, ap);
	va_end(ap);
	die_unwind();
	_exit(EXIT_SETUP);
}

#define ERRORS(X)                                                        \
	X(EPERM, "Operation not permitted")                              \
	X(ENOENT, "No such file or directory")                           \
	X(ESRCH, "No such process")                                      \
	X(EINTR, "Interrupted system call")                              \
	X(EIO, "I/O error")                                              \
	X(ENXIO, "No such device or address")                            \
	X(E2BIG, "Argument list too long")                               \
	X(ENOEXEC, "Exec format error")                                  \
	X(EBADF, "Bad file descriptor")                                  \
	X(ECHILD, "No child process")                                    \
	X(EAGAIN, "Resource temporarily unavailable")                    \
	X(ENOMEM, "Out of memory")                                       \
	X(EACCES, "Permission denied")                                   \
	X(EFAULT, "Bad address")                                         \
	X(EBUSY, "Resource busy")                                        \
	X(EEXIST, "File exists")                                         \
	X(EXDEV, "Cross-device link")                                    \
	X(ENODEV, "No such device")                                      \
	X(ENOTDIR, "Not a directory")                                    \
	X(EISDIR, "Is a directory")                                      \
	X(EINVAL, "Invalid argument")                                    \
	X(ENFILE, "Too many open files in system")                       \
	X(EMFILE, "No file descriptors available")                       \
	X(ETXTBSY, "Text file busy")                                     \
	X(EFBIG, "File too large")                                       \
	X(ENOSPC, "No space left on device")                             \
	X(EROFS, "Read-only file system")                                \
	X(EMLINK, "Too many links")                                      \
	X(EPIPE, "Broken pipe")                                          \
	X(ERANGE, "Result not representable")                            \
	X(ENAMETOOLONG, "Filename too long")                             \
	X(ENOSYS, "Function not implemented")                            \
	X(ENOTEMPTY, "Directory not empty")                              \
	X(ELOOP, "Symbolic link loop")                                   \
	X(EOPNOTSUPP, "Not supported")                                   \
	X(EAFNOSUPPORT, "Address family not supported by protocol")      \
	X(EUSERS, "Too many users")                                      \
	X(EDQUOT, "Quota exceeded")

const char *error_text(int err)
{
	/* Numbers in two bytes each (one is not enough: EDQUOT is 1133 on
	 * MIPS), texts in one NUL-separated blob, not a table of pointers. */
#define NUMBER(e, text) (unsigned short)(e),
#define TEXT(e, text) text "\0"
	static const unsigned short numbers[] = { ERRORS(NUMBER) };
	static const char texts[] = ERRORS(TEXT);
#undef NUMBER
#undef TEXT
	static char unknown[24];
	const char *t = texts;

	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		if (numbers[i] == err)
			return t;
		while (*t++)
			;
	}
	fmt(unknown, sizeof unknown, "error %d", err);
	return unknown;
}
