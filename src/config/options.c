/* SPDX-License-Identifier: MIT */
/* options.c - the option table and the setters that validate each value.
 * Every value is checked here, before anything on the system is touched,
 * so a bad one costs one line and exit 125 (see main.c). */
#include "options_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "sys.h"
#include "units.h"

#define FIELD(f) offsetof(struct config, f)
/* Through void *: field is an offsetof, so aligned for its type, which
 * -Wcast-align cannot know on strict-alignment targets (ARM, MIPS). */
#define AT(ctx, opt, type) ((type *)(void *)((char *)(ctx)->cfg + (opt)->field))

int parse_fail(struct parse_ctx *ctx, const struct option_def *opt,
	       const char *f, ...)
{
	char *buf = ctx->err->msg;
	size_t size = sizeof ctx->err->msg, n = 0;

	if (ctx->file)
		n = fmt(buf, size, "%s:%u: ", ctx->file, ctx->line);
	if (opt && n < size)
		n += fmt(buf + n, size - n, ctx->file ? "%s: " : "option --%s: ",
			 opt->name);
	if (n < size) {
		va_list ap;
		va_start(ap, f);
		fmt_va(buf + n, size - n, f, ap);
		va_end(ap);
	}
	return -1;
}

char *config_alloc(struct config *cfg, size_t len)
{
	struct config_text *t = cfg->text;
	char *p;

	if (len > sizeof t->bytes - t->used)
		return NULL;
	p = t->bytes + t->used;
	t->used += len;
	return p;
}

char *ctx_strdup(struct parse_ctx *ctx, const char *s)
{
	size_t len = strlen(s) + 1;
	char *copy = config_alloc(ctx->cfg, len);

	if (!copy) {
		parse_fail(ctx, NULL, "the configuration is too large (more than "
			   "%d bytes of text)", CONFIG_TEXT_BYTES);
		return NULL;
	}
	return memcpy(copy, s, len);
}

/* The index of s in the NULL-terminated list, or -1. */
int word_index(const char *s, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return i;
	return -1;
}

/* Names become directory names (cgroup, /run/hutch/NAME) and the default
 * hostname: keep them to a portable, path-safe alphabet. */
bool valid_name(const char *s, const char *extra, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || s[0] == '.' || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return false;
	return true;
}

static int set_name(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value)
{
	if (!valid_name(value, "._-", 64))
		return parse_fail(ctx, opt, "'%s' is not a valid name: use up to 64 "
				  "letters, digits, '.', '_' or '-', not starting "
				  "with '.' or '-'", value);
	ctx->cfg->name = value;
	return 0;
}

static int set_hostname(struct parse_ctx *ctx, const struct option_def *opt,
			const char *value)
{
	if (!valid_name(value, "._-", 64))
		return parse_fail(ctx, opt, "'%s' is not a valid hostname: use up "
				  "to 64 letters, digits, '.', '_' or '-'", value);
	ctx->cfg->hostname = value;
	return 0;
}

/* A signal by name (QUIT, SIGQUIT) or number, through the table that
 * hutch kill reads too. */
static int set_signal(struct parse_ctx *ctx, const struct option_def *opt,
		      const char *value)
{
	int sig = signal_number(value);

	if (sig <= 0)
		return parse_fail(ctx, opt, "'%s' is not a signal (TERM, QUIT, HUP, "
				  "USR1, 3 ...)", value);
	*AT(ctx, opt, int) = sig;
	return 0;
}

static int set_start_limit(struct parse_ctx *ctx, const struct option_def *opt,
			   const char *value)
{
	struct config *cfg = ctx->cfg;
	char burst[24];
	const char *slash = strchr(value, '/');
	size_t n = slash ? (size_t)(slash - value) : 0;

	if (strcmp(value, "none") == 0) {
		cfg->start_limit_burst = 0;
		return 0;
	}
	if (n && n < sizeof burst) {
		memcpy(burst, value, n);
		burst[n] = '\0';
		if (!parse_uint(burst, 1000000, &cfg->start_limit_burst) &&
		    cfg->start_limit_burst > 0 &&
		    !parse_duration_ms(slash + 1, &cfg->start_limit_interval_ms) &&
		    cfg->start_limit_interval_ms > 0)
			return 0;
	}
	return parse_fail(ctx, opt, "'%s' is not a start limit: use "
			  "STARTS/INTERVAL, e.g. 5/10s, or none", value);
}

static int set_log(struct parse_ctx *ctx, const struct option_def *opt,
		   const char *value)
{
	static const char *const targets[] = { "stderr", "kmsg", "syslog", NULL };
	int i = word_index(value, targets);

	if (i < 0)
		return parse_fail(ctx, opt, "'%s' is not stderr, kmsg or syslog", value);
	/* stderr is always there: a portable file may say so */
	if (i && !HUTCH_DAEMON)
		return parse_fail(ctx, opt, "%s: " NOT_BUILT_FMT, value,
				  feature_name(F_DAEMON));
	ctx->cfg->log_target = i;
	return 0;
}

static int set_config(struct parse_ctx *ctx, const struct option_def *opt,
		      const char *value)
{
	(void)opt;
	return config_file_read(ctx, value);
}

static int set_command(struct parse_ctx *ctx, const struct option_def *opt,
		       const char *value)
{
	char *line = ctx_strdup(ctx, value);

	return line ? command_split(ctx, opt, line) : -1;
}

/* The generic setters, one per kind of options.def: the row carries what
 * each needs (field, range, words), none asks which row called it. */

/* yes, no ... in a config file; a flag given bare is on. */
static int yes_no(struct parse_ctx *ctx, const struct option_def *opt,
		  const char *value, bool *on)
{
	static const char *const words[] = { "yes", "true", "on",  "1", "no",
					     "false", "off", "0", NULL };
	int i = value ? word_index(value, words) : 0;

	*on = i < 4;
	if (i < 0)
		return parse_fail(ctx, opt, "'%s' is not yes or no", value);
	return 0;
}

static int set_flag(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value)
{
	return yes_no(ctx, opt, value, AT(ctx, opt, bool));
}

/* -v and -q: their level when on, nothing when off */
static int set_constant(struct parse_ctx *ctx, const struct option_def *opt,
			const char *value)
{
	bool on;

	if (yes_no(ctx, opt, value, &on))
		return -1;
	if (on)
		*AT(ctx, opt, int) = opt->param;
	return 0;
}

static int set_action(struct parse_ctx *ctx, const struct option_def *opt,
		      const char *value)
{
	(void)value;
	ctx->result = (enum parse_result)opt->param;
	return 0;
}

static int set_path(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value)
{
	*AT(ctx, opt, const char *) = value;
	return 0;
}

static int set_abspath(struct parse_ctx *ctx, const struct option_def *opt,
		       const char *value)
{
	if (check_sandbox_path(ctx, opt, value, "directory"))
		return -1;
	return set_path(ctx, opt, value);
}

static int set_duration(struct parse_ctx *ctx, const struct option_def *opt,
			const char *value)
{
	uint64_t ms;
	int err = parse_duration_ms(value, &ms);

	if (err == -ERANGE || (!err && ms > 31536000000ULL))
		return parse_fail(ctx, opt, "'%s' is too long (at most a year)",
				  value);
	if (err)
		return parse_fail(ctx, opt, "'%s' is not a duration (examples: "
				  "500ms, 10s, 1.5s, 2m)", value);
	*AT(ctx, opt, uint64_t) = ms;
	return 0;
}

int set_uint_in(struct parse_ctx *ctx, const struct option_def *opt,
		const char *value, uint64_t min, uint64_t max, const char *unit)
{
	uint64_t v;

	if (parse_uint(value, max, &v) || v < min)
		return parse_fail(ctx, opt, "'%s' is not a number from %llu to "
				  "%llu%s%s", value, (unsigned long long)min,
				  (unsigned long long)max, *unit ? " " : "", unit);
	*AT(ctx, opt, uint64_t) = v;
	return 0;
}

/* The UINT rows' ranges and the WORDS rows' words, by the index their
 * row holds (param). options.def expands what is not defined here to
 * nothing, and undefines all after each inclusion. */
#define KIND_OF(n, s, a, k, d, f, w, help, doc, man) k
#define OPT KIND_OF
#define UINT(f, min, max, unit) R_##f,
enum range_index {
#include "options.def"
};
#define OPT KIND_OF
#define UINT(f, min, max, unit) { min, max, unit },
static const struct {
	uint32_t min, max;
	const char *unit;
} ranges[] = {
#include "options.def"
};
#define OPT KIND_OF
#define WORDS(f, what, words) W_##f,
enum words_index {
#include "options.def"
};
/* "WHAT\0WORD\0WORD\0", and the field's size: a bool or an int */
#define OPT KIND_OF
#define WORDS(f, what, words) { what "\0" words "\0", sizeof(((struct config *)0)->f) },
static const struct {
	const char *text;
	unsigned char size;
} word_lists[] = {
#include "options.def"
};
#undef KIND_OF

static int set_uint(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value)
{
	return set_uint_in(ctx, opt, value, ranges[opt->param].min,
			   ranges[opt->param].max, ranges[opt->param].unit);
}

/* A memory cgroup charges the service's page cache and kernel memory too:
 * below 1 MiB not even a shell starts, so such a limit is a typo. */
#define MEMORY_MIN (1u << 20)

static int set_size(struct parse_ctx *ctx, const struct option_def *opt,
		    const char *value)
{
	uint64_t bytes;

	if (parse_size(value, &bytes))
		return parse_fail(ctx, opt, "'%s' is not a size (examples: 16M, "
				  "256M, 1G)", value);
	if (bytes < MEMORY_MIN)
		return parse_fail(ctx, opt, "'%s' is below 1M, too little for any "
				  "service to start (examples: 16M, 256M)", value);
	*AT(ctx, opt, uint64_t) = bytes;
	return 0;
}

/* One of the row's words: its index, in a bool or an int field.
 * Refused with "WHAT" and the words, "a, b or c". */
static int set_words(struct parse_ctx *ctx, const struct option_def *opt,
		     const char *value)
{
	const char *what = word_lists[opt->param].text, *w;
	char list[80];
	size_t n = 0;
	int i = 0;

	for (w = what + strlen(what) + 1; *w; w += strlen(w) + 1, i++) {
		if (strcmp(value, w) == 0) {
			if (word_lists[opt->param].size == sizeof(bool))
				*AT(ctx, opt, bool) = i;
			else
				*AT(ctx, opt, int) = i;
			return 0;
		}
		/* "a, b or c": the separator before each word but the first */
		n += fmt(list + n, sizeof list - n, "%s%s",
			 !i ? "" : w[strlen(w) + 1] ? ", " : " or ", w);
	}
	return parse_fail(ctx, opt, "'%s' is not %s%s", value, what, list);
}

/* The CUSTOM rows' setters, by the index their row holds (one byte, not
 * an 8-byte pointer per row), from options.def's SETTER list. */
#define SETTER(fn) S_##fn,
enum setter_index {
#include "options.def"
};
#define SETTER(fn) fn,
static const option_setter customs[] = {
#include "options.def"
};

/* By enum option_kind. */
static const option_setter kinds[] = {
	[K_FLAG] = set_flag, [K_CONSTANT] = set_constant, [K_ACTION] = set_action,
	[K_PATH] = set_path, [K_ABSPATH] = set_abspath,
	[K_DURATION] = set_duration, [K_UINT] = set_uint, [K_SIZE] = set_size,
	[K_WORDS] = set_words,
};

/* A row, from options.def: its texts as one string (one pointer, not
 * four), "NAME\0ARG\0HELP\0DEFAULT", then what its kind needs. */
#define OPT(n, s, a, k, d, f, w, help, doc, man)                        \
	{ .name = n "\0" a "\0" HELP_TEXT(help) "\0" d, k, .short_name = (s), \
	  .where = OPT_##w, .feature = F_##f },
#define DFL(value) "=" value
#define VALUE(value) HELP_TEXT("~" value)
#define TEXT(text) HELP_TEXT(text)
#define NONE ""
#define FLAG(f) .field = FIELD(f), .kind = K_FLAG
#define CONSTANT(f, v) .field = FIELD(f), .kind = K_CONSTANT, .param = (v)
#define ACTION(r) .kind = K_ACTION, .param = (r)
#define PATH(f) .field = FIELD(f), .kind = K_PATH
#define ABSPATH(f) .field = FIELD(f), .kind = K_ABSPATH
#define DURATION(f) .field = FIELD(f), .kind = K_DURATION
#define UINT(f, min, max, unit) .field = FIELD(f), .kind = K_UINT, .param = R_##f
#define SIZE(f) .field = FIELD(f), .kind = K_SIZE
#define WORDS(f, what, words) .field = FIELD(f), .kind = K_WORDS, .param = W_##f
#define CUSTOM(fn, arg) .field = (arg), .kind = K_CUSTOM, .param = S_##fn

const struct option_def option_table[] = {
#include "options.def"
};
const size_t option_count = sizeof option_table / sizeof option_table[0];

/* The n-th of the row's NUL-separated texts (0: the name). */
static const char *option_text(const struct option_def *opt, int n)
{
	const char *p = opt->name;

	while (n--)
		p += strlen(p) + 1;
	return p;
}

const char *option_arg(const struct option_def *opt)
{
	const char *arg = option_text(opt, 1);

	return *arg ? arg : NULL;
}

const char *option_help(const struct option_def *opt)
{
	return option_text(opt, 2);
}

const char *option_default(const struct option_def *opt)
{
	return option_text(opt, 3);
}

const struct option_def *option_find(const char *name, size_t len)
{
	for (size_t i = 0; i < option_count; i++)
		if (strlen(option_table[i].name) == len &&
		    !memcmp(option_table[i].name, name, len))
			return &option_table[i];
	return NULL;
}

static int option_set(struct parse_ctx *ctx, const struct option_def *opt,
		      const char *value)
{
	return (opt->kind == K_CUSTOM ? customs[opt->param] : kinds[opt->kind])(
		ctx, opt, value);
}

int option_apply(struct parse_ctx *ctx, const struct option_def *opt,
		 const char *value)
{
	const char *arg = option_arg(opt);

	if (!feature_built(opt->feature))
		return parse_fail(ctx, opt, NOT_BUILT_FMT, feature_name(opt->feature));
	if (arg && !value)
		return parse_fail(ctx, opt, "needs a value (%s)", arg);
	if (arg && !*value && !(opt->kind == K_CUSTOM && opt->param == S_set_command))
		return parse_fail(ctx, opt, "needs a value (%s), not an empty one",
				  arg);
	return option_set(ctx, opt, value);
}

/* The rows' DFL("...") values, parsed as a given value would be: the
 * text that documents a default is the one that sets it. Every profile
 * sets them, its features' or not (the same config as ever), so a DFL()
 * needs a setter that every profile builds (a kind's, or a CUSTOM one
 * outside the NOT_BUILT_SETTER stubs): tests/unit/options.c parses the
 * defaults in each profile. */
int option_defaults(struct parse_ctx *ctx)
{
	for (size_t i = 0; i < option_count; i++) {
		const char *value = option_default(&option_table[i]);

		if (*value == '=' && option_set(ctx, &option_table[i], value + 1))
			return -1;
	}
	return 0;
}
