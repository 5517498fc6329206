/* SPDX-License-Identifier: MIT */
/* output.c - --output FILE|syslog|kmsg. The launcher copies, not PID 1:
 * it is in the host's mount namespace, where FILE and FILE.1 live and can
 * be renamed, and it sleeps in poll(2) anyway. FILE grows to --output-max,
 * then becomes FILE.1 (replacing the older one) and FILE starts again: at
 * most twice the cap on the device's flash, as BusyBox syslogd -s keeps it.
 *
 * The copy works in whole lines: a chunk's unfinished last line is held
 * until its newline comes, so a rotation never splits a line, and each
 * line can get a timestamp or be one log message. It reads and writes in
 * blocks of 64 KiB: a flooding service costs the launcher a few system
 * calls per 64 KiB, not per 4 KiB. A character device with nothing to do
 * per line is fed by splice(2), without a copy through user space. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* rename(2)'s declaration only */
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "refusal.h"
#include "sys.h"
#include "trust.h"

/* One read, one write at most this much. */
#define BLOCK 65536
/* The pipe holds this much (F_SETPIPE_SZ; the kernel's default is 64 KiB),
 * so a burst while the launcher is not scheduled neither blocks the service
 * nor costs more than a few full-block reads. */
#define PIPE_BYTES (1 << 20)
/* While output floods in (a read within this long of the last one that
 * drained the pipe), the next read waits at least this long: the pipe
 * fills and the launcher wakes once per PAUSE_MS, not at each of the
 * service's 4 KiB writes. A service writing now and then never meets it.
 * Under --cpu the wait also keeps the copy's CPU within the service's
 * share: the copy is the service's work, done outside its group. */
#define PAUSE_MS 10
#define PAUSE_MAX_MS 1000
/* A line longer than this is cut into pieces of it, each ending in
 * CUT_MARK: a bound on what is held, and no line outgrows --output-max. */
#define LINE_MAX_BYTES 16384
/* kmsg keeps at most 1024 bytes of a record; syslog daemons cut too. */
#define LOG_LINE_MAX 900
#define CUT_MARK " [cut]\n"
#define MARK_LEN (sizeof CUT_MARK - 1)
/* "2026-12-03T00:15:42.123Z " */
#define STAMP_LEN 25

static char in[BLOCK];		      /* what was read, the held line first */
static char staged[BLOCK + 1024];     /* stamped lines, or one log message */

/* FILE as found: -EPERM a regular file another user could change (owned
 * by them, or hard-linked elsewhere), -EBADFD neither a regular file nor
 * a character device. */
static int judge(const struct stat *st)
{
	if (S_ISREG(st->st_mode) && (!trust_stat(st, false) || st->st_nlink != 1))
		return -EPERM;
	return S_ISREG(st->st_mode) || S_ISCHR(st->st_mode) ? 0 : -EBADFD;
}

/* The refusal of --output path for err; false (see preflight.h). */
static bool refused(const char *path, int err, struct preflight *pf)
{
	if (err == -EPERM)
		return preflight_fail(pf, "--output %s: a regular file that another user "
				      "owns, or with other hard links: remove it, or "
				      "choose another path", path);
	if (err == -EBADFD)
		return preflight_fail(pf, "--output %s: neither a regular file nor a "
				      "character device (a fifo or socket would stall "
				      "the output)", path);
	return preflight_fail(pf, "--output %s: %s", path, error_text(-err));
}

static int open_file(struct output *out)
{
	struct stat st;
	int err = 0;

	/* 0640: a service's output may hold what the world should not read.
	 * O_NONBLOCK: a fifo without a reader fails (ENXIO) rather than hang
	 * the launcher; it is cleared again for the writes. O_NOFOLLOW: a
	 * symlink at FILE is refused (ELOOP). */
	out->file = openat(out->dir, out->file_name, O_WRONLY | O_APPEND | O_CREAT |
			   O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0640);
	if (out->file < 0)
		return -errno;
	out->size = 0;
	if (stat_at(out->file, "", &st, AT_EMPTY_PATH))
		err = -errno;
	else
		err = judge(&st);
	if (err) {
		close(out->file);
		out->file = -1;
		return err;
	}
	/* splice(2) refuses a file open for appending: a device has no end
	 * to append at anyway. */
	out->splice = out->splice && S_ISCHR(st.st_mode);
	/* the bare call: musl's fcntl(3) is 400 bytes of special cases */
	sys_fcntl(out->file, F_SETFL, out->splice ? 0 : O_APPEND);
	if (!S_ISREG(st.st_mode))
		out->max = 0; /* a console or a serial port: nothing to rotate */
	else
		out->size = (uint64_t)st.st_size;
	return 0;
}

/* --output syslog|kmsg: a descriptor of its own, non-blocking, so a
 * syslog daemon that does not keep up costs lines, never the launcher. */
static int open_log(struct output *out)
{
	out->file = log_connect((enum log_target)out->log);
	if (out->file < 0)
		return out->file;
	sys_fcntl(out->file, F_SETFL, O_NONBLOCK);
	return 0;
}

static size_t smaller(size_t a, uint64_t b)
{
	return b && b < a ? (size_t)b : a;
}

static void output_init(struct output *out, const struct config *cfg, struct runtime *rt)
{
	out->path = cfg->output;
	out->max = cfg->output_max;
	out->pipe = rt->output_fd = out->dir = -1;
	out->failing = out->dropping = out->can_pause = false;
	out->resume_at = out->cpu_mark = 0;
	out->cpu_milli = cfg->cpu_milli;
	out->held = 0;
	out->stamps = cfg->output_timestamps;
	out->tag = cfg->name;
	out->rate_bytes = cfg->output_rate_bytes;
	out->rate_ms = cfg->output_rate_ms;
	out->tokens = out->rate_bytes;
	out->filled_at = monotonic_ms();
	out->dropped = 0;
	out->log = output_log_target(out->path);
	out->splice = !out->stamps && !out->rate_bytes && !out->log;
	/* Room for the stamp and the mark: a line always fits an empty FILE
	 * and a full bucket. */
	out->line_max = smaller(smaller(out->log ? LOG_LINE_MAX : LINE_MAX_BYTES,
					out->max ? out->max - 64 : 0),
				out->rate_bytes ? out->rate_bytes - 64 : 0);
}

/* --output FILE: its directory reached through names only the caller or
 * root own, then used through its descriptor (trust.h); FILE opened in
 * it. Dies with the reason when either is not safe to use. */
static int open_host_file(struct output *out)
{
	int err;

	out->dir = preflight_trusted_dir("--output", out->path, &out->file_name, NULL);
	err = out->dir < 0 ? out->dir : open_file(out);
	if (err)
		refused(out->path, err, NULL);
	return err;
}

bool output_check(const char *path, struct preflight *pf)
{
	const char *name;
	struct stat st;
	int dir = preflight_trusted_dir("--output", path, &name, pf), err;

	if (dir < 0)
		return dir == -EPERM ? false : refused(path, dir, pf);
	/* what open_file would find, without creating FILE */
	if (stat_at(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		err = S_ISLNK(st.st_mode) ? -ELOOP : judge(&st);
	else
		err = errno != ENOENT ? -errno : faccessat(dir, ".", W_OK, 0) ? -errno : 0;
	close(dir);
	return err ? refused(path, err, pf) : true;
}

void output_open(struct output *out, const struct config *cfg, struct runtime *rt)
{
	int err;

	output_init(out, cfg, rt);
	if (!out->path)
		return;
	err = out->log ? open_log(out) : open_host_file(out);
	if (err)
		die("--output %s: %s", out->path, error_text(-err));
	output_pipe(out, rt);
}

void output_pipe(struct output *out, struct runtime *rt)
{
	int fds[2];

	if (pipe_cloexec(fds))
		die("cannot create a pipe: %s", error_text(errno));
	/* Best effort: an ordinary user over fs.pipe-user-pages-soft keeps
	 * the default size. */
	out->can_pause = sys_fcntl(fds[0], F_SETPIPE_SZ, PIPE_BYTES) >= 0;
	out->pipe = fds[0];
	rt->output_fd = fds[1];
}

/* Logs the first failure of a run of them, and the mend. */
static void note(struct output *out, int err, const char *what)
{
	if (err && !out->failing)
		log_error("--output %s: %s: %s; the service's output is dropped "
			  "until it works again", out->path, what, error_text(-err));
	else if (!err && out->failing)
		log_info("--output %s: writing again", out->path);
	out->failing = err != 0;
}

/* FILE -> FILE.1, and a new FILE. If the rename fails (a read-only
 * directory), FILE is emptied instead: the cap is what was promised. */
static void rotate(struct output *out)
{
	char old[320];
	int err = 0;

	if (fmt(old, sizeof old, "%s.1", out->path) >= sizeof old ||
	    rename(out->path, old))
		err = -errno;
	if (err && out->file >= 0 && ftruncate(out->file, 0) == 0) {
		out->size = 0;
		log_error("--output %s: cannot rename it to %s: %s; emptied it "
			  "instead, to keep to --output-max", out->path, old,
			  error_text(-err));
		return;
	}
	if (out->file >= 0)
		close(out->file);
	note(out, open_file(out), "cannot open it");
}

/* The length up to and including the last newline in buf[0..len), or 0. */
static size_t whole(const char *buf, size_t len)
{
	while (len && buf[len - 1] != '\n')
		len--;
	return len;
}

static void append(struct output *out, const char *buf, size_t len)
{
	int err = out->file < 0 ? -EBADF : write_all(out->file, buf, len);

	if (!err)
		out->size += len;
	note(out, err, "cannot write");
}

/* Whole lines into FILE, as few writes as the cap allows: each FILE ends
 * after the last line that fits (every line fits an empty FILE). */
static void write_lines(struct output *out, const char *buf, size_t len)
{
	while (len && out->file >= 0) {
		uint64_t room = out->size < out->max ? out->max - out->size : 0;
		size_t part = len;

		if (out->max && part > room)
			part = whole(buf, (size_t)room);
		if (!part && !out->size)
			part = (size_t)room; /* cannot be: lines fit */
		if (part)
			append(out, buf, part);
		buf += part;
		len -= part;
		if (len)
			rotate(out);
	}
}

/* --output-rate: how much of buf (whole lines) the bucket lets through;
 * the rest is dropped and counted. Once it drops, it drops until the
 * bucket is full again, and then says how much it dropped: one message
 * per spell, and the kept output comes in large blocks. The bucket is
 * filled when output comes, not by a timer: idle costs nothing. */
static size_t rate_keep(struct output *out, const char *buf, size_t len)
{
	uint64_t now = monotonic_ms(), add;
	size_t keep;

	if (!out->rate_bytes)
		return len;
	add = now - out->filled_at >= out->rate_ms ? out->rate_bytes
		: (now - out->filled_at) * out->rate_bytes / out->rate_ms;
	if (add) { /* else the time counts towards the next call */
		out->tokens = out->tokens + add < out->rate_bytes ? out->tokens + add
								  : out->rate_bytes;
		out->filled_at = now;
	}
	if (out->dropping && out->tokens < out->rate_bytes) {
		out->dropped += len;
		return 0;
	}
	if (out->dropping)
		log_info("--output %s: %llu bytes dropped over --output-rate",
			 out->path, (unsigned long long)out->dropped);
	out->dropping = false;
	keep = len <= out->tokens ? len : whole(buf, (size_t)out->tokens);
	out->tokens -= keep;
	if (keep < len) {
		out->dropping = true;
		out->dropped = len - keep;
	}
	return keep;
}

/* "2026-12-03T00:15:42.123Z ": ISO 8601, UTC, milliseconds. */
static void stamp(char *p, uint64_t ms)
{
	/* Days to a civil date (H. Hinnant's algorithm), from 1970 on. */
	uint64_t s = ms / 1000, z = s / 86400 + 719468, era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153, m = mp < 10 ? mp + 3 : mp - 9;
	const unsigned parts[] = { (unsigned)(yoe + era * 400) + (m <= 2), m,
				   doy - (153 * mp + 2) / 5 + 1,
				   (unsigned)(s % 86400 / 3600), (unsigned)(s % 3600 / 60),
				   (unsigned)(s % 60), (unsigned)(ms % 1000) };
	static const char widths[] = { 4, 2, 2, 2, 2, 2, 3 }, after[] = "--T::.Z";

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		unsigned v = parts[i];
		for (int d = widths[i] - 1; d >= 0; d--, v /= 10)
			p[d] = (char)('0' + v % 10);
		p += widths[i];
		*p++ = after[i];
	}
	*p = ' ';
}

/* Whole lines (each at most line_max) to where they go. */
static void lines(struct output *out, const char *buf, size_t len)
{
	size_t used = 0;
	char now[STAMP_LEN];

	len = rate_keep(out, buf, len);
	if (out->stamps) /* one time for what one read brought */
		stamp(now, clock_ms(CLOCK_REALTIME));
	if (!out->stamps && !out->log) {
		write_lines(out, buf, len);
		return;
	}
	while (len) {
		size_t line = 0;
		while (buf[line++] != '\n')
			;
		if (out->log) { /* "<30>web: text", the daemon facility, info */
			size_t n = fmt(staged, 80, "<30>%s: ", out->tag);
			memcpy(staged + n, buf, line - (out->log == LOG_SYSLOG));
			n += line - (out->log == LOG_SYSLOG);
			note(out, write(out->file, staged, n) < 0 ? -errno : 0,
			     "cannot write");
		} else {
			if (used + STAMP_LEN + line > sizeof staged) {
				write_lines(out, staged, used);
				used = 0;
			}
			memcpy(staged + used, now, STAMP_LEN);
			memcpy(staged + used + STAMP_LEN, buf, line);
			used += STAMP_LEN + line;
		}
		buf += line;
		len -= line;
	}
	if (used)
		write_lines(out, staged, used);
}

/* in[0..len) read: every whole line goes out, in as few blocks as can
 * be; a line longer than line_max is cut, the piece marked; the
 * unfinished last line is held at the start of in. */
static void take(struct output *out, size_t len)
{
	size_t start = 0, pos = 0, rest, piece = out->line_max - MARK_LEN;
	char saved[MARK_LEN];

	while ((rest = len - pos) > 0) {
		size_t nl = whole(in + pos, smaller(rest, out->line_max));
		if (nl) {
			pos += nl;
			continue;
		}
		if (rest < out->line_max)
			break;
		/* The mark goes in place, after the piece, for one write
		 * with the lines before it; the bytes it covers come back. */
		memcpy(saved, in + pos + piece, MARK_LEN);
		memcpy(in + pos + piece, CUT_MARK, MARK_LEN);
		lines(out, in + start, pos + piece + MARK_LEN - start);
		memcpy(in + pos + piece, saved, MARK_LEN);
		start = pos += piece;
	}
	if (pos > start)
		lines(out, in + start, pos - start);
	out->held = len - pos;
	memmove(in, in + pos, out->held);
}

/* The sandbox ended: the held line goes out with a newline of its own,
 * and a spell of drops is counted. */
static void finish(struct output *out)
{
	if (out->held) {
		in[out->held] = '\n';
		take(out, out->held + 1);
	}
	if (out->dropping)
		log_info("--output %s: %llu bytes dropped over --output-rate",
			 out->path, (unsigned long long)out->dropped);
	close(out->pipe);
	out->pipe = -1; /* every writer is gone: the sandbox ended */
}

/* Called after each read or splice of n bytes, of room asked for. */
static void pace(struct output *out, ssize_t n, size_t room)
{
	uint64_t now = monotonic_ms();

	if (out->can_pause && n > 0 && (size_t)n < room &&
	    now - out->read_at < PAUSE_MS) {
		/* The CPU the copy took since the last pause, against the
		 * share: 2 ms at --cpu 10% waits 18 ms, in which the service
		 * blocks on the full pipe, as on a slow terminal. */
		uint64_t cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID), pause = PAUSE_MS;
		if (out->cpu_milli && out->cpu_milli < 1000)
			pause = (cpu - out->cpu_mark) * (1000 - out->cpu_milli) /
				out->cpu_milli;
		pause = pause < PAUSE_MS ? PAUSE_MS : pause > PAUSE_MAX_MS ? PAUSE_MAX_MS : pause;
		out->cpu_mark = cpu;
		out->resume_at = now + pause;
	}
	out->read_at = now;
}

int output_pause(struct output *out)
{
	uint64_t now;

	if (!out->resume_at)
		return -1;
	now = monotonic_ms();
	if (now >= out->resume_at) {
		out->resume_at = 0;
		return -1;
	}
	return (int)(out->resume_at - now);
}

void output_copy(struct output *out)
{
	ssize_t n;
	size_t room = sizeof in - 1 - out->held;

	if (out->splice && out->file >= 0) {
		n = splice(out->pipe, NULL, out->file, NULL, BLOCK,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		pace(out, n, BLOCK);
		if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN)))
			return;
		if (n == 0) {
			finish(out);
			return;
		}
		/* a device without splice support, or an error on it: the
		 * copy below, which drops and says so */
		out->splice = false;
	}
	n = read(out->pipe, in + out->held, room);
	pace(out, n, room);
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		finish(out);
		return;
	}
	if (n < 0)
		return;
	if (out->file < 0 && !out->log) /* try again: a lost file may be back */
		note(out, open_file(out), "cannot open it");
	take(out, out->held + (size_t)n);
}
