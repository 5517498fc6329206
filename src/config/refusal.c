/* SPDX-License-Identifier: MIT */
/* refusal.c - the report of a refusal (a start dies at the first, a
 * check lists them all) and the host path checks the features share. */
#include "refusal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys.h"
#include "trust.h"

bool preflight_fail(struct preflight *pf, const char *f, ...)
{
	char text[640] = "missing  ";
	size_t n;
	va_list ap;

	va_start(ap, f);
	n = fmt_va(text + 9, sizeof text - 10, f, ap);
	va_end(ap);
	if (!pf)
		die("%s", text + 9);
	n = n + 9 < sizeof text - 1 ? n + 9 : sizeof text - 2;
	if (pf->first) { /* a rebuild's: the first refusal, said once by the launcher */
		if (!pf->failed)
			fmt(pf->first, pf->size, "%s", text + 9);
	} else {
		text[n++] = '\n';
		write_all(STDOUT_FILENO, text, n);
	}
	pf->failed = true;
	return false;
}

int preflight_log(const struct config *cfg, struct preflight *pf)
{
	enum log_target to = (enum log_target)cfg->log_target;
	int fd;

	if (to == LOG_STDERR)
		return -1;
	/* check only connects: hutch's own lines stay on its stderr */
	fd = pf ? log_connect(to) : log_open(to);
	if (fd < 0)
		preflight_fail(pf, "--log %s: %s: give --log stderr until it is there",
			       to == LOG_KMSG ? "kmsg (/dev/kmsg)" : "syslog (/dev/log)",
			       error_text(-fd));
	return fd;
}

int preflight_trusted_dir(const char *option, const char *path, const char **name,
			  struct preflight *pf)
{
	char shown[300];
	size_t bad;
	int dir = trust_parent(path, name, &bad);

	fmt(shown, sizeof shown, "%s", path);
	shown[bad < sizeof shown ? bad : sizeof shown - 1] = '\0';
	if (dir == -EPERM)
		preflight_fail(pf, "%s %s: %s is not safe to use: every directory and "
			       "symlink on the way must be owned by the caller (uid %u) or "
			       "root, and a directory not writable by group or others "
			       "(unless sticky)", option, path, shown, (unsigned)geteuid());
	return dir;
}

int preflight_pidfile(const char *path, const char **name, struct preflight *pf)
{
	struct stat st;
	int dir = preflight_trusted_dir("--pidfile", path, name, pf);

	if (dir >= 0 && stat_at(dir, *name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(st.st_mode)) {
		close(dir);
		preflight_fail(pf, "--pidfile %s: there is something else there than a "
			       "regular file (a symlink, a fifo, a directory): remove it",
			       path);
		return -EEXIST;
	}
	return dir;
}
