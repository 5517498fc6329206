/* SPDX-License-Identifier: MIT */
/* exec_profile.c - the state directory's "exec" file: what hutch exec
 * needs of the configuration, written by the launcher and read by exec.c
 * (HUTCH_CONTROL). Its format lives here only, with the state's others. */
#include "exec_profile.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "state.h"

/* The head, then NUL-terminated strings: user, workdir, seccomp list,
 * the --group-add names, the --env entries. Written and read by the same
 * binary: the magic and the head's size refuse another build's layout. */
#define PROFILE_MAGIC 0x31747568u
struct profile {
	uint32_t magic, head_size;
	uint64_t cap_keep;
	uint32_t umask, n_rlimits, n_group_add, n_env;
	int32_t seccomp_mode;
	uint8_t seccomp_kill, userns, rootless, has_user;
	uint8_t ready_mode; /* --ready notify: the command gets NOTIFY_SOCKET */
	struct rlimit_spec rlimits[CONFIG_MAX_RLIMITS];
};

static char profile_buf[sizeof(struct profile) + CONFIG_TEXT_BYTES + 4096];

/* s after at; SIZE_MAX once it does not fit. */
static size_t put(size_t at, const char *s)
{
	size_t len = strlen(s) + 1;

	if (at > sizeof profile_buf - 1 || len > sizeof profile_buf - 1 - at)
		return SIZE_MAX;
	memcpy(profile_buf + at, s, len);
	return at + len;
}

void exec_profile_write(int dirfd, const struct config *cfg, bool rootless)
{
	struct profile p = {
		PROFILE_MAGIC, sizeof p, cfg->cap_keep, cfg->umask,
		(uint32_t)cfg->n_rlimits, (uint32_t)cfg->n_group_add,
		(uint32_t)cfg->n_env, cfg->seccomp_mode, cfg->seccomp_kill,
		cfg->userns, rootless, cfg->user != NULL,
		(uint8_t)cfg->ready_mode, { { 0, 0, 0 } },
	};
	size_t at = sizeof p;
	int err;

	memcpy(p.rlimits, cfg->rlimits, sizeof p.rlimits);
	memcpy(profile_buf, &p, sizeof p);
	at = put(at, cfg->user ? cfg->user : "");
	at = put(at, cfg->workdir);
	at = put(at, cfg->seccomp_list ? cfg->seccomp_list : "");
	for (size_t i = 0; i < cfg->n_group_add; i++)
		at = put(at, cfg->group_add[i]);
	for (size_t i = 0; i < cfg->n_env; i++)
		at = put(at, cfg->env[i]);
	err = at == SIZE_MAX ? -EFBIG : state_write_data(dirfd, "exec", profile_buf, at, 0600);
	if (err)
		log_error("hutch exec will not enter this sandbox: cannot write its "
			  "profile to the state directory: %s", error_text(-err));
}

/* The next string of the profile, or NULL past its end. */
static char *take(size_t *at, size_t len)
{
	char *s = profile_buf + *at;
	size_t n = *at < len ? strlen(s) : 0;

	if (*at >= len || *at + n >= len)
		return NULL;
	*at += n + 1;
	return s;
}

void exec_profile_read(int dirfd, struct config *cfg, bool *rootless)
{
	ssize_t n = state_read(dirfd, "exec", profile_buf, sizeof profile_buf);
	size_t at = sizeof(struct profile), len = n > 0 ? (size_t)n : 0;
	struct profile p;
	const char *user, *list;

	if (n == -ENOENT)
		die("this sandbox was started by a hutch without exec: restart it");
	if (len < sizeof p)
		die("the sandbox's exec profile is unreadable (%s)",
		    n < 0 ? error_text((int)-n) : "too short");
	memcpy(&p, profile_buf, sizeof p);
	if (p.magic != PROFILE_MAGIC || p.head_size != sizeof p ||
	    p.n_rlimits > CONFIG_MAX_RLIMITS || p.n_group_add > CONFIG_MAX_GROUPS ||
	    p.n_env > CONFIG_MAX_ENV)
		die("the sandbox was started by another build of hutch: run "
		    "hutch exec of that build, or restart the sandbox");
	cfg->cap_keep = p.cap_keep;
	cfg->umask = p.umask;
	cfg->n_rlimits = p.n_rlimits;
	memcpy(cfg->rlimits, p.rlimits, sizeof p.rlimits);
	cfg->seccomp_mode = p.seccomp_mode;
	cfg->seccomp_kill = p.seccomp_kill;
	cfg->userns = p.userns;
	*rootless = p.rootless;
	cfg->ready_mode = p.ready_mode;
	user = take(&at, len);
	cfg->workdir = take(&at, len);
	list = take(&at, len);
	cfg->user = p.has_user ? user : NULL;
	cfg->seccomp_list = list && *list ? list : NULL;
	for (cfg->n_group_add = 0; cfg->n_group_add < p.n_group_add; cfg->n_group_add++)
		cfg->group_add[cfg->n_group_add] = take(&at, len);
	for (cfg->n_env = 0; cfg->n_env < p.n_env; cfg->n_env++)
		cfg->env[cfg->n_env] = take(&at, len);
	if (!cfg->workdir || (cfg->n_group_add && !cfg->group_add[cfg->n_group_add - 1]) ||
	    (cfg->n_env && !cfg->env[cfg->n_env - 1]))
		die("the sandbox's exec profile is cut short: restart the sandbox");
}
