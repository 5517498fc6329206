/* SPDX-License-Identifier: MIT */
/* options_limits.c - the cgroup limit options: --cpu, --cpu-period,
 * --cpu-weight, --memory, --memory-high, --memory-swap, --pids,
 * --io-weight, --cgroup-parent and --cgroup-missing (--cpuset and
 * --io-max: options_knobs.c). Ranges are the kernel's own, so a value that passes
 * here is one the kernel takes. */
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

/* Whole numbers with a kernel range: --cpu-period, --cpu-weight, --pids. */
int set_limit(struct parse_ctx *ctx, const struct option_def *opt, const char *value)
{
	static const struct { size_t field; uint64_t min, max; const char *unit; } ranges[] = {
		{ FIELD(cpu_period_us), 1000, 1000000, "microseconds" },
		{ FIELD(cpu_weight), 1, 10000, "" },
		{ FIELD(pids_max), 1, 4194304, "processes" },
		/* v2's io.weight range; v1's 1..1000 is judged at start */
		{ FIELD(io_weight), 1, 10000, "" },
		/* 65536 ids from the base, all below the invalid uid -1 */
		{ FIELD(userns_base), 1, 4294901759U, "" },
		{ FIELD(boot_limit), 1, 1000, "starts" },
		{ FIELD(health_retries), 1, 1000, "failures" },
	};
	uint64_t v;

	/* --pids 0 or max: no limit, not even hutch's default */
	if (opt->field == FIELD(pids_max)) {
		ctx->cfg->pids_off = !strcmp(value, "0") || !strcmp(value, "max");
		if (ctx->cfg->pids_off) {
			ctx->cfg->pids_max = 0;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		if (ranges[i].field != opt->field)
			continue;
		if (parse_uint(value, ranges[i].max, &v) || v < ranges[i].min)
			return parse_fail(ctx, opt, "'%s' is not a number from %llu "
					  "to %llu%s%s", value,
					  (unsigned long long)ranges[i].min,
					  (unsigned long long)ranges[i].max,
					  *ranges[i].unit ? " " : "", ranges[i].unit);
		/* void *: an aligned offsetof field (-Wcast-align on ARM, MIPS) */
		*(uint64_t *)(void *)((char *)ctx->cfg + opt->field) = v;
		/* a base is only ever for a user namespace: it implies one */
		ctx->cfg->userns |= opt->field == FIELD(userns_base);
		return 0;
	}
	return parse_fail(ctx, opt, "no range known");
}

/* A memory cgroup charges the service's page cache and kernel memory too:
 * below 1 MiB not even a shell starts, so such a limit is a typo. */
#define MEMORY_MIN (1u << 20)

int set_memory(struct parse_ctx *ctx, const struct option_def *opt,
	       const char *value)
{
	struct config *cfg = ctx->cfg;
	bool swap = opt->field == FIELD(memory_swap_max);
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
	if (!swap && bytes < MEMORY_MIN)
		return parse_fail(ctx, opt, "'%s' is below 1M, too little for any "
				  "service to start (examples: 16M, 256M)", value);
	cfg->memory_swap_set |= swap;
	/* void *: an aligned offsetof field (-Wcast-align on ARM, MIPS) */
	*(uint64_t *)(void *)((char *)cfg + opt->field) = bytes;
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

int set_cgroup_missing(struct parse_ctx *ctx, const struct option_def *opt,
		       const char *value)
{
	static const char *const modes[] = { "fail", "warn", NULL };
	int i = word_index(value, modes);

	if (i < 0)
		return parse_fail(ctx, opt, "'%s' is not fail or warn", value);
	ctx->cfg->cgroup_warn = i == 1;
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
