/* SPDX-License-Identifier: MIT */
/* complete.c - the last step of a parse: the host paths made absolute,
 * so that the config is final when parsing ends and every process after
 * it (the launcher, its checks, hutch check, PID 1) takes it const. */
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/syscall.h>

#include "kernel_calls.h"
#include "log.h"
#include "sys.h"

/* path made absolute from the working directory, in cfg's text: PID 1
 * changes directory before it mounts the root, and `hutch status` run
 * elsewhere removes a stale pid file. Not realpath: symlinks in it are
 * the host's own and are followed when it is used (a --root symlink
 * switched by an updater is seen by the next start or rebuild). */
static void absolute(struct config *cfg, const char **path)
{
	char cwd[PATH_MAX], *abs;
	size_t len;

	if (!*path || (*path)[0] == '/')
		return;
	/* The system call, not getcwd(3): musl's pulls in malloc. */
	if (sys_getcwd(cwd, sizeof cwd) < 0)
		die("cannot read the current directory: %s", error_text(errno));
	len = strlen(cwd) + strlen(*path) + 2;
	abs = config_alloc(cfg, len);
	if (!abs)
		die("%s: path too long", *path);
	fmt(abs, len, "%s/%s", cwd, *path);
	*path = abs;
}

void options_complete(struct config *cfg)
{
	cfg->root_arg = cfg->root;
	absolute(cfg, &cfg->root);
	absolute(cfg, &cfg->overlay_dir);
	absolute(cfg, &cfg->pidfile);
	/* --output syslog|kmsg names a log, not ./syslog */
	if (!output_log_target(cfg->output))
		absolute(cfg, &cfg->output);
}
