/* SPDX-License-Identifier: MIT */
/* options_internal.h - shared by the option table (options.c), the config
 * file reader (config_file.c) and --help (help.c). Not for other parts. */
#ifndef HUTCH_OPTIONS_INTERNAL_H
#define HUTCH_OPTIONS_INTERNAL_H

#include "log.h"
#include "options.h"
#include "profile.h"

struct parse_ctx {
	struct config *cfg;
	struct parse_error *err;
	const char *file; /* the config file being read, NULL for argv */
	unsigned line;
	enum parse_result result; /* PARSE_HELP / PARSE_VERSION when asked */
	bool command_required;	  /* false for `hutch check` */
};

struct option_def;
typedef int (*option_setter)(struct parse_ctx *ctx, const struct option_def *opt,
			     const char *value);

enum { OPT_ARGV = 1, OPT_FILE = 2, OPT_BOTH = 3 };

/* A row's help text: HUTCH_HELP=n (terse) keeps the synopsis column of
 * --help and drops the texts, which docs/options.md and hutch(8) carry. */
#if HUTCH_HELP
#define HELP_TEXT(text) text
#else
#define HELP_TEXT(text) ""
#endif

/* What a row's value is (options.def): one generic setter per kind. */
enum option_kind {
	K_FLAG, K_CONSTANT, K_ACTION, K_PATH, K_ABSPATH, K_DURATION, K_UINT,
	K_SIZE, K_WORDS, K_CUSTOM,
};

struct option_def {
	/* "NAME\0ARG\0HELP\0DEFAULT" (and for K_WORDS "\0WHAT\0WORD\0..."):
	 * --NAME on the command line, NAME = in files; ARG names the value
	 * in --help, empty for a flag; DEFAULT is "=VALUE" (set before the
	 * options are read), "~VALUE" (what the zeroed field means), a
	 * description, or empty. Read them with option_arg(), option_help()
	 * and option_default(). */
	const char *name;
	unsigned short field; /* offsetof() the config field, or CUSTOM's arg */
	unsigned char kind;   /* enum option_kind */
	char short_name;      /* -x, or 0 */
	unsigned char where;  /* OPT_ARGV, OPT_FILE or both */
	unsigned char feature; /* enum feature: refused when not built */
	/* by kind: CONSTANT's value, ACTION's result, UINT's range, WORDS'
	 * field size, CUSTOM's setter */
	unsigned char param;
};

/* The value's name ("FILE"), or NULL when the option is a flag. */
const char *option_arg(const struct option_def *opt);
const char *option_help(const struct option_def *opt);
/* The DEFAULT text (see struct option_def), "" when there is none. */
const char *option_default(const struct option_def *opt);

extern const struct option_def option_table[];
extern const size_t option_count;

const struct option_def *option_find(const char *name, size_t len);

/* Fills ctx->err with "where: message" and returns -1. */
int parse_fail(struct parse_ctx *ctx, const struct option_def *opt,
	       const char *f, ...) HUTCH_PRINTF(3, 4);

/* Sets the rows' DFL() defaults into ctx->cfg (options.def). */
int option_defaults(struct parse_ctx *ctx);

/* A whole number min..max into opt's uint64_t field; unit ends the
 * refusal ("from 1 to 1000 starts"). */
int set_uint_in(struct parse_ctx *ctx, const struct option_def *opt,
		const char *value, uint64_t min, uint64_t max, const char *unit);

/* Runs opt's setter; value is NULL for a flag given without one. */
int option_apply(struct parse_ctx *ctx, const struct option_def *opt,
		 const char *value);

int config_file_read(struct parse_ctx *ctx, const char *path);

/* A small regular file's whole text, read into cfg's arena; `what` names it
 * in messages ("config file"). NULL after parse_fail. */
char *file_text(struct parse_ctx *ctx, const char *path, const char *what);

/* Splits a config file's command line into words, in place, into
 * the arena's words and points cfg->argv at them; see docs/options.md, "Config
 * files", for the quoting rules. */
int command_split(struct parse_ctx *ctx, const struct option_def *opt,
		  char *line);

/* 1..max characters of letters, digits and `extra`, not starting with
 * '.' or '-'. */
bool valid_name(const char *s, const char *extra, size_t max);

/* The index of s in the NULL-terminated list, or -1. */
int word_index(const char *s, const char *const *list);

/* Setters of the cgroup limit options (options_limits.c). */
int set_cpu(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
/* --pids (0 or max: none) and --userns-base (implies --userns). */
int set_limit(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
int set_memory(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
int set_cgroup_parent(struct parse_ctx *ctx, const struct option_def *opt,
		      const char *value);
/* Absolute, without "..": what every path inside the sandbox must be. */
int check_sandbox_path(struct parse_ctx *ctx, const struct option_def *opt,
		       const char *path, const char *what);

/* Setters of the mount and environment options (options_mounts.c). */
int set_bind(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
int set_tmpfs(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
int set_env(struct parse_ctx *ctx, const struct option_def *opt, const char *value);

/* Setters of the privilege options (options_privs.c). */
int set_user(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
int set_group_add(struct parse_ctx *ctx, const struct option_def *opt,
		  const char *value);
int set_cap_keep(struct parse_ctx *ctx, const struct option_def *opt,
		 const char *value);
int set_rlimit(struct parse_ctx *ctx, const struct option_def *opt,
	       const char *value);
int set_umask(struct parse_ctx *ctx, const struct option_def *opt,
	      const char *value);
/* The setters of optional features: their rows are refused before a
 * setter runs when the feature is not built (option_apply), so the stubs
 * only fill the setter table. */
#define NOT_BUILT_SETTER(name)                                              \
	static inline int name(struct parse_ctx *ctx,                       \
			       const struct option_def *opt, const char *value) \
	{                                                                    \
		(void)ctx;                                                   \
		(void)opt;                                                   \
		(void)value;                                                 \
		return -1;                                                   \
	}

/* Setters of the system call filter options (options_seccomp.c). */
#if HUTCH_SECCOMP
int set_seccomp(struct parse_ctx *ctx, const struct option_def *opt,
		const char *value);
#else
NOT_BUILT_SETTER(set_seccomp)
#endif
/* --device (options_devices.c). */
#if HUTCH_DEVICES
int set_device(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
#else
NOT_BUILT_SETTER(set_device)
#endif
/* --output-rate (options_output.c). */
#if HUTCH_OUTPUT
int set_output_rate(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value);
#else
NOT_BUILT_SETTER(set_output_rate)
#endif
/* --ready and its checks across options (options_ready.c). */
#if HUTCH_READY
int set_ready(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
int check_ready(struct parse_ctx *ctx);
#else
NOT_BUILT_SETTER(set_ready)
static inline int check_ready(struct parse_ctx *ctx)
{
	(void)ctx;
	return 0;
}
#endif

/* --health and the checks across the liveness options
 * (options_liveness.c). */
#if HUTCH_LIVENESS
int set_health(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
int check_liveness(struct parse_ctx *ctx);
#else
NOT_BUILT_SETTER(set_health)
static inline int check_liveness(struct parse_ctx *ctx)
{
	(void)ctx;
	return 0;
}
#endif

/* --cpuset, --io-max and --pressure-restart (options_knobs.c). */
#if HUTCH_LIMITS
int set_cpuset(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
int set_io_max(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
int set_pressure(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
#else
NOT_BUILT_SETTER(set_cpuset)
NOT_BUILT_SETTER(set_io_max)
NOT_BUILT_SETTER(set_pressure)
#endif
/* --overlay and its checks across options (image.c). */
#if HUTCH_IMAGE
int set_overlay(struct parse_ctx *ctx, const struct option_def *opt, const char *value);
int check_overlay(struct parse_ctx *ctx);
#else
NOT_BUILT_SETTER(set_overlay)
static inline int check_overlay(struct parse_ctx *ctx)
{
	(void)ctx;
	return 0;
}
#endif
/* Checks across the limit options, once all are read. */
int check_limits(struct parse_ctx *ctx);

char *ctx_strdup(struct parse_ctx *ctx, const char *s);

#endif
