/* SPDX-License-Identifier: MIT */
/* cli.c - the command line: options (long, short, clustered flags), -f
 * FILE read in place, then the service's command. Later options override
 * earlier ones (a file's values included); repeatable ones accumulate. */
#include "options_internal.h"

#include <stddef.h>
#include <string.h>

/* The zeroed config on an emptied arena, then the rows' defaults
 * (options.def: the text that documents one sets it). The arena's bytes
 * are not cleared: 24 KiB touched for nothing. */
static int set_defaults(struct parse_ctx *ctx, struct config_text *text)
{
	struct config *cfg = ctx->cfg;

	memset(cfg, 0, sizeof *cfg);
	text->used = 0;
	cfg->text = text;
	cfg->kill_grace_ms = UINT64_MAX; /* the stop timeout, in finish() */
	cfg->verbosity = LOG_INFO;
	return option_defaults(ctx);
}

static int unknown(struct parse_ctx *ctx, const char *option)
{
	return parse_fail(ctx, NULL, "unknown option '%s' (see hutch --help)",
			  option);
}

static int parse_long(struct parse_ctx *ctx, int argc, char **argv, int *i)
{
	const char *arg = argv[*i] + 2, *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct option_def *opt = option_find(arg, len);
	const char *value = NULL;

	if (!opt || !(opt->where & OPT_ARGV))
		return unknown(ctx, argv[*i]);
	if (option_arg(opt))
		value = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
	else if (eq)
		return parse_fail(ctx, opt, "takes no value");
	return option_apply(ctx, opt, value);
}

static const struct option_def *find_short(char c)
{
	for (size_t i = 0; i < option_count; i++)
		if (option_table[i].short_name == c)
			return &option_table[i];
	return NULL;
}

/* -v, -vq, -n NAME, -nNAME */
static int parse_short(struct parse_ctx *ctx, int argc, char **argv, int *i)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		const struct option_def *opt = find_short(*p);

		if (!opt || !(opt->where & OPT_ARGV)) {
			const char flag[] = { '-', *p, '\0' };
			return unknown(ctx, flag);
		}
		if (option_arg(opt))
			return option_apply(ctx, opt, p[1] ? p + 1
					    : *i + 1 < argc ? argv[++*i] : NULL);
		if (option_apply(ctx, opt, NULL))
			return -1;
	}
	return 0;
}

/* Defaults that depend on other values, and checks across options. */
static int finish(struct parse_ctx *ctx)
{
	struct config *cfg = ctx->cfg;

	if (check_limits(ctx) || check_ready(ctx) || check_liveness(ctx) || check_overlay(ctx))
		return -1;
	if (!cfg->argv && !ctx->command_required)
		return 0;
	if (!cfg->argv || !cfg->argv[0] || !cfg->argv[0][0])
		return parse_fail(ctx, NULL, "no command given: hutch [OPTIONS] "
				  "-- COMMAND [ARG...], or command = ... in a "
				  "config file");
	if (!cfg->name) {
		const char *base = strrchr(cfg->argv[0], '/');
		base = base ? base + 1 : cfg->argv[0];
		if (!valid_name(base, "._-", 64))
			return parse_fail(ctx, NULL, "cannot name the sandbox after "
					  "the command '%s': give --name NAME",
					  cfg->argv[0]);
		cfg->name = base;
	}
	if (!cfg->hostname)
		cfg->hostname = cfg->name;
	if (cfg->kill_grace_ms == UINT64_MAX)
		cfg->kill_grace_ms = cfg->stop_timeout_ms;
	if (cfg->restart_reset_ms == 0)
		return parse_fail(ctx, NULL, "restart-reset must be at least 1ms, "
				  "or a crash loop never backs off");
	if (cfg->restart_delay_ms == 0)
		return parse_fail(ctx, NULL, "restart-delay must be at least 1ms, "
				  "or a crash loop burns the CPU");
	if (cfg->restart_max_delay_ms < cfg->restart_delay_ms)
		return parse_fail(ctx, NULL, "restart-max-delay (%llu ms) is "
				  "below restart-delay (%llu ms)",
				  (unsigned long long)cfg->restart_max_delay_ms,
				  (unsigned long long)cfg->restart_delay_ms);
	return 0;
}

enum parse_result options_parse(struct config *cfg, struct config_text *text,
				int argc, char **argv, struct parse_error *err,
				bool command_required)
{
	struct parse_ctx ctx = { .cfg = cfg, .err = err, .result = PARSE_RUN,
				 .command_required = command_required };
	int i;

	err->msg[0] = '\0';
	if (set_defaults(&ctx, text))
		return PARSE_ERROR;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int failed;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break; /* the command starts here */
		failed = a[1] == '-' ? parse_long(&ctx, argc, argv, &i)
				     : parse_short(&ctx, argc, argv, &i);
		if (failed)
			return PARSE_ERROR;
		if (ctx.result != PARSE_RUN)
			return ctx.result;
	}
	if (i < argc)
		cfg->argv = &argv[i];
	return finish(&ctx) ? PARSE_ERROR : PARSE_RUN;
}
