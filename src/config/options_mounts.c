/* SPDX-License-Identifier: MIT */
/* options_mounts.c - the options that shape the sandbox's file system and
 * environment: --bind, --ro-bind, --tmpfs, --env. Paths inside the
 * sandbox are absolute and never climb with "..". */
#include "options_internal.h"
#include "sys.h"

#include <stdlib.h>
#include <string.h>

#include "units.h"

/* No "..": a path inside the sandbox must not climb out of where it
 * names, and mount points are resolved component by component. */
static bool has_dotdot(const char *path)
{
	for (const char *p = path; *p; p++)
		if (p[0] == '.' && p[1] == '.' && (p == path || p[-1] == '/') &&
		    (p[2] == '/' || p[2] == '\0'))
			return true;
	return false;
}

int check_sandbox_path(struct parse_ctx *ctx, const struct option_def *opt,
			      const char *path, const char *what)
{
	if (path[0] != '/')
		return parse_fail(ctx, opt, "%s '%s' must be an absolute path",
				  what, path);
	if (has_dotdot(path))
		return parse_fail(ctx, opt, "%s '%s' must not contain '..'", what,
				  path);
	return 0;
}

static int add_mount(struct parse_ctx *ctx, const struct mount_spec *m)
{
	struct config *cfg = ctx->cfg;

	if (cfg->n_mounts == CONFIG_MAX_MOUNTS)
		return parse_fail(ctx, NULL, "too many mounts (at most %d bind, "
				  "ro-bind and tmpfs)", CONFIG_MAX_MOUNTS);
	cfg->mounts[cfg->n_mounts++] = *m;
	return 0;
}

/* --bind SRC[:DST] and --ro-bind SRC[:DST]; DST defaults to SRC. */
int set_bind(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value)
{
	struct mount_spec m = { .kind = (enum mount_kind)opt->field };
	char *copy = ctx_strdup(ctx, value), *colon;

	if (!copy)
		return -1;
	colon = strchr(copy, ':');
	if (colon)
		*colon = '\0';
	m.src = copy;
	m.dst = colon ? colon + 1 : copy;
	if (check_sandbox_path(ctx, opt, m.src, "source") ||
	    check_sandbox_path(ctx, opt, m.dst, "destination"))
		return -1;
	if (strcmp(m.dst, "/") == 0)
		return parse_fail(ctx, opt, "cannot mount over the sandbox's root; "
				  "use --root for that");
	return add_mount(ctx, &m);
}

/* --tmpfs DST[:SIZE] */
int set_tmpfs(struct parse_ctx *ctx, const struct option_def *opt,
		     const char *value)
{
	struct mount_spec m = { .kind = MOUNT_TMPFS };
	char *copy = ctx_strdup(ctx, value), *colon;

	if (!copy)
		return -1;
	colon = strchr(copy, ':');
	if (colon) {
		*colon = '\0';
		if (parse_size(colon + 1, &m.size) || m.size == 0)
			return parse_fail(ctx, opt, "'%s' is not a size (examples: "
					  "512k, 16M, 1G)", colon + 1);
	}
	m.dst = copy;
	if (check_sandbox_path(ctx, opt, m.dst, "destination"))
		return -1;
	if (strcmp(m.dst, "/") == 0)
		return parse_fail(ctx, opt, "cannot mount over the sandbox's root; "
				  "use --root for that");
	return add_mount(ctx, &m);
}

/* --env KEY=VALUE, or --env KEY to pass hutch's own value of KEY on. */
int set_env(struct parse_ctx *ctx, const struct option_def *opt,
		   const char *value)
{
	struct config *cfg = ctx->cfg;
	size_t key_len = until_any(value, "=");
	char *entry;

	if (!key_len || (value[0] >= '0' && value[0] <= '9') ||
	    name_span(value, "_") != key_len)
		return parse_fail(ctx, opt, "'%s' is not KEY=VALUE (KEY: letters, "
				  "digits and '_')", value);
	if (value[key_len]) {
		entry = ctx_strdup(ctx, value);
		if (!entry)
			return -1;
	} else {
		const char *host = getenv(value);
		size_t len = key_len + (host ? strlen(host) : 0) + 2;
		if (!host)
			return parse_fail(ctx, opt, "%s is not set in hutch's "
					  "environment; give it as %s=VALUE",
					  value, value);
		entry = config_alloc(cfg, len);
		if (!entry)
			return parse_fail(ctx, NULL, "the configuration is too "
					  "large");
		fmt(entry, len, "%s=%s", value, host);
	}
	if (cfg->n_env == CONFIG_MAX_ENV)
		return parse_fail(ctx, NULL, "too many --env (at most %d)",
				  CONFIG_MAX_ENV);
	cfg->env[cfg->n_env++] = entry;
	return 0;
}

