/* SPDX-License-Identifier: MIT */
/* options_limits.c - the setters of the cgroup limit options that are
 * more than a kind of options.def: --cpu, --memory-swap, --pids (with
 * --userns-base's range), --output-max and --cgroup-parent (--cpuset and
 * --io-max: options_knobs.c), and the checks across them. Ranges are the
 * kernel's own, so a value that passes here is one the kernel takes. */
#include "options_internal.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "units.h"

#define FIELD(f) offsetof(struct config, f)

int set_cpu(struct parse_ctx *ctx, const struct option_def *opt, const char *value)
{
	int err = parse_cpu(value, &ctx->cfg->cpu_milli);

	if (err || ctx->cfg->cpu_milli == 0)
		return parse_fail(ctx, opt, "'%s' is not a CPU share above 0: use a "
				  "percentage of one CPU (20%%) or a number of "
				  "CPUs (1.5)", value);
	return 0;
}

/* --pids: 0 or max is no limit, not even hutch's default. */
static int set_pids(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value)
{
	ctx->cfg->pids_off = !strcmp(value, "0") || !strcmp(value, "max");
	if (ctx->cfg->pids_off) {
		ctx->cfg->pids_max = 0;
		return 0;
	}
	return set_uint_in(ctx, opt, value, 1, 4194304, "processes");
}

int set_limit(struct parse_ctx *ctx, const struct option_def *opt, const char *value)
{
	if (opt->field == FIELD(pids_max))
		return set_pids(ctx, opt, value);
	/* 65536 ids from the base, all below the invalid uid -1; a base is
	 * only ever for a user namespace: it implies one */
	ctx->cfg->userns = true;
	return set_uint_in(ctx, opt, value, 1, 4294901759U, "");
}

/* --memory-swap (any size; says that swap was set) and --output-max (0,
 * or at least 4K); --memory and --memory-high are SIZE rows. */
int set_memory(struct parse_ctx *ctx, const struct option_def *opt,
	       const char *value)
{
	struct config *cfg = ctx->cfg;
	uint64_t bytes;

	if (parse_size(value, &bytes))
		return parse_fail(ctx, opt, "'%s' is not a size (examples: 16M, "
				  "256M, 1G)", value);
	if (opt->field == FIELD(output_max)) {
		if (bytes && bytes < 4096)
			return parse_fail(ctx, opt, "'%s' is below 4K, which would "
					  "rotate at nearly every line (0: no cap)",
					  value);
		cfg->output_max = bytes;
		return 0;
	}
	cfg->memory_swap_set = true;
	cfg->memory_swap_max = bytes;
	return 0;
}

/* The parent group, below the root of every hierarchy: the groups stay
 * inside /sys/fs/cgroup, whatever the path says. */
int set_cgroup_parent(struct parse_ctx *ctx, const struct option_def *opt,
		      const char *value)
{
	char *copy = ctx_strdup(ctx, value), *part, *next;

	if (!copy)
		return -1;
	if (value[0] == '/' || strlen(value) > 128)
		return parse_fail(ctx, opt, "'%s' must be a relative path of up to "
				  "128 characters below the cgroup root, e.g. hutch "
				  "or services/hutch", value);
	for (part = copy; part; part = next) {
		next = strchr(part, '/');
		if (next)
			*next++ = '\0';
		/* '@', ':' and '\\' as systemd's unit names have them:
		 * system.slice/hutch@web.service for a template unit. */
		if (!valid_name(part, "._-@:\\", 64))
			return parse_fail(ctx, opt, "'%s': each part must be a name "
					  "of letters, digits and . _ - @ : \\, not "
					  "'..' or empty", value);
	}
	ctx->cfg->cgroup_parent = value;
	return 0;
}

int check_limits(struct parse_ctx *ctx)
{
	const struct config *cfg = ctx->cfg;

	if (cfg->memory_swap_set && !cfg->memory_max)
		return parse_fail(ctx, NULL, "--memory-swap needs --memory: swap is "
				  "limited on top of a memory limit");
	/* The kernel takes it, but a high mark above the hard limit never
	 * acts: the OOM killer comes first. */
	if (cfg->memory_high && cfg->memory_max && cfg->memory_high >= cfg->memory_max)
		return parse_fail(ctx, NULL, "--memory-high must be below --memory: "
				  "above the limit it never acts");
	/* A crash loop is a start that ends at the start limit: without one,
	 * a crash loop never ends and there is nothing to count. */
	if (HUTCH_BOOTLIMIT && cfg->boot_limit && !cfg->start_limit_burst)
		return parse_fail(ctx, NULL, "--boot-limit needs --start-limit: a "
				  "crash loop is a start that ends at the start limit");
	/* The kernel refuses a CFS quota under 1 ms per period. */
	if (cfg->cpu_milli && cfg->cpu_milli * cfg->cpu_period_us / 1000 < 1000)
		return parse_fail(ctx, NULL, "--cpu %llu.%llu%% with --cpu-period "
				  "%llu gives less than the kernel's minimum quota "
				  "of 1000 us per period: raise one of them",
				  (unsigned long long)cfg->cpu_milli / 10,
				  (unsigned long long)cfg->cpu_milli % 10,
				  (unsigned long long)cfg->cpu_period_us);
	return 0;
}
