/* SPDX-License-Identifier: MIT */
/* config_file.c - `-f FILE`: one `key = value` per line, the same keys as
 * the long options. A line whose first non-blank is '#' is a comment. A
 * value runs to the end of the line, blanks trimmed, quotes kept, except
 * for `command`, which is split into words (see command_split). */
#include "options_internal.h"
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX_BYTES 16384

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *read_text(struct parse_ctx *ctx, int fd, const char *path,
		       const char *what)
{
	struct stat st;
	size_t len = 0;
	char *text;

	/* stat_at (sys.h), which mounts.c uses anyway; fstat(3) would be
	 * one more wrapper. */
	if (stat_at(fd, "", &st, AT_EMPTY_PATH) || !S_ISREG(st.st_mode))
		return parse_fail(ctx, NULL, "%s %s is not a regular file",
				  what, path), NULL;
	if (st.st_size > CONFIG_MAX_BYTES)
		return parse_fail(ctx, NULL, "%s %s is larger than %d bytes",
				  what, path, CONFIG_MAX_BYTES), NULL;
	text = config_alloc(ctx->cfg, (size_t)st.st_size + 1);
	if (!text)
		return parse_fail(ctx, NULL, "%s %s does not fit: the "
				  "configuration is too large", what, path), NULL;
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, text + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return parse_fail(ctx, NULL, "cannot read %s %s: %s", what,
					  path, error_text(errno)), NULL;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	text[len] = '\0';
	if (strlen(text) != len)
		return parse_fail(ctx, NULL, "%s %s contains a NUL byte",
				  what, path), NULL;
	return text;
}

char *file_text(struct parse_ctx *ctx, const char *path, const char *what)
{
	/* O_NONBLOCK: a FIFO or device given by mistake must not hang the
	 * open; read_text refuses anything but a regular file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *text;

	if (fd < 0)
		return parse_fail(ctx, NULL, "cannot open %s %s: %s", what, path,
				  error_text(errno)), NULL;
	text = read_text(ctx, fd, path, what);
	close(fd);
	return text;
}

static int parse_line(struct parse_ctx *ctx, char *s)
{
	const struct option_def *opt;
	char *key, *key_end, *value = NULL, *end = s + strlen(s);

	while (end > s && blank(end[-1]))
		*--end = '\0';
	while (blank(*s))
		s++;
	if (!*s || *s == '#')
		return 0;
	key = s;
	key_end = s + until_any(s, " \t=");
	s = key_end;
	while (blank(*s))
		s++;
	if (*s == '=') {
		for (value = s + 1; blank(*value); value++)
			;
	} else if (*s) {
		return parse_fail(ctx, NULL, "expected 'key = value'");
	}
	*key_end = '\0';
	opt = option_find(key, strlen(key));
	if (!opt)
		return parse_fail(ctx, NULL, "unknown key '%s' (the keys are the "
				  "long options of hutch --help)", key);
	if (!(opt->where & OPT_FILE))
		return parse_fail(ctx, NULL, "'%s' cannot be used in a config file",
				  key);
	return option_apply(ctx, opt, value);
}

int config_file_read(struct parse_ctx *ctx, const char *path)
{
	char *text = file_text(ctx, path, "config file"), *line, *next;

	if (!text)
		return -1;
	ctx->file = path;
	ctx->line = 0;
	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ctx->line++;
		if (parse_line(ctx, line))
			return -1;
	}
	ctx->file = NULL;
	return 0;
}

/* Reads one word at *r into *w (w never passes r): 'single quotes' keep
 * everything, "double quotes" take \" and \\ as escapes, a backslash
 * outside quotes keeps the next character. No variables, no globbing. */
static int take_word(char **r, char **w)
{
	char *in = *r, *out = *w;

	while (*in && !blank(*in)) {
		char quote = *in;
		if (quote == '\'' || quote == '"') {
			for (in++; *in && *in != quote; *out++ = *in++)
				if (quote == '"' && *in == '\\' &&
				    (in[1] == '"' || in[1] == '\\'))
					in++;
			if (!*in)
				return -1;
			in++;
		} else {
			if (*in == '\\' && in[1])
				in++;
			*out++ = *in++;
		}
	}
	*r = in;
	*w = out;
	return 0;
}

int command_split(struct parse_ctx *ctx, const struct option_def *opt,
		  char *line)
{
	char **words = ctx->cfg->text->words, *r = line, *w = line;
	size_t n = 0;

	for (;;) {
		char *word = w, stop;
		while (blank(*r))
			r++;
		if (!*r)
			break;
		if (n == CONFIG_MAX_WORDS)
			return parse_fail(ctx, opt, "more than %d words",
					  CONFIG_MAX_WORDS);
		if (take_word(&r, &w))
			return parse_fail(ctx, opt, "unterminated quote");
		stop = *r; /* *w = '\0' may overwrite it when w == r */
		*w++ = '\0';
		if (stop)
			r++;
		words[n++] = word;
	}
	if (!n)
		return parse_fail(ctx, opt, "needs a command");
	words[n] = NULL;
	ctx->cfg->argv = words;
	return 0;
}
