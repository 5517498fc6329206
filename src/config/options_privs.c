/* SPDX-License-Identifier: MIT */
/* options_privs.c - the options that say what the service may do: --user,
 * --cap-keep, --rlimit, --umask. Names are checked here; --user's names
 * are looked up later, in the sandbox's own /etc/passwd (privs.c). */
#include "options_internal.h"
#include "sys.h"

#include <stdint.h>
#include <string.h>
#include <sys/resource.h>

#include "capabilities.h"
#include "units.h"

int set_user(struct parse_ctx *ctx, const struct option_def *opt, const char *value)
{
	const char *colon = strchr(value, ':');
	size_t user_len = colon ? (size_t)(colon - value) : strlen(value);

	/* A name or number, and the same after the colon: what passwd and
	 * group files hold (letters, digits, '.', '_', '-'). */
	if (!user_len || user_len > 32 || name_span(value, "._-") != user_len ||
	    (colon && (!colon[1] || strlen(colon + 1) > 32 ||
		       name_span(colon + 1, "._-") != strlen(colon + 1))))
		return parse_fail(ctx, opt, "'%s' is not USER[:GROUP] (names or "
				  "numbers, e.g. 1000:1000 or www-data)", value);
	ctx->cfg->user = value;
	return 0;
}

/* A group name of the sandbox's /etc/group, or a number; looked up there
 * by privs.c once the root is switched. */
int set_group_add(struct parse_ctx *ctx, const struct option_def *opt,
		  const char *value)
{
	struct config *cfg = ctx->cfg;

	if (strlen(value) > 32 || name_span(value, "._-") != strlen(value))
		return parse_fail(ctx, opt, "'%s' is not a group (a name of the "
				  "sandbox's /etc/group, or a number)", value);
	if (cfg->n_group_add == CONFIG_MAX_GROUPS)
		return parse_fail(ctx, opt, "more than %d groups", CONFIG_MAX_GROUPS);
	cfg->group_add[cfg->n_group_add++] = value;
	return 0;
}

/* capabilities(7), by number (generated from the kernel's header). */
static const char cap_names[] = CAP_NAMES;

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int capability_number(const char *name)
{
	const char *n = cap_names;

	if (lower(name[0]) == 'c' && lower(name[1]) == 'a' && lower(name[2]) == 'p' &&
	    name[3] == '_')
		name += 4;
	for (int cap = 0; *n; cap++, n += strlen(n) + 1) {
		size_t i = 0;
		while (n[i] && lower(name[i]) == n[i])
			i++;
		if (!n[i] && !name[i])
			return cap;
	}
	return -1;
}

int set_cap_keep(struct parse_ctx *ctx, const struct option_def *opt,
		 const char *value)
{
	char *list = ctx_strdup(ctx, value), *name, *next;

	if (!list)
		return -1;
	ctx->cfg->cap_keep = 0;
	for (name = list; name; name = next) {
		int cap;
		next = strchr(name, ',');
		if (next)
			*next++ = '\0';
		if (strcmp(name, "none") == 0)
			continue;
		cap = capability_number(name);
		if (cap < 0)
			return parse_fail(ctx, opt, "'%s' is not a capability (e.g. "
					  "net_bind_service or CAP_NET_BIND_SERVICE; "
					  "see capabilities(7))", name);
		/* It would let the service read and write the memory and the
		 * descriptors of hutch's PID 1, its way out of the sandbox. */
		if (cap == CAP_SYS_PTRACE)
			return parse_fail(ctx, opt, "sys_ptrace is refused: it would "
					  "give the service hutch's own PID 1, and "
					  "through it the host");
		ctx->cfg->cap_keep |= 1ULL << cap;
	}
	return 0;
}

/* The resources --rlimit knows, in the order of their numbers below (which
 * differ on MIPS): one text for the lookup and the message that lists them. */
static const char rlimit_names[] = "as, core, cpu, data, fsize, locks, memlock, "
	"msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack";

int rlimit_number(const char *name)
{
	static const unsigned char numbers[] = {
		RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE,
		RLIMIT_LOCKS, RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE,
		RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, RLIMIT_RTPRIO,
		RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK,
	};
	const char *n = rlimit_names;

	for (size_t i = 0; i < sizeof numbers; i++, n += 2) {
		size_t k = 0; /* any case: "nofile" or "NOFILE" */
		while (n[k] && n[k] != ',' && n[k] == (name[k] | 0x20))
			k++;
		if ((!n[k] || n[k] == ',') && !name[k])
			return numbers[i];
		n += until_any(n, ",");
	}
	return -1;
}

/* NAME=SOFT[:HARD], each a number (with K/M/G for sizes) or unlimited. */
static int limit_value(const char *s, uint64_t *v)
{
	if (strcmp(s, "unlimited") == 0 || strcmp(s, "infinity") == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	return parse_size(s, v) || *v == UINT64_MAX ? -1 : 0;
}

int set_rlimit(struct parse_ctx *ctx, const struct option_def *opt,
	       const char *value)
{
	struct config *cfg = ctx->cfg;
	char *spec = ctx_strdup(ctx, value), *eq, *colon;
	struct rlimit_spec r;

	if (!spec)
		return -1;
	eq = strchr(spec, '=');
	if (!eq)
		return parse_fail(ctx, opt, "'%s' is not NAME=SOFT[:HARD]", value);
	*eq++ = '\0';
	r.resource = rlimit_number(spec);
	if (r.resource < 0)
		return parse_fail(ctx, opt, "'%s' is not a resource (%s)", spec,
				  rlimit_names);
	colon = strchr(eq, ':');
	if (colon)
		*colon++ = '\0';
	if (limit_value(eq, &r.soft) || limit_value(colon ? colon : eq, &r.hard))
		return parse_fail(ctx, opt, "'%s': limits are numbers (sizes may "
				  "have K, M, G) or unlimited", value);
	if (r.soft > r.hard)
		return parse_fail(ctx, opt, "'%s': the soft limit is above the "
				  "hard one", value);
	if (cfg->n_rlimits == CONFIG_MAX_RLIMITS)
		return parse_fail(ctx, opt, "too many (at most %d)", CONFIG_MAX_RLIMITS);
	cfg->rlimits[cfg->n_rlimits++] = r;
	return 0;
}

int set_umask(struct parse_ctx *ctx, const struct option_def *opt,
	      const char *value)
{
	unsigned mask = 0;
	const char *p = value;

	for (; *p >= '0' && *p <= '7' && p - value < 4; p++)
		mask = mask * 8 + (unsigned)(*p - '0');
	if (p == value || *p)
		return parse_fail(ctx, opt, "'%s' is not an octal mode such as 022 "
				  "or 0077", value);
	ctx->cfg->umask = mask;
	return 0;
}
