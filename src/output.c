/* output.c - --output FILE. The launcher copies, not PID 1: it is in the
 * host's mount namespace, where FILE and FILE.1 live and can be renamed,
 * and it sleeps in poll(2) anyway. FILE grows to --output-max, then
 * becomes FILE.1 (replacing the older one) and FILE starts again: at most
 * twice the cap on the device's flash, as BusyBox syslogd -s keeps it. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* rename(2)'s declaration only */
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "sys.h"
#include "trust.h"

/* FILE, in the directory checked once by output_open. -EPERM: a regular
 * file another user owns or that has other names (a hard link to a file
 * the caller never meant to write); -EBADFD: neither a regular file nor a
 * character device (a fifo would stop the launcher, a socket too). */
static int open_file(struct output *out)
{
	struct stat st;
	int err = 0;

	/* 0640: a service's output may hold what the world should not read.
	 * O_NONBLOCK: a fifo without a reader fails (ENXIO) rather than hang
	 * the launcher; it is cleared again for the writes. O_NOFOLLOW: a
	 * symlink at FILE is refused (ELOOP). */
	out->file = openat(out->dir, out->name, O_WRONLY | O_APPEND | O_CREAT |
			   O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0640);
	if (out->file < 0)
		return -errno;
	out->size = 0;
	if (stat_at(out->file, "", &st, AT_EMPTY_PATH))
		err = -errno;
	else if (S_ISREG(st.st_mode) && (!trust_stat(&st, false) || st.st_nlink != 1))
		err = -EPERM;
	else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		err = -EBADFD;
	if (err) {
		close(out->file);
		out->file = -1;
		return err;
	}
	/* the bare call: musl's fcntl(3) is 400 bytes of special cases */
	syscall(SYS_fcntl, out->file, F_SETFL, O_APPEND);
	if (!S_ISREG(st.st_mode))
		out->max = 0; /* a console or a serial port: nothing to rotate */
	else
		out->size = (uint64_t)st.st_size;
	return 0;
}

void output_open(struct output *out, struct config *cfg)
{
	char shown[300];
	size_t bad;
	int fds[2], err;

	out->path = cfg->output;
	out->max = cfg->output_max;
	out->pipe = cfg->output_fd = out->dir = -1;
	out->failing = false;
	if (!out->path)
		return;
	/* the directory: reached through names only the caller or root own,
	 * then used through its descriptor (trust.h) */
	out->dir = trust_parent(out->path, &out->name, &bad);
	fmt(shown, sizeof shown, "%s", out->path);
	shown[bad < sizeof shown ? bad : sizeof shown - 1] = '\0';
	if (out->dir == -EPERM)
		die("--output %s: %s is not safe to use: every directory and "
		    "symlink on the way must be owned by the caller (uid %u) or root, and a "
		    "directory not writable by group or others (unless sticky)",
		    out->path, shown, (unsigned)geteuid());
	err = out->dir < 0 ? out->dir : open_file(out);
	if (err == -EPERM)
		die("--output %s: a regular file that another user owns, or with "
		    "other hard links: remove it, or choose another path", out->path);
	if (err == -EBADFD)
		die("--output %s: neither a regular file nor a character device "
		    "(a fifo or socket would stall the output)", out->path);
	if (err)
		die("--output %s: %s", out->path, error_text(-err));
	if (pipe_cloexec(fds))
		die("cannot create a pipe: %s", error_text(errno));
	out->pipe = fds[0];
	cfg->output_fd = fds[1];
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

/* Where to cut a chunk that does not fit in room bytes: after its last
 * newline within room, so both files hold whole lines, or at room itself
 * when the file is empty and one line is longer than the cap. */
static size_t fitting(const struct output *out, const char *buf, size_t room)
{
	for (size_t i = room; i > 0; i--)
		if (buf[i - 1] == '\n')
			return i;
	return out->size ? 0 : room;
}

static void append(struct output *out, const char *buf, size_t len)
{
	int err = out->file < 0 ? -EBADF : write_all(out->file, buf, len);

	if (!err)
		out->size += len;
	note(out, err, "cannot write");
}

void output_copy(struct output *out)
{
	char buf[4096];
	ssize_t n = read(out->pipe, buf, sizeof buf);
	size_t len = n > 0 ? (size_t)n : 0, done = 0;

	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		close(out->pipe);
		out->pipe = -1; /* every writer is gone: the sandbox ended */
		return;
	}
	if (out->file < 0) /* try again: a lost file may be back */
		note(out, open_file(out), "cannot open it");
	while (done < len && out->file >= 0) {
		size_t part = len - done;
		uint64_t room = out->size < out->max ? out->max - out->size : 0;

		if (out->max && part > room)
			part = fitting(out, buf + done, (size_t)room);
		if (part)
			append(out, buf + done, part);
		done += part;
		if (done < len)
			rotate(out);
	}
}
