/* SPDX-License-Identifier: MIT */
/* bootlimit.c - crash loops counted across reboots (bootlimit.h). The
 * record is PERSIST_DIR/NAME, "crashloops=N\nlimit=M\n", written only
 * when it changes (a crash loop, or a healthy run after one): a device's
 * flash is not worn by every boot. Everything here is advisory: a record
 * that cannot be read or written costs one line, never the service. */
#include "bootlimit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h> /* renameat(2)'s declaration only */
#include <string.h>
#include <sys/statvfs.h> /* ST_RDONLY, as statfs(2) reports it */
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "kernel_calls.h"
#include "log.h"
#include "sys.h"
#include "trust.h"
#include "units.h"

/* The launcher's side; one sandbox per launcher. */
static struct {
	const struct config *cfg;
	const char *path;  /* the persist directory, for messages */
	int dir;	   /* it, opened and checked; -1: none */
	int pipe;	   /* from PID 1; -1: none */
	bool crash_loop;   /* PID 1 gave up at the start limit */
	bool clear_armed;  /* a record to clear once a run stays up */
	uint64_t deadline; /* CLOCK_MONOTONIC ms: this run counts as up; 0 */
} boot = { .dir = -1, .pipe = -1 };

/* The persist directory through the trusted walk (trust.h): root reads
 * it at boot, so a directory another user could change would let that
 * user decide whether the service starts, or plant a symlink for root's
 * write. With create, its last name is made (0755) when missing:
 * /var/lib/hutch on a fresh device, its parent flushed as a rename's
 * directory is (else a power loss could take the new directory, and the
 * first record in it, away). A descriptor or -errno. */
static int persist_open(const char *path, bool create)
{
	const char *name;
	size_t bad;
	int parent = trust_parent(path, &name, &bad), fd;

	if (parent < 0)
		return parent;
	if (create && mkdirat(parent, name, 0755) == 0) {
		/* the walk's descriptor is O_PATH, which fsync refuses */
		int flush = openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (flush >= 0) {
			fsync(flush);
			close(flush);
		}
	}
	fd = trust_dir(parent, name, false);
	close(parent);
	return fd;
}

static void persist_refused(const char *path, int err, const char *then)
{
	if (err == -EPERM || err == -ELOOP || err == -ENOTDIR)
		log_error("persist directory %s is not safe to use: it must be a "
			  "directory (not a symlink) owned by root or the caller, "
			  "not writable by group or others%s", path, then);
	else
		log_error("persist directory %s: %s%s", path, error_text(-err), then);
}

/* "crashloops=N\n" at text, N into *n; the text after it, or NULL when
 * the line is not whole (a record cut short ends without its newline). */
static const char *field(const char *text, const char *key, uint64_t *n)
{
	size_t len = strlen(key), end;
	char digits[24];

	if (strncmp(text, key, len) != 0)
		return NULL;
	text += len;
	end = until_any(text, "\n");
	if (text[end] != '\n' || end == 0 || end >= sizeof digits)
		return NULL;
	memcpy(digits, text, end);
	digits[end] = '\0';
	return parse_uint(digits, 1000000, n) ? NULL : text + end + 1;
}

bool bootlimit_parse(const char *text, uint64_t *count, uint64_t *limit)
{
	const char *rest = field(text, "crashloops=", count);

	*limit = 0;
	if (!rest)
		return false;
	field(rest, "limit=", limit);
	return true;
}

/* NAME's record: the crash loops in a row, and the limit it was written
 * with (0 if unknown). A missing record is 0: none yet. One that is cut
 * short, garbled or not a plain file of root's (a disk that lost a
 * write; the rename makes that unlikely, not impossible) reads as 0 too,
 * said in one line (once: the launcher reads it again after a crash
 * loop): a record hutch cannot read never keeps a service from
 * starting. */
static unsigned record_read(int dir, const char *path, const char *name,
			    uint64_t *limit)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	static bool said;
	bool whole = false;
	char text[64];
	uint64_t count = 0;
	struct stat st;

	*limit = 0;
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd >= 0 && !stat_at(fd, "", &st, AT_EMPTY_PATH) && S_ISREG(st.st_mode) &&
	    trust_stat(&st, false) && !(st.st_mode & 022) &&
	    read_fd(fd, text, sizeof text) > 0)
		whole = bootlimit_parse(text, &count, limit);
	if (fd >= 0)
		close(fd);
	if (!whole && !said) {
		said = true;
		log_error("crash loop record %s/%s is unreadable or cut short: "
			  "counted as 0", path, name);
	}
	return whole ? (unsigned)count : 0;
}

/* Replaces NAME's record durably: .NAME.new (no sandbox name starts
 * with '.') written and fsync'ed, renamed over NAME, then the directory
 * fsync'ed. rename(2) is atomic, so after a power loss NAME is the old
 * record or the new one, never a mix; the first fsync gets the data to
 * the disk before the rename can be (else ext4 and others may show an
 * empty file after a crash), the second makes the rename itself
 * durable. A failure (a read-only or full disk, an I/O error) leaves
 * the old record and no .new file. */
static int record_write(int dir, const char *name, unsigned count, uint64_t limit)
{
	char tmp[80], text[64];
	size_t n = fmt(text, sizeof text, "crashloops=%u\nlimit=%llu\n", count,
		       (unsigned long long)limit);
	int fd, err;

	fmt(tmp, sizeof tmp, ".%s.new", name);
	unlinkat(dir, tmp, 0);
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = write_all(fd, text, n);
	if (!err && fsync(fd))
		err = -errno;
	close(fd);
	if (!err && renameat(dir, tmp, dir, name))
		err = -errno;
	if (err) {
		unlinkat(dir, tmp, 0);
		return err;
	}
	return fsync(dir) ? -errno : 0;
}

/* No record is 0 crash loops: the unlink, made durable as the rename is. */
static int record_clear(int dir, const char *name)
{
	if (unlinkat(dir, name, 0) && errno != ENOENT)
		return -errno;
	return fsync(dir) ? -errno : 0;
}

static const char *persist_path(const struct config *cfg)
{
	return cfg->persist_dir ? cfg->persist_dir : PERSIST_DIR_DEFAULT;
}

/* At the limit: one line saying why and how to undo it. Nothing is made
 * on the system before this, so the exit leaves nothing behind. */
static bool at_limit(const struct config *cfg, unsigned count)
{
	if (count < cfg->boot_limit)
		return false;
	log_error("not starting the service: its last %u start%s ended in a "
		  "crash loop (the start limit reached; --boot-limit %llu, "
		  "recorded in %s/%s): once it is fixed, hutch reset %s; exit %d",
		  count, count == 1 ? "" : "s", (unsigned long long)cfg->boot_limit,
		  boot.path, cfg->name, cfg->name, EXIT_BOOT_LIMIT);
	return true;
}

/* Can the record be written? A read-only file system is known now; a
 * full disk only at the write, which says so then. */
static bool read_only(int dir)
{
	struct statfs fs;

	return !fstatfs(dir, &fs) && (fs.f_flags & ST_RDONLY);
}

#define READ_ONLY_FMT "persist directory %s is on a read-only file system: " \
		      "crash loops of this start are not recorded"

bool bootlimit_reached(const struct config *cfg, int *pid1_end)
{
	uint64_t limit;
	unsigned count;
	int fds[2];

	*pid1_end = -1;
	if (!cfg->boot_limit)
		return false;
	boot.cfg = cfg;
	boot.path = persist_path(cfg);
	boot.dir = persist_open(boot.path, true);
	if (boot.dir < 0) {
		persist_refused(boot.path, boot.dir, ": --boot-limit is off for this start");
		return false;
	}
	count = record_read(boot.dir, boot.path, cfg->name, &limit);
	if (at_limit(cfg, count))
		return true;
	/* a record at the limit is obeyed on a read-only disk too (above);
	 * only what this start would add is lost */
	if (read_only(boot.dir)) {
		log_error(READ_ONLY_FMT, boot.path);
		return false;
	}
	/* non-blocking: PID 1 never waits on it, the launcher never sleeps
	 * in a read (the bare call: musl's fcntl is 400 bytes) */
	if (sys_pipe2(fds, O_CLOEXEC | O_NONBLOCK))
		return false;
	boot.pipe = fds[0];
	/* with no crash loop on record there is nothing to clear: no timer */
	boot.clear_armed = count > 0;
	*pid1_end = fds[1];
	return false;
}

int bootlimit_fd(void)
{
	return boot.pipe;
}

int bootlimit_timeout(void)
{
	uint64_t now = monotonic_ms();

	if (!boot.deadline)
		return -1;
	return boot.deadline <= now ? 0 : boot.deadline - now > INT_MAX ? INT_MAX
				  : (int)(boot.deadline - now);
}

/* The service has stayed up for the start-limit window, so this start is
 * no crash loop: the row is broken, and the record goes. Once: later
 * runs of this start cannot add to it but by a crash loop. */
static void stayed_up(void)
{
	int err = record_clear(boot.dir, boot.cfg->name);

	boot.deadline = 0;
	boot.clear_armed = false;
	if (err)
		log_error("cannot clear the crash loop record %s/%s: %s", boot.path,
			  boot.cfg->name, error_text(-err));
	else
		log_info("the service stayed up for %llu ms: crash loop record "
			 "%s/%s cleared", (unsigned long long)
			 boot.cfg->start_limit_interval_ms, boot.path, boot.cfg->name);
}

static void heard(char what)
{
	if (what == BOOT_GAVE_UP)
		boot.crash_loop = true;
	else if (boot.clear_armed)
		boot.deadline = what == BOOT_STARTED ? monotonic_ms() +
				boot.cfg->start_limit_interval_ms : 0;
}

void bootlimit_poll(short revents)
{
	char buf[64];
	ssize_t n = 0;

	while (revents && boot.pipe >= 0 && (n = read(boot.pipe, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			heard(buf[i]);
	/* PID 1 is gone (EOF): all it said is read, and a pipe at its end
	 * would wake poll again and again; so would one that fails (POLLERR,
	 * POLLNVAL) */
	if (revents && boot.pipe >= 0 &&
	    (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))) {
		close(boot.pipe);
		boot.pipe = -1;
	}
	if (boot.deadline && monotonic_ms() >= boot.deadline)
		stayed_up();
}

void bootlimit_end(void)
{
	uint64_t limit;
	unsigned count;
	int err;

	bootlimit_poll(POLLIN);
	if (!boot.crash_loop)
		return;
	/* read again: hutch reset may have cleared it meanwhile */
	count = record_read(boot.dir, boot.path, boot.cfg->name, &limit) + 1;
	err = record_write(boot.dir, boot.cfg->name, count, boot.cfg->boot_limit);
	if (err)
		log_error("cannot record the crash loop in %s/%s: %s", boot.path,
			  boot.cfg->name, error_text(-err));
	else
		log_error("crash loop recorded: %u of %llu starts in a row (%s/%s)%s%s",
			  count, (unsigned long long)boot.cfg->boot_limit, boot.path,
			  boot.cfg->name, count < boot.cfg->boot_limit ? "" :
			  ": the next start will not start the service; after a "
			  "fix, hutch reset ", count < boot.cfg->boot_limit ? "" :
			  boot.cfg->name);
}

int bootlimit_reset(const char *dir, const char *name)
{
	const char *path = dir ? dir : PERSIST_DIR_DEFAULT;
	int fd = persist_open(path, false), err;

	if (fd == -ENOENT)
		return 0; /* nothing recorded */
	if (fd < 0) {
		persist_refused(path, fd, "");
		return fd == -EPERM || fd == -ELOOP || fd == -ENOTDIR ? EXIT_SETUP : 1;
	}
	err = record_clear(fd, name);
	close(fd);
	if (err)
		log_error("cannot remove %s/%s: %s", path, name, error_text(-err));
	return err ? 1 : 0;
}

unsigned bootlimit_record(const char *dir, const char *name, uint64_t *limit)
{
	const char *path = dir ? dir : PERSIST_DIR_DEFAULT;
	int fd = persist_open(path, false);
	unsigned count = 0;

	*limit = 0;
	if (fd >= 0) {
		count = record_read(fd, path, name, limit);
		close(fd);
	}
	return count;
}

bool bootlimit_describe(const char *dir, const char *name, char *buf, size_t size)
{
	uint64_t limit = 0;
	unsigned count = bootlimit_record(dir, name, &limit);
	bool reached;

	buf[0] = '\0';
	if (!count)
		return false;
	reached = limit && count >= limit;
	fmt(buf, size, "crash loops: %u of %llu starts in a row%s%s\n", count,
	    (unsigned long long)limit, reached ? ": not started; hutch reset " : "",
	    reached ? name : "");
	return reached;
}

int bootlimit_check(const struct config *cfg, char *text, size_t size)
{
	const char *path = persist_path(cfg);
	int fd = persist_open(path, false);
	uint64_t limit;
	unsigned count;

	text[0] = '\0';
	if (!cfg->name) { /* hutch check without a command or --name */
		if (fd >= 0)
			close(fd);
		fmt(text, size, "the count is %s/NAME: give --name", path);
		return 1;
	}
	if (fd == -ENOENT) {
		fmt(text, size, "%s is made at the first start", path);
		return 0;
	}
	if (fd < 0) {
		fmt(text, size, "persist directory %s: %s: the limit is off", path,
		    fd == -EPERM || fd == -ELOOP || fd == -ENOTDIR ? "not safe to use "
		    "(not a directory of root's or the caller's alone)" : error_text(-fd));
		return 1;
	}
	count = record_read(fd, path, cfg->name, &limit);
	if (read_only(fd))
		fmt(text, size, READ_ONLY_FMT, path);
	close(fd);
	if (count >= cfg->boot_limit) {
		fmt(text, size, "the last %u start%s ended in a crash loop (%s/%s): "
		    "the start is refused until hutch reset %s", count,
		    count == 1 ? "" : "s", path, cfg->name, cfg->name);
		return 2;
	}
	if (text[0])
		return 1;
	fmt(text, size, "%u crash loops in a row on record in %s/%s", count, path,
	    cfg->name);
	return 0;
}
